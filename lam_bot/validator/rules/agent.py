"""Rules for agent files (`.md` under an `agents/` folder or listed by a plugin manifest).

A project or user agent (`.claude/agents/`) without frontmatter or `name` is skipped by
Claude Code as a reference document; a plugin agent loads under its file name instead
(`claude plugin validate` 2.1.332), so there it is no error.
"""

from __future__ import annotations

import re
from typing import Any

from lam_bot.catalog import (
    AGENT_KEYS,
    BACKGROUND_WITHHELD,
    COLORS,
    EFFORTS,
    ISOLATIONS,
    MEMORY_SCOPES,
    NAME_MAX,
    NOT_FOR_SUBAGENTS,
    PERMISSION_MODES,
    Catalog,
)
from lam_bot.validator.content import find_degenerate
from lam_bot.validator.frontmatter import Document, Field
from lam_bot.validator.model import Finding, error, warning
from lam_bot.validator.rules.common import check_model, check_unknown_keys
from lam_bot.validator.rules.fields import (
    check_booleans,
    check_hooks,
    check_plugin_agent,
    check_types,
    in_plugin,
)
from lam_bot.validator.rules.vacuous import check_vacuous
from lam_bot.validator.tools import OK, base_name, check_tool_field, classify, split_tools

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
    plugin = in_plugin(path)
    if not doc.has_frontmatter:
        return [_no_frontmatter(plugin), *findings]
    if not doc.parsed:
        return findings
    return [
        *_name(doc, plugin),
        *_description(doc),
        *_tools(doc, catalog),
        *check_model(doc, catalog),
        *_values(doc),
        *check_types(doc, {"mcpServers": (list, dict), "skills": (list, str)}),
        *check_hooks(doc),
        *check_plugin_agent(doc, path),
        *_allowed_tools(doc),
        *check_unknown_keys(doc, AGENT_KEYS | {"allowed-tools"}, "agent"),
        *check_vacuous(doc),
        *findings,
    ]


def _no_frontmatter(plugin: bool) -> Finding:
    if plugin:
        message = (
            "no frontmatter: Claude Code loads this plugin agent under its file name with a"
            " generic description, so it is rarely chosen"
        )
        return warning(1, 1, "description-missing", message)
    message = (
        "no frontmatter: Claude Code skips this file as a reference document, not an agent"
        " (an agent file starts with a `---` YAML block)"
    )
    return error(1, 1, "frontmatter-missing", message)


def _name(doc: Document, plugin: bool) -> list[Finding]:
    field = doc.fields.get("name")
    if field is None:
        if plugin:
            return []  # a plugin agent loads under its file name
        message = "agent has no `name`: Claude Code skips it as a reference document"
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
    missing = "Claude Code loads the agent but has nothing to choose it by"
    if field is None:
        return [warning(1, 1, "description-missing", f"agent has no `description`: {missing}")]
    if not isinstance(field.value, str):
        message = "`description` must be a string: Claude Code drops it"
        return [error(field.line, field.col, "description-invalid", message)]
    if not field.value.strip():
        message = f"`description` is empty: {missing}"
        return [warning(field.line, field.col, "description-missing", message)]
    return []


def _tools(doc: Document, catalog: Catalog) -> list[Finding]:
    mode = doc.fields["permissionMode"].value if "permissionMode" in doc.fields else "default"
    findings = []
    if "tools" in doc.fields:
        field = doc.fields["tools"]
        findings += check_tool_field("tools", field, catalog, subagent_mode=str(mode))
        findings += _no_tool(field, catalog) + _background_tools(doc, field)
    if "disallowedTools" in doc.fields:
        findings += check_tool_field("disallowedTools", doc.fields["disallowedTools"], catalog)
    return findings


def _entries(field: Field) -> list[str]:
    if isinstance(field.value, str):
        return [entry for _, entry in split_tools(field.value)]
    if isinstance(field.value, list):
        return [item.strip() for item in field.value if isinstance(item, str)]
    return []


def _no_tool(field: Field, catalog: Catalog) -> list[Finding]:
    """An error when `tools` lists entries but none of them is a tool Claude Code has."""
    entries = [entry for entry in _entries(field) if entry]
    if not entries or any(classify(entry, catalog) == OK for entry in entries):
        return []
    message = "`tools` names no tool Claude Code has: the agent would run with no tools"
    return [error(field.line, field.col, "tools-none", message)]


def _background_tools(doc: Document, field: Field) -> list[Finding]:
    """Tools a background subagent does not get (docs: sub-agents)."""
    background = doc.fields.get("background")
    if background is None or background.value not in (True, "true"):
        return []
    withheld = [
        entry
        for entry in _entries(field)
        if entry.startswith("mcp__")
        or (base_name(entry) in BACKGROUND_WITHHELD and base_name(entry) not in NOT_FOR_SUBAGENTS)
    ]
    return [
        warning(field.line, field.col, "tool-background", f"a background agent does not get `{e}`")
        for e in withheld
    ]


def _values(doc: Document) -> list[Finding]:
    findings = check_booleans(doc, ("background",))
    for key, check in (
        ("permissionMode", _permission_mode),
        ("maxTurns", _max_turns),
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
        return [warning(doc.body_line, 1, "body-short", message)]
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
