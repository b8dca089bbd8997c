"""Reporters: name -> function(results) -> text. The CLI's `--format` choices are the keys."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from lam_bot.report.github import render_github
from lam_bot.report.json_report import render_json
from lam_bot.report.sarif import render_sarif
from lam_bot.report.text import render_text
from lam_bot.validator.model import FileResult

Reporter = Callable[[Sequence[FileResult]], str]

REPORTERS: dict[str, Reporter] = {
    "text": render_text,
    "json": render_json,
    "github": render_github,
    "sarif": render_sarif,
}


def default_format(environ: dict[str, str]) -> str:
    """github inside GitHub Actions, text elsewhere."""
    return "github" if environ.get("GITHUB_ACTIONS") == "true" else "text"
