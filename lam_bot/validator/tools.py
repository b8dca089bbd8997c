"""Tool lists: splitting `tools` / `allowed-tools` values and checking each entry.

Accepted entries: a catalog tool (`Read`), a catalog tool with a specifier in
parentheses (`Bash(git diff:*)`, `Agent(worker, researcher)`), and MCP names
(`mcp__server`, `mcp__server__tool`, `mcp__server__*`). Lists are split on commas
outside parentheses (skills also on spaces), so a specifier stays whole.
"""

from __future__ import annotations

import re
from typing import Any

import yaml

from lam_bot.catalog import REMOVED_IN, Catalog
from lam_bot.validator.frontmatter import Field, position
from lam_bot.validator.model import Finding, error, warning

# mcp__server, mcp__server__tool, mcp__server__*: the name part already takes `__tool`,
# and one quantifier over those characters keeps a failing match linear.
# Distinct entries of one field that get a did-you-mean hint; the rest are reported plainly.
MAX_HINTED = 64
_MCP = re.compile(r"mcp__[\w.\-]+(?:__\*)?")
_TOKEN = re.compile(r"[^,\s]+")  # an entry of a list split on commas and blanks
_SPECIFIED = re.compile(r"([A-Za-z][\w-]*)\((.*)\)", re.DOTALL)

OK, LEGACY, UNKNOWN, EMPTY = "ok", "legacy", "unknown", "empty"


def split_tools(text: str, spaces: bool = False) -> list[tuple[int, str]]:
    """(offset, entry) pairs of a tool string, split outside parentheses."""
    if "(" in text or ")" in text:
        return _split_nested(text, spaces)
    if spaces:
        return [(match.start(), match.group()) for match in _TOKEN.finditer(text)]
    entries = []
    start = 0
    for raw in text.split(","):
        entries.append((start + len(raw) - len(raw.lstrip()), raw.strip()))
        start += len(raw) + 1
    return [] if len(entries) == 1 and not entries[0][1] else entries


def _split_nested(text: str, spaces: bool) -> list[tuple[int, str]]:
    """`split_tools` for text with parentheses, one character at a time."""
    entries: list[tuple[int, str]] = []
    depth, start = 0, 0
    for index, char in enumerate(text + ","):
        if char == "(":
            depth += 1
        elif char == ")":
            depth = max(depth - 1, 0)
        elif depth == 0 and (char == "," or (spaces and char.isspace())):
            raw = text[start:index]
            if raw.strip() or char == ",":
                entries.append((start + len(raw) - len(raw.lstrip()), raw.strip()))
            start = index + 1
    if spaces:
        entries = [entry for entry in entries if entry[1]]
    elif len(entries) == 1 and not entries[0][1]:
        entries = []
    return entries


def base_name(entry: str) -> str:
    """The tool name of an entry, without its specifier."""
    match = _SPECIFIED.fullmatch(entry)
    return match.group(1) if match else entry


def classify(entry: str, catalog: Catalog) -> str:
    """OK, LEGACY, UNKNOWN or EMPTY."""
    if not entry:
        return EMPTY
    if _MCP.fullmatch(entry):
        return OK
    name = base_name(entry)
    if name in catalog.tools:
        return OK
    return LEGACY if name in catalog.legacy else UNKNOWN


def suggest(name: str, catalog: Catalog) -> str | None:
    """A current tool name close to `name` (other case, or a typo), if there is one."""
    # A typo of a legacy name (`Taks`) points at its replacement (`Agent`).
    candidates = {k: k for k in catalog.tools} | {
        old: new for old, new in catalog.legacy.items() if new is not None
    }
    folded = name.casefold()
    for known in sorted(candidates):
        if known.casefold() == folded:
            return candidates[known]
    limit = 1 if len(name) < 5 else 2
    close = {candidates[k] for k in candidates if _distance(folded, k.casefold(), limit) <= limit}
    return close.pop() if len(close) == 1 else None


