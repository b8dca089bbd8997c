"""`--fix`: safe rewrites of frontmatter, in place, the body kept byte for byte.

Fixes, in order (agents, skills and commands alike unless said):
- a UTF-8 byte order mark is removed (Claude Code does not register an agent file that
  starts with one: anthropics/claude-code #73158);
- every simple one-line `key: value` whose value loads only through Claude Code's second
  YAML pass (which quotes such lines when the frontmatter does not parse) is
  double-quoted: `description: Use when: x`, `paths: **/x`, `argument-hint: [a] [b]`;
- agents: `allowed-tools:` (without `tools:`) is renamed `tools:`;
- agents: a YAML list or flow array in `tools` / `disallowedTools` becomes a comma string;
- agents: legacy tool names become their current ones (Task -> Agent; names that are
  simply gone are left for the validator to report).

Safe by construction:
- lines are the parser's lines (`source.split_lines`), and only lines between the
  opening and closing `---` are ever replaced; the rest is compared at the end;
- fixes repeat until nothing changes, so a second run changes nothing;
- a fix that would add an error the file did not have is not applied;
- only regular files reached inside the given paths without a symlink are written,
  read with the validator's size limit and without blocking on FIFOs or devices;
  read-only files and files with several hard links are skipped with a note; the file
  is compared with what was read just before it is replaced, and skipped if it changed.
"""

from __future__ import annotations

import json
import os
import re
from collections import Counter
from collections.abc import Callable, Sequence
from functools import lru_cache
from typing import NamedTuple

from lam_bot.catalog import Catalog, catalog_for
from lam_bot.errors import InputError
from lam_bot.files import replace_if_unchanged
from lam_bot.validator.discover import Target, discover
from lam_bot.validator.frontmatter import FIRST_LINE, Document, parse_document, simple_line
from lam_bot.validator.model import ERROR
from lam_bot.validator.source import MAX_BYTES, NotRegularFile, read_regular, split_lines
from lam_bot.validator.tools import base_name, split_tools

TOOL_KEYS = ("tools", "disallowedTools")
LENIENT = "frontmatter-lenient"
BOM = "\ufeff"
# Rounds of all fixes; each round that changes something makes the file closer to its
# fixed point, which every fixture reaches in two.
MAX_ROUNDS = 4
# Not allowed raw in a YAML double-quoted scalar (non-printable or line breaks).
_UNPRINTABLE = re.compile("[\x7f-\x9f\u2028\u2029\ufeff\ufffe\uffff]")


class Change(NamedTuple):
    """One rewrite (`applied`), or a file left alone and why: `path:line: message`."""

    path: str
    line: int
    message: str
    applied: bool = True

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        return f"{where}: {self.message}"


class _Text(NamedTuple):
    lines: list[str]  # each with its own line break, as `split_lines` cuts them

    def render(self) -> str:
        return "".join(self.lines)

    def document(self) -> Document:
        text = self.render()
        if "\r" in text:  # the validator's normalisation; it keeps the line count
            text = text.replace("\r\n", "\n").replace("\r", "\n")
        return _parse(text)

    def ending(self, index: int) -> str:
        line = self.lines[index]
        return line[len(_content(line)) :] or "\n"


Found = list[tuple[int, str]]
Fix = Callable[[_Text, Document, Catalog], "tuple[_Text, Found] | None"]


def fix_paths(paths: Sequence[str | os.PathLike[str]], kind: str | None = None) -> list[Change]:
    """Fix every file under `paths` in place; the changes made and the files skipped."""
    catalog = catalog_for(paths)
    roots = [os.fspath(path) for path in paths]
    changes: list[Change] = []
    for target in discover(paths, kind):
        if not target.outside_plugin:  # a manifest listing paths outside: validate says so
            changes += fix_target(target, roots, catalog)
    return changes


