"""JSON: one object, documented in the README.

    {"version": 1,
     "summary": {"files", "errors", "warnings", "files_with_errors"},
     "files": [{"path", "kind", "score", "rubric": [{"key", "label", "points", "max_points"}],
                "diagnostics": [{"path", "line", "column", "rule", "severity", "message"}]}]}

`score` is null and `rubric` empty for skills and commands.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from lam_bot.report.safe import unicode_safe
from lam_bot.report.summary import summarize
from lam_bot.validator.model import Diagnostic, FileResult

JSON_VERSION = 1


def diagnostic_dict(d: Diagnostic) -> dict[str, Any]:
    """One diagnostic as JSON."""
    return {
        "path": unicode_safe(d.path),
        "line": d.line,
        "column": d.col,
        "rule": d.rule,
        "severity": d.severity,
        "message": unicode_safe(d.message),
    }


def _file(result: FileResult) -> dict[str, Any]:
    return {
        "path": unicode_safe(result.path),
        "kind": result.kind,
        "score": result.score,
        "rubric": [item._asdict() for item in result.rubric],
        "diagnostics": [diagnostic_dict(d) for d in result.diagnostics],
    }


def render_json(results: Sequence[FileResult]) -> str:
    """The JSON report."""
    import json

    report = {
        "version": JSON_VERSION,
        "summary": summarize(results)._asdict(),
        "files": [_file(r) for r in results],
    }
    return json.dumps(report, indent=2) + "\n"