def _distance(a: str, b: str, limit: int) -> int:
    """Edit distance with transpositions (`Grpe` → `Grep` is 1), capped at `limit` + 1."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    before: list[int] = []
    previous = list(range(len(b) + 1))
    for i, char_a in enumerate(a, 1):
        current = [i]
        for j, char_b in enumerate(b, 1):
            cost = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (char_a != char_b))
            if i > 1 and j > 1 and char_a == b[j - 2] and a[i - 2] == char_b:
                cost = min(cost, before[j - 2] + 1)
            current.append(cost)
        if min(current) > limit:
            return limit + 1
        before, previous = previous, current
    return previous[-1]


def entry_findings(
    entry: str,
    key: str,
    catalog: Catalog,
    line: int,
    col: int,
    subagent_mode: str | None,
    hint: bool = True,
) -> list[Finding]:
    """Findings for one entry; `subagent_mode`: the agent's permissionMode, None elsewhere.

    `hint=False` skips the did-you-mean search for an unknown name."""
    kind = classify(entry, catalog)
    name = base_name(entry)
    if kind == EMPTY:
        return [warning(line, col, "tool-empty", f"empty entry in `{key}` (a stray comma?)")]
    if kind == LEGACY:
        current = catalog.legacy[name]
        gone = f"removed in Claude Code {REMOVED_IN[name]}" if name in REMOVED_IN else "gone"
        advice = f"use `{current}`" if current else f"it no longer exists ({gone}); remove it"
        return [warning(line, col, "tool-legacy", f"legacy tool `{name}` in `{key}`: {advice}")]
    if kind == UNKNOWN:
        close = suggest(name, catalog) if hint else None
        spelled = f" (did you mean `{close}`?)" if close else ""
        message = f"`{entry}` in `{key}` is not a Claude Code tool{spelled}"
        return [error(line, col, "tool-unknown", message)]
    plan_exit = name == "ExitPlanMode" and subagent_mode == "plan"
    if subagent_mode is not None and name in catalog.not_for_subagents and not plan_exit:
        message = f"`{name}` is never given to a subagent; remove it from `{key}`"
        return [warning(line, col, "tool-not-for-subagents", message)]
    return []


def _string_positions(node: yaml.Node, entries: list[tuple[int, str]]) -> list[tuple[int, int]]:
    line, col = position(node)
    single_line = node.start_mark.line == node.end_mark.line
    style = getattr(node, "style", None) or ""  # libyaml gives "" for a plain scalar
    if not single_line or style not in ("", "'", '"'):
        return [(line, col)] * len(entries)
    shift = col + len(style)
    return [(line, shift + offset) for offset, _ in entries]


def check_tool_field(
    key: str,
    field: Field,
    catalog: Catalog,
    *,
    subagent_mode: str | None = None,
    list_warning: bool = True,
    spaces: bool = False,
) -> list[Finding]:
    """Check a `tools`-like field: its type, then every entry at its own position."""
    value, node = field.value, field.node
    if isinstance(value, str):
        entries = split_tools(value, spaces)
        spots = _string_positions(node, entries)
        items = [(entry, spot) for (_, entry), spot in zip(entries, spots, strict=True)]
        return _entries(items, key, catalog, subagent_mode)
    if isinstance(value, list):
        return _list_field(key, field, catalog, subagent_mode, list_warning)
    if value is None:
        return []
    message = f"`{key}` must be a comma-separated string, not {_type_name(value)}"
    return [error(field.line, field.col, "tools-type", message)]


def _list_field(
    key: str, field: Field, catalog: Catalog, subagent_mode: str | None, list_warning: bool
) -> list[Finding]:
    findings = []
    if list_warning:
        message = f"`{key}` is a YAML list: use a comma-separated string (lists load no tools)"
        findings.append(warning(field.line, field.col, "tools-list", message))
    items = []
    for item, node in zip(field.value, field.node.value, strict=True):
        if not isinstance(item, str):
            line, col = position(node)
            findings.append(error(line, col, "tools-type", f"`{key}` entry is not a string"))
        else:
            items.append((item.strip(), position(node)))
    return findings + _entries(items, key, catalog, subagent_mode)


def _entries(
    items: list[tuple[str, tuple[int, int]]], key: str, catalog: Catalog, mode: str | None
) -> list[Finding]:
    findings = []
    known: dict[str, list[Finding]] = {}  # a long list repeats its entries: judge each once
    for entry, (line, col) in items:
        found = known.get(entry)
        if found is None:
            hint = len(known) < MAX_HINTED  # did-you-mean costs an edit distance per tool
            found = known[entry] = entry_findings(entry, key, catalog, 0, 0, mode, hint)
        findings += [finding._replace(line=line, col=col) for finding in found]
    return findings


def _type_name(value: Any) -> str:
    names = {bool: "a boolean", int: "a number", float: "a number", dict: "a mapping"}
    return names.get(type(value), type(value).__name__)


def is_valid_tool_string(value: Any, catalog: Catalog) -> bool:
    """True for a comma string whose every entry is a current tool (the score's test)."""
    if not isinstance(value, str) or not value.strip():
        return False
    return all(classify(entry, catalog) == OK for _, entry in split_tools(value))