def fix_target(target: Target, roots: Sequence[str], catalog: Catalog) -> list[Change]:
    """Fix one discovered file in place, if it is safe to write; what was done or skipped.

    Raises `InputError` when the fixed file cannot be written.
    """
    display = target.display
    refused = _refusal(target, roots)
    if refused:
        return [Change(display, 0, f"not fixed: {refused}", applied=False)]
    try:
        data, info = read_regular(target.path, MAX_BYTES, follow=False)
        original = data.decode("utf-8") if data is not None else None
    except NotRegularFile:
        return [Change(display, 0, "not fixed: not a regular file", applied=False)]
    except (OSError, UnicodeDecodeError):
        return []  # the validator reports unreadable files (a symlink is refused above)
    if original is None or data is None or "\0" in original:
        return []  # too large or binary: the validator says so
    text, found = fix_text(original, catalog, target.kind, display)
    if not found:
        return []
    skip = _unwritable(info)
    if skip:
        return [Change(display, 0, f"not fixed: {skip} ({len(found)} fixes)", applied=False)]
    try:
        written = replace_if_unchanged(target.path, data, info, text.encode("utf-8"))
    except OSError as exc:
        raise InputError(f"{display}: cannot write the fixes: {exc.strerror or exc}") from None
    if not written:
        return [Change(display, 0, "not fixed: the file changed while it was read", False)]
    return [Change(display, line, message) for line, message in found]


def _refusal(target: Target, roots: Sequence[str]) -> str:
    """Why `target` must not be written, or ""."""
    if os.path.islink(target.path):
        return "a symlink (fixes never follow nor replace one)"
    if not any(_reached_inside(target.path, root) for root in roots):
        return "reached through a symlink or outside the paths given"
    return ""


def _reached_inside(path: str, root: str) -> bool:
    """`path` lies under `root` (or is it) as written, with no symlink below `root`."""
    lexical, top = os.path.abspath(path), os.path.abspath(root)
    if lexical != top and not lexical.startswith(top.rstrip("/") + "/"):
        return False
    return os.path.realpath(path) == os.path.realpath(root) + lexical[len(top) :]


def _unwritable(info: os.stat_result) -> str:
    if not info.st_mode & 0o200:
        return "read-only file"
    if info.st_nlink > 1:
        return f"{info.st_nlink} hard links to this file (a rewrite would split them)"
    return ""


def fix_text(
    original: str, catalog: Catalog, kind: str = "agent", path: str = "<memory>"
) -> tuple[str, Found]:
    """The fixed text and the (line, message) of each change; `original` as decoded."""
    changes: Found = []
    text = original
    if text.startswith(BOM):
        text = text[len(BOM) :]
        changes.append((1, "removed the UTF-8 byte order mark (Claude Code skips such agents)"))
    fixed = _Text(split_lines(text))
    document = fixed.document()
    if not document.has_frontmatter or document.body_line <= FIRST_LINE:
        return text, changes
    if any(f.rule == "frontmatter-unterminated" for f in document.findings):
        return text, changes
    tail = fixed.lines[document.body_line - 2 :]  # the closing `---` line and the body
    fixed, found = _fix_rounds(fixed, document, catalog, _steps(kind), (kind, path))
    if fixed.lines[len(fixed.lines) - len(tail) :] != tail:
        return text, changes  # cannot happen: fixes replace frontmatter lines only
    return fixed.render(), changes + found


def _steps(kind: str) -> tuple[Fix, ...]:
    if kind == "agent":
        return (_quote_lenient, _rename_allowed_tools, _tools_lists, _legacy_names)
    return (_quote_lenient,)


def _fix_rounds(
    text: _Text, document: Document, catalog: Catalog, steps: tuple[Fix, ...], of: tuple[str, str]
) -> tuple[_Text, Found]:
    found: Found = []
    errors: Counter[str] | None = None  # counted once a fix is proposed: most files have none
    for _ in range(MAX_ROUNDS):
        progress = False
        for step in steps:
            outcome = step(text, document, catalog)
            if outcome is None:
                continue
            candidate, changes = outcome
            errors = _errors(text, of, catalog) if errors is None else errors
            after = _errors(candidate, of, catalog)
            if after - errors:
                continue  # it would add an error the file did not have
            text, document, errors, progress = candidate, candidate.document(), after, True
            found += changes
        if not progress:
            break
    return text, found


@lru_cache(maxsize=4)  # a fix parses its candidate, then checks it: one parse
def _parse(text: str) -> Document:
    return parse_document(text)


def _errors(text: _Text, of: tuple[str, str], catalog: Catalog) -> Counter[str]:
    """How many errors of each rule the validator finds in `text` (what check_text finds
    in the frontmatter and body; the file-level checks are the same before and after)."""
    from lam_bot.validator.rules import RULES

    kind, path = of
    document = text.document()
    findings = [*document.findings, *RULES[kind](document, path, catalog)]
    return Counter(f.rule for f in findings if f.severity == ERROR)


