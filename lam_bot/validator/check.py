"""Checking one file: its frontmatter, the rules of its kind, and (agents) its score.

Kept apart from `lam_bot.validator` so that a run whose results all come from the
cache never imports PyYAML or the rules.
"""

from __future__ import annotations

from collections.abc import Sequence

from lam_bot.catalog import Catalog
from lam_bot.errors import UsageError
from lam_bot.validator.frontmatter import Document, parse_document
from lam_bot.validator.model import KINDS, AgentName, Checked, FileResult, Finding, RubricItem
from lam_bot.validator.rules import RULES
from lam_bot.validator.rules.risk import check_risk
from lam_bot.validator.score import score_agent
from lam_bot.validator.source import Source, line_at


def check_source(source: Source, path: str, kind: str, catalog: Catalog) -> Checked:
    """The result for `source` read as a file of `kind` shown as `path`."""
    if kind not in RULES:
        raise UsageError(f"unknown kind {kind!r} (choose from {', '.join(KINDS)})")
    findings = [f for f in source.findings if kind == "agent" or f.rule != "file-bom"]
    document = None
    if source.text is not None:
        document = parse_document(source.text)
        findings += document.findings
        findings += RULES[kind](document, path, catalog)
        findings += check_risk(document)  # every kind: a reviewer must see these
    score, rubric = score_agent(document, findings, catalog) if kind == "agent" else (None, ())
    if source.text is not None:
        findings = _on_real_lines(findings, line_at(source.text, len(source.text)))
    return Checked(_result(path, kind, score, rubric, findings), _agent_name(document, kind))


def _on_real_lines(findings: list[Finding], last: int) -> list[Finding]:
    """Findings past the file's last line (a missing body after the closing `---`) point
    at the last line instead: every diagnostic names a line an editor can show."""
    return [f._replace(line=last) if f.line > last else f for f in findings]


def agent_name(source: Source) -> AgentName | None:
    """The `name` of `source` read as an agent, without checking it (None when unnamed)."""
    return _agent_name(parse_document(source.text) if source.text is not None else None, "agent")


def _agent_name(document: Document | None, kind: str) -> AgentName | None:
    field = document.fields.get("name") if document and kind == "agent" else None
    if field is None or not isinstance(field.value, str):
        return None
    return AgentName(field.value, field.line, field.col)


def _result(
    path: str,
    kind: str,
    score: int | None,
    rubric: tuple[RubricItem, ...],
    findings: Sequence[Finding],
) -> FileResult:
    ordered = sorted(findings, key=lambda f: (f.line, f.col, f.rule))
    return FileResult(path, kind, score, rubric, tuple(f.at(path) for f in ordered))
