"""Field type and value checks shared by agents, skills and commands.

Sources: docs: skills (frontmatter reference), sub-agents, hooks, plugins-reference, and
what `claude plugin validate` 2.1.332 refuses (`shell`, `metadata`, `allowed-tools`).
"""

from __future__ import annotations

import os
from functools import lru_cache
from typing import Any

from lam_bot.catalog import (
    BOOLEAN_STRINGS,
    EFFORTS,
    HOOK_EVENTS,
    PLUGIN_AGENT_IGNORED,
    SHELLS,
    SKILL_BOOLEANS,
    SKILL_CONTEXTS,
    Catalog,
)
from lam_bot.validator.frontmatter import Document, Field, position
from lam_bot.validator.model import Finding, error, warning
from lam_bot.validator.tools import check_tool_field

PLUGIN_MANIFEST_DIR = ".claude-plugin"


def in_plugin(path: str) -> bool:
    """True when `path` lies in a plugin: a folder above it holds `.claude-plugin/`
    before any `.claude` folder does (docs: plugins-reference, plugin structure)."""
    if path.startswith("<"):
        return False  # text in memory
    return _folder_in_plugin(os.path.dirname(os.path.abspath(path)))


@lru_cache(maxsize=1024)
def _folder_in_plugin(folder: str) -> bool:
    if os.path.basename(folder) == ".claude":
        return False
    if os.path.isdir(os.path.join(folder, PLUGIN_MANIFEST_DIR)):
        return True
    parent = os.path.dirname(folder)
    return parent != folder and _folder_in_plugin(parent)


# YAML 1.1 booleans (PyYAML's) that YAML 1.2, which Claude Code's parser reads, keeps as
# strings: `background: yes` is the string "yes" there.
YAML11_BOOLEANS = frozenset({"yes", "no", "on", "off", "y", "n"})


def is_boolean(field: Field) -> bool:
    """A value Claude Code reads as true or false (YAML 1.2 booleans or "true"/"false")."""
    value = field.value
    if isinstance(value, bool):
        return not (getattr(field.node, "style", "") in ("", None) and _yaml11(field.node))
    return isinstance(value, str) and value in BOOLEAN_STRINGS


def _yaml11(node: Any) -> bool:
    return str(getattr(node, "value", "")).lower() in YAML11_BOOLEANS


def _type_error(key: str, field: Field, wanted: str) -> Finding:
    message = f"`{key}` must be {wanted}: Claude Code drops the value"
    return error(field.line, field.col, "field-type", message)


def check_types(doc: Document, shapes: dict[str, tuple[type, ...]]) -> list[Finding]:
    """A `field-type` error for each present field whose value has none of its types."""
    names: dict[type, str] = {dict: "a mapping", list: "a list", str: "a string"}
    findings = []
    for key, types in shapes.items():
        field = doc.fields.get(key)
        if field is None or field.value is None or isinstance(field.value, types):
            continue
        wanted = " or ".join(names.get(kind, kind.__name__) for kind in types)
        findings.append(_type_error(key, field, wanted))
    return findings


def check_hooks(doc: Document) -> list[Finding]:
    """`hooks` must be a mapping of hook events (`hooks: []` drops an agent, #91781)."""
    field = doc.fields.get("hooks")
    if field is None or field.value is None:
        return []
    if not isinstance(field.value, dict):
        message = "`hooks` must be a mapping of hook events (a list drops the whole file)"
        return [error(field.line, field.col, "hooks-invalid", message)]
    findings = []
    for key_node, _ in field.node.value:
        event = key_node.value
        if event not in HOOK_EVENTS:
            line, col = position(key_node)
            message = f"`{event}` is not a Claude Code hook event (ignored)"
            findings.append(warning(line, col, "hook-event-unknown", message))
    return findings


def check_booleans(doc: Document, keys: tuple[str, ...]) -> list[Finding]:
    """Boolean fields in a spelling Claude Code reads."""
    findings = []
    for key in keys:
        field = doc.fields.get(key)
        if field is not None and field.value is not None and not is_boolean(field):
            message = f"`{key}: {field.value}` is not true or false"
            findings.append(error(field.line, field.col, "background-invalid", message))
    return findings


def check_plugin_agent(doc: Document, path: str) -> list[Finding]:
    """Fields a plugin agent does not support (docs: plugins-reference)."""
    if not in_plugin(path):
        return []
    findings = []
    for key in PLUGIN_AGENT_IGNORED:
        field = doc.fields.get(key)
        if field is not None:
            message = f"`{key}` is ignored in a plugin agent (plugins do not support it)"
            findings.append(warning(field.line, field.col, "plugin-agent-ignored", message))
    return findings


def check_skill_fields(doc: Document, catalog: Catalog) -> list[Finding]:
    """The fields skills and commands share (docs: skills, frontmatter reference)."""
    findings = check_types(
        doc,
        {
            "metadata": (dict,),
            "paths": (str, list),
            "arguments": (str, list),
            "when_to_use": (str,),
            "argument-hint": (str,),
            "agent": (str,),
        },
    )
    findings += check_hooks(doc) + check_booleans(doc, SKILL_BOOLEANS)
    for key in ("allowed-tools", "disallowed-tools"):
        field = doc.fields.get(key)
        if field is not None:
            findings += check_tool_field(key, field, catalog, list_warning=False, spaces=True)
    return findings + _skill_values(doc)


def _skill_values(doc: Document) -> list[Finding]:
    findings = []
    shell = doc.fields.get("shell")
    if shell is not None and shell.value not in SHELLS:
        message = f"`shell: {shell.value}` is not bash or powershell"
        findings.append(error(shell.line, shell.col, "shell-invalid", message))
    for key, allowed, rule in (
        ("context", SKILL_CONTEXTS, "context-unknown"),
        ("effort", EFFORTS, "effort-unknown"),
    ):
        field = doc.fields.get(key)
        if field is not None and not (isinstance(field.value, str) and field.value in allowed):
            message = f"`{key}: {field.value}` is not one of {', '.join(sorted(allowed))} (ignored)"
            findings.append(warning(field.line, field.col, rule, message))
    return findings
