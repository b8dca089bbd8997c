"""GitHub Actions workflow commands: annotations on the pull request's files."""

from __future__ import annotations

from collections.abc import Sequence

from lam_bot.report.safe import printable
from lam_bot.report.summary import all_diagnostics, count, summarize
from lam_bot.validator.model import FileResult


def _data(text: str) -> str:
    # GitHub's own escapes first (%, CR, LF), then every other control made visible.
    text = text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    return printable(text)


def _property(text: str) -> str:
    return _data(text).replace(":", "%3A").replace(",", "%2C")


def render_github(results: Sequence[FileResult]) -> str:
    """`::error file=…,line=…,col=…,title=…::message` lines and a notice with the totals."""
    lines = [
        f"::{d.severity} file={_property(d.path)},line={d.line},col={d.col},"
        f"title={_property(d.rule)}::{_data(d.message)}"
        for d in all_diagnostics(results)
    ]
    total = summarize(results)
    lines.append(
        f"::notice title=lam-bot validate::{count(total.files, 'file')} checked:"
        f" {count(total.errors, 'error')}, {count(total.warnings, 'warning')}"
    )
    return "\n".join(lines) + "\n"