def _content(line: str) -> str:
    """`line` without its line break."""
    return line.rstrip("\r\n\x85\u2028\u2029")


def _replace(text: _Text, start: int, end: int, new: list[str]) -> _Text:
    return text._replace(lines=text.lines[:start] + new + text.lines[end:])


def _frontmatter(document: Document) -> range:
    """Indexes (in `_Text.lines`) of the lines between the opening and closing `---`."""
    return range(1, document.body_line - 2)


def _quote_lenient(text: _Text, document: Document, catalog: Catalog) -> tuple[_Text, Found] | None:
    """Quote the values that load only through Claude Code's second YAML pass: the lines
    the validator warns about (`frontmatter-lenient`, see `frontmatter.lenient_lines`)."""
    lenient = [f.line for f in document.findings if f.rule == LENIENT]
    if not lenient or not document.parsed:
        return None
    lines, found = list(text.lines), []
    for line in lenient:
        index = line - 1
        content = _content(lines[index])
        entry = simple_line(content) if index in _frontmatter(document) else None
        if entry is None:
            return None
        key, value = entry
        lines[index] = f"{key}: {_double_quoted(value)}{lines[index][len(content) :]}"
        message = f"quoted `{key}` (it loads only through Claude Code's second YAML pass)"
        found.append((line, message))
    fixed = text._replace(lines=lines)
    loads = fixed.document()
    strict = loads.parsed and all(f.rule != LENIENT for f in loads.findings)
    return (fixed, found) if strict else None


def _double_quoted(value: str) -> str:
    """`value` as a YAML double-quoted scalar (JSON's escapes are YAML's)."""
    if value.isprintable() and '"' not in value and "\\" not in value and value.isascii():
        return f'"{value}"'
    quoted = json.dumps(value, ensure_ascii=False)
    return _UNPRINTABLE.sub(lambda m: f"\\u{ord(m.group()):04x}", quoted)


def _rename_allowed_tools(
    text: _Text, document: Document, catalog: Catalog
) -> tuple[_Text, Found] | None:
    field = document.fields.get("allowed-tools")
    if field is None or "tools" in document.fields or field.col != 1:
        return None
    index = field.line - 1
    line = text.lines[index]
    if not line.startswith("allowed-tools") or index not in _frontmatter(document):
        return None
    fixed = _replace(text, index, index + 1, ["tools" + line[len("allowed-tools") :]])
    return fixed, [(field.line, "renamed `allowed-tools` to `tools` (agents read `tools`)")]


def _tools_lists(text: _Text, document: Document, catalog: Catalog) -> tuple[_Text, Found] | None:
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
        start, end = field.line - 1, last + FIRST_LINE  # marks count from the file's line 2
        if end - 1 not in _frontmatter(document):
            continue
        if any("#" in line for line in text.lines[start:end]):
            continue  # a comment would be lost
        names = _dedupe([_current(i.strip(), catalog) for i in items])
        new = [f"{key}: {', '.join(names)}{text.ending(end - 1)}"]
        renamed = " (legacy names updated)" if names != [i.strip() for i in items] else ""
        message = f"`{key}` list -> comma string{renamed}"
        return _replace(text, start, end, new), [(field.line, message)]
    return None


def _legacy_names(text: _Text, document: Document, catalog: Catalog) -> tuple[_Text, Found] | None:
    changes: Found = []
    for key in TOOL_KEYS:
        field = document.fields.get(key)
        node = field.node if field else None
        if field is None or node is None or not isinstance(field.value, str):
            continue
        style = getattr(node, "style", None) or ""
        if node.start_mark.line != node.end_mark.line or style not in ("", "'", '"'):
            continue  # only single-line values: plain or quoted
        index = node.start_mark.line + FIRST_LINE - 1
        if index not in _frontmatter(document):
            continue
        line = text.lines[index]
        shift = node.start_mark.column + len(style)
        for offset, entry in reversed(split_tools(field.value)):
            name = base_name(entry)
            current = catalog.legacy.get(name) if name not in catalog.tools else None
            at = shift + offset
            if current and line[at : at + len(name)] == name:
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
