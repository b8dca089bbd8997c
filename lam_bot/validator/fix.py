"""`--fix`: safe rewrites of agent frontmatter, in place, the body kept byte for byte.

Each fix touches only the frontmatter lines it is about and keeps the file's BOM and
line ends; after each one the frontmatter is parsed again, so later fixes see the
result. Fixes, in order:
- a `description` whose unquoted `: ` breaks the YAML is double-quoted;
- `allowed-tools:` in an agent (without `tools:`) is renamed `tools:`;
- a YAML list or flow array in `tools` / `disallowedTools` becomes a comma string;
- legacy tool names become their current ones (Task -> Agent; names that are simply
  gone are left for the validator to report).
Running it again changes nothing. Files are written atomically.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Sequence
from pathlib import Path
from typing import NamedTuple

from lam_bot.catalog import Catalog, catalog_for
from lam_bot.errors import InputError
from lam_bot.files import atomic_write
from lam_bot.validator.discover import discover
from lam_bot.validator.frontmatter import Document, parse_document
from lam_bot.validator.source import MAX_BYTES
from lam_bot.validator.tools import base_name, split_tools

TOOL_KEYS = ("tools", "disallowedTools")
_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+$")
_PLAIN_DESCRIPTION = re.compile(r"(description:[ \t]+)([^'\"|>&*!%@`\s].*?)[ \t]*")


class Change(NamedTuple):
    """One rewrite, reported as `path:line: message`."""

    path: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.message}"


class _Text(NamedTuple):
    lines: list[str]  # each with its own line end

    def render(self) -> str:
        return "".join(self.lines)

    def document(self) -> Document:
        text = "".join(line.rstrip("\r\n") + "\n" for line in self.lines)
        return parse_document(text)

    def ending(self, index: int) -> str:
        line = self.lines[index]
        return line[len(line.rstrip("\r\n")) :] or "\n"


def fix_paths(paths: Sequence[str | os.PathLike[str]], kind: str | None = None) -> list[Change]:
    """Fix every agent file under `paths` in place; the changes made, in order."""
    catalog = catalog_for(paths)
    changes: list[Change] = []
    for target in discover(paths, kind):
        if target.kind == "agent":
            changes += fix_file(Path(target.path), target.display, catalog)
    return changes


def fix_file(path: Path, display: str, catalog: Catalog) -> list[Change]:
    """Fix one agent file in place (nothing is written when nothing changes)."""
    try:
        if path.stat().st_size > MAX_BYTES:
            return []
        data = path.read_bytes()
        original = data.decode("utf-8-sig")
    except (OSError, UnicodeDecodeError):
        return []  # the validator reports unreadable files
    if "\0" in original:
        return []
    text, found = fix_text(original, catalog)
    if not found:
        return []
    prefix = "\ufeff" if data.startswith(b"\xef\xbb\xbf") else ""
    try:
        atomic_write(path, (prefix + text).encode("utf-8"))
    except OSError as exc:
        raise InputError(f"{display}: cannot write the fixes: {exc.strerror or exc}") from None
    return [Change(display, line, message) for line, message in found]


def fix_text(original: str, catalog: Catalog) -> tuple[str, list[tuple[int, str]]]:
    """The fixed text (without BOM) and the (line, message) of each change."""
    text = _Text(_LINE.findall(original))
    if not text.lines or text.lines[0].rstrip() != "---":
        return original, []
    changes: list[tuple[int, str]] = []
    for fix in (_quote_description, _rename_allowed_tools, _tools_lists, _legacy_names):
        document = text.document()
        outcome = fix(text, document, catalog)
        if outcome is not None:
            text, found = outcome
            changes += found
    return text.render(), changes


def _replace(text: _Text, start: int, end: int, new: list[str]) -> _Text:
    return text._replace(lines=text.lines[:start] + new + text.lines[end:])


def _quote_description(
    text: _Text, document: Document, catalog: Catalog
) -> tuple[_Text, list[tuple[int, str]]] | None:
    if not any(f.rule in ("frontmatter-yaml", "frontmatter-lenient") for f in document.findings):
        return None
    for index, line in enumerate(text.lines[1:], 1):
        if line.rstrip() == "---":
            break
        match = _PLAIN_DESCRIPTION.fullmatch(line.rstrip("\r\n"))
        if match is None or ": " not in match.group(2) or " #" in match.group(2):
            continue
        quoted = json.dumps(match.group(2), ensure_ascii=False)
        fixed = _replace(text, index, index + 1, [match.group(1) + quoted + text.ending(index)])
        if fixed.document().parsed:
            return fixed, [(index + 1, "quoted `description` (an unquoted `: ` broke the YAML)")]
    return None


def _rename_allowed_tools(
    text: _Text, document: Document, catalog: Catalog
) -> tuple[_Text, list[tuple[int, str]]] | None:
    field = document.fields.get("allowed-tools")
    if field is None or "tools" in document.fields or field.col != 1:
        return None
    index = field.line - 1
    line = text.lines[index]
    if not line.startswith("allowed-tools"):
        return None
    fixed = _replace(text, index, index + 1, ["tools" + line[len("allowed-tools") :]])
    return fixed, [(field.line, "renamed `allowed-tools` to `tools` (agents read `tools`)")]


def _tools_lists(
    text: _Text, document: Document, catalog: Catalog
) -> tuple[_Text, list[tuple[int, str]]] | None:
    for key in TOOL_KEYS:
        field = document.fields.get(key)
        if field is None or not isinstance(field.value, list) or field.col != 1:
            continue
        items = field.value
        if not items or not all(isinstance(i, str) and i.strip() and "\n" not in i for i in items):
            continue
        nodes = field.node.value
        flow = getattr(field.node, "flow_style", False)
        last = field.node.end_mark.line if flow else nodes[-1].end_mark.line
        start, end = field.line - 1, last + 2  # node lines count from the frontmatter's line 2
        if any("#" in line for line in text.lines[start:end]):
            continue  # a comment would be lost
        names = _dedupe([_current(i.strip(), catalog) for i in items])
        new = [f"{key}: {', '.join(names)}{text.ending(start)}"]
        renamed = " (legacy names updated)" if names != [i.strip() for i in items] else ""
        message = f"`{key}` list -> comma string{renamed}"
        return _replace(text, start, end, new), [(field.line, message)]
    return None


def _legacy_names(
    text: _Text, document: Document, catalog: Catalog
) -> tuple[_Text, list[tuple[int, str]]] | None:
    changes: list[tuple[int, str]] = []
    for key in TOOL_KEYS:
        field = document.fields.get(key)
        node = field.node if field else None
        if field is None or node is None or not isinstance(field.value, str):
            continue
        style = getattr(node, "style", None) or ""
        if node.start_mark.line != node.end_mark.line or style not in ("", "'", '"'):
            continue  # only single-line values: plain or quoted
        index = node.start_mark.line + 1  # frontmatter line 0 is the file's second line
        line = text.lines[index]
        shift = node.start_mark.column + len(style)
        for offset, entry in reversed(split_tools(field.value)):
            name = base_name(entry)
            current = catalog.legacy.get(name) if name not in catalog.tools else None
            if current:
                at = shift + offset
                line = line[:at] + current + line[at + len(name) :]
                changes.append((index + 1, f"legacy tool `{name}` -> `{current}` in `{key}`"))
        text = _replace(text, index, index + 1, [line])
    return (text, sorted(changes)) if changes else None


def _current(entry: str, catalog: Catalog) -> str:
    name = base_name(entry)
    current = catalog.legacy.get(name) if name not in catalog.tools else None
    return current + entry[len(name) :] if current else entry


def _dedupe(names: list[str]) -> list[str]:
    return list(dict.fromkeys(names))
