"""Reporters: name -> function(results) -> text. The CLI's `--format` choices are the keys."""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping, Sequence

from lam_bot.validator.model import FileResult

Reporter = Callable[[Sequence[FileResult]], str]

# name -> "module:function"; a run imports only the reporter it prints with.
REPORTERS: dict[str, str] = {
    "text": "lam_bot.report.text:render_text",
    "json": "lam_bot.report.json_report:render_json",
    "github": "lam_bot.report.github:render_github",
    "sarif": "lam_bot.report.sarif:render_sarif",
}


def reporter(name: str) -> Reporter:
    """The reporter registered as `name`."""
    module, _, function = REPORTERS[name].partition(":")
    render: Reporter = getattr(importlib.import_module(module), function)
    return render


def default_format(environ: Mapping[str, str]) -> str:
    """github inside GitHub Actions, text elsewhere."""
    return "github" if environ.get("GITHUB_ACTIONS") == "true" else "text"
