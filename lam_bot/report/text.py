"""Text: one `path:line:col: severity rule message` line per finding, then a summary."""

from __future__ import annotations

from collections.abc import Sequence

from lam_bot.report.safe import printable
from lam_bot.report.summary import all_diagnostics, count, summarize
from lam_bot.validator.model import FileResult


def render_text(results: Sequence[FileResult]) -> str:
    """The text report; file names and messages through `printable`."""
    lines = [
        f"{printable(d.path)}:{d.line}:{d.col}: {d.severity} {d.rule} {printable(d.message)}"
        for d in all_diagnostics(results)
    ]
    total = summarize(results)
    scores = [r.score for r in results if r.score is not None]
    average = f", mean agent score {sum(scores) / len(scores):.0f}/100" if scores else ""
    lines.append(
        f"{count(total.files, 'file')} checked, {total.files_with_errors} with errors:"
        f" {count(total.errors, 'error')}, {count(total.warnings, 'warning')}{average}"
    )
    return "\n".join(lines) + "\n"
