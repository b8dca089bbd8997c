"""Rules for agent files (`.md` under an `agents/` folder or listed by a plugin manifest)."""

from __future__ import annotations

import re
from typing import Any

from lam_bot.catalog import (
    AGENT_KEYS,
    COLORS,
    EFFORTS,
    ISOLATIONS,
    MEMORY_SCOPES,
    NAME_MAX,
    PERMISSION_MODES,
    Catalog,
)
from lam_bot.validator.content import find_degenerate
from lam_bot.validator.frontmatter import Document
from lam_bot.validator.model import Finding, error, warning
from lam_bot.validator.rules.common import check_model, check_unknown_keys
from lam_bot.validator.rules.vacuous import check_vacuous
from lam_bot.validator.tools import check_tool_field

MIN_BODY = 50
AGENT_NAME = re.compile(r"[a-z0-9-]+")
# Values Claude Code ignores or only displays: a bad one is a warning.
SOFT_ENUMS: dict[str, frozenset[str]] = {
    "color": COLORS,
    "effort": EFFORTS,
    "memory": MEMORY_SCOPES,
    "isolation": ISOLATIONS,
}


def check_agent(doc: Document, path: str, catalog: Catalog) -> list[Finding]:
    """Findings for an agent file (frontmatter errors are the document's own)."""
    findings = _body(doc)
    if not doc.has_frontmatter:
        message = "no frontmatter: an agent file starts with a `---` YAML block"
        return [error(1, 1, "frontmatter-missing", message), *findings]
    if not doc.parsed:
        return findings
    return [
        *_name(doc),
        *_description(doc),
        *_tools(doc, catalog),
        *check_model(doc, catalog),
        *_values(doc),
        *_allowed_tools(doc),
        *check_unknown_keys(doc, AGENT_KEYS | {"allowed-tools"}, "agent"),
        *check_vacuous(doc),
        *findings,
    ]


def _name(doc: Document) -> list[Finding]:
    field = doc.fields.get("name")
    if field is None:
        message = "agent has no `name`: Claude Code skips it (or, in a plugin, never routes to it)"
        return [error(1, 1, "name-missing", message)]
    name, line, col = field.value, field.line, field.col
    problem = _refused(name)
    if problem:
        return [error(line, col, "name-invalid", f"agent name {name!r} {problem}")]
    if len(name) > NAME_MAX or not AGENT_NAME.fullmatch(name):
        message = f"agent name {name!r} should be lowercase letters, digits and hyphens"
        return [warning(line, col, "name-format", f"{message}, at most {NAME_MAX} characters")]
    return []


def _refused(name: Any) -> str | None:
    """Why Claude Code refuses this name, or None."""
    if not isinstance(name, str):
        return "is not a string"
    if not name.strip():
        return "is empty"
    if ":" in name:
        return "contains `:`"
    return "starts with `-`" if name.startswith("-") else None


def _description(doc: Document) -> list[Finding]:
    field = doc.fields.get("description")
    if field is None:
        return [error(1, 1, "description-missing", "agent has no `description`")]
    if not isinstance(field.value, str):
        return [
            error(field.line, field.col, "description-invalid", "`description` must be a string")
        ]
    if not field.value.strip():
        return [error(field.line, field.col, "description-missing", "`description` is empty")]
    return []


def _tools(doc: Document, catalog: Catalog) -> list[Finding]:
    mode = doc.fields["permissionMode"].value if "permissionMode" in doc.fields else "default"
    findings = []
    if "tools" in doc.fields:
        field = doc.fields["tools"]
        findings += check_tool_field("tools", field, catalog, subagent_mode=str(mode))
    if "disallowedTools" in doc.fields:
        findings += check_tool_field("disallowedTools", doc.fields["disallowedTools"], catalog)
    return findings


def _values(doc: Document) -> list[Finding]:
    findings = []
    for key, check in (
        ("permissionMode", _permission_mode),
        ("maxTurns", _max_turns),
        ("background", _background),
    ):
        field = doc.fields.get(key)
        if field is not None:
            findings += [f._replace(line=field.line, col=field.col) for f in check(field.value)]
    for key, allowed in SOFT_ENUMS.items():
        soft = doc.fields.get(key)
        if soft is not None and not (isinstance(soft.value, str) and soft.value in allowed):
            message = f"`{key}: {soft.value}` is not one of {', '.join(sorted(allowed))} (ignored)"
            findings.append(warning(soft.line, soft.col, f"{key}-unknown", message))
    return findings


def _permission_mode(value: Any) -> list[Finding]:
    if not (isinstance(value, str) and value in PERMISSION_MODES):
        modes = ", ".join(sorted(PERMISSION_MODES))
        return [error(0, 0, "permission-mode-invalid", f"`permissionMode: {value}` is not {modes}")]
    if value == "bypassPermissions":
        message = "`permissionMode: bypassPermissions` switches off every permission prompt"
        return [warning(0, 0, "permission-bypass", message)]
    return []


def _max_turns(value: Any) -> list[Finding]:
    if isinstance(value, int) and not isinstance(value, bool) and value > 0:
        return []
    return [error(0, 0, "max-turns-invalid", f"`maxTurns: {value}` is not a positive integer")]


def _background(value: Any) -> list[Finding]:
    if isinstance(value, bool):
        return []
    return [error(0, 0, "background-invalid", f"`background: {value}` is not true or false")]


def _allowed_tools(doc: Document) -> list[Finding]:
    field = doc.fields.get("allowed-tools")
    if field is None:
        return []
    message = "`allowed-tools` is a skill field; agents read `tools` (`--fix` renames it)"
    return [warning(field.line, field.col, "allowed-tools-in-agent", message)]


def _body(doc: Document) -> list[Finding]:
    if any(f.rule == "frontmatter-unterminated" for f in doc.findings):
        return []  # no body to speak of: the frontmatter error says it all
    body = doc.body
    if len(body.strip()) < MIN_BODY:
        message = f"agent body (its system prompt) is under {MIN_BODY} characters"
        return [error(doc.body_line, 1, "body-short", message)]
    found = find_degenerate(body)
    if found is None:
        return []
    return [
        warning(
            doc.body_line + found.offset,
            1,
            "body-degenerate",
            f"degenerate content: {found.reason}",
        )
    ]
