"""SARIF 2.1.0, ready for GitHub code-scanning upload (`github/codeql-action/upload-sarif`)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from lam_bot import __version__
from lam_bot.catalog import CLAUDE_CODE_VERSION
from lam_bot.report.safe import printable
from lam_bot.report.summary import all_diagnostics
from lam_bot.validator.model import Diagnostic, FileResult
from lam_bot.validator.rules.ids import RULES

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"


def _rules(diagnostics: Sequence[Diagnostic]) -> list[str]:
    return sorted({d.rule for d in diagnostics})


def _rule(rule: str) -> dict[str, Any]:
    entry = RULES.get(rule)
    text = entry.help if entry else rule
    described = {"id": rule, "name": rule, "shortDescription": {"text": text}}
    if entry is None:
        return described
    level = "error" if entry.severity == "error" else "warning"
    properties = {"class": entry.cls, "source": entry.source}
    return {**described, "defaultConfiguration": {"level": level}, "properties": properties}


def _result(d: Diagnostic, index: int) -> dict[str, Any]:
    region = {"startLine": max(d.line, 1), "startColumn": max(d.col, 1)}
    location = {"artifactLocation": {"uri": artifact_uri(d.path)}, "region": region}
    return {
        "ruleId": d.rule,
        "ruleIndex": index,
        "level": "error" if d.severity == "error" else "warning",
        "message": {"text": printable(d.message)},
        "locations": [{"physicalLocation": location}],
    }


def artifact_uri(path: str) -> str:
    """`path` as a relative URI reference: its bytes (undecodable ones too) percent-encoded
    except `/` and RFC 3986's unreserved characters, so `#`, `?`, `%` and spaces stay in
    the path (SARIF 2.1.0, 3.4.3: `uri` is a URI reference)."""
    import os
    from pathlib import PurePath  # imported here, so that only SARIF runs pay for pathlib
    from urllib.parse import quote

    return quote(os.fsencode(PurePath(path).as_posix()), safe="/")


def render_sarif(results: Sequence[FileResult]) -> str:
    """The SARIF log: one run, one driver, its rules, one result per diagnostic."""
    import json

    diagnostics = all_diagnostics(results)
    rules = _rules(diagnostics)
    index = {rule: i for i, rule in enumerate(rules)}
    driver = {
        "name": "lam-bot",
        "version": __version__,
        "fullName": f"lam-bot {__version__} (catalog: Claude Code {CLAUDE_CODE_VERSION})",
        "properties": {"claudeCodeVersion": CLAUDE_CODE_VERSION},
        "rules": [_rule(r) for r in rules],
    }
    run = {
        "tool": {"driver": driver},
        "results": [_result(d, index[d.rule]) for d in diagnostics],
    }
    log = {"$schema": SARIF_SCHEMA, "version": "2.1.0", "runs": [run]}
    return json.dumps(log, indent=2) + "\n"
