"""Splitting a markdown file into YAML frontmatter and body, and parsing the YAML safely.

The YAML goes through libyaml's event parser (`yaml.CSafeLoader`) and a small composer
of our own that keeps every node's position, refuses anchors and aliases (so an alias
bomb stops at its first anchor, long before it can expand), refuses duplicate keys
(Claude Code's parser drops the whole frontmatter on them) and limits nesting depth.

When the YAML does not parse, it is parsed a second time the way Claude Code 2.1.332
does (`claude plugin validate` loads such files): every simple one-line `key: value`
line whose value does not parse on its own is quoted. A file that parses then loads,
with a `frontmatter-lenient` warning on each quoted line (see `lenient_lines`).
"""

from __future__ import annotations

import re
from typing import Any, NamedTuple

import yaml

from lam_bot.validator.model import ERROR, Finding, error, one_line, warning
from lam_bot.validator.source import line_at, split_lines

MAX_DEPTH = 64
# Where an anchor (`&a`) or alias (`*a`) could begin; a `*` inside `Bash(git:*)` cannot.
_MAYBE_ANCHOR = re.compile(r"(?:^|[\s\[{,])[&*]")
_STR_TAG = "tag:yaml.org,2002:str"
# The frontmatter starts on the file's second line, after the opening `---`.
FIRST_LINE = 2


class Field(NamedTuple):
    """One top-level frontmatter entry: its key's position and its value's node."""

    line: int
    col: int
    value: Any
    node: yaml.Node


class Document(NamedTuple):
    """A parsed file. `fields` is empty when there is no usable frontmatter."""

    text: str
    has_frontmatter: bool
    fields: dict[str, Field]
    body: str
    body_line: int
    findings: tuple[Finding, ...]

    @property
    def parsed(self) -> bool:
        """True when the frontmatter is absent or parsed into a mapping (maybe leniently)."""
        return all(finding.severity != ERROR for finding in self.findings)


class _Reject(Exception):
    def __init__(self, rule: str, mark: Any, message: str) -> None:
        super().__init__(message)
        self.finding = error(mark.line + FIRST_LINE, mark.column + 1, rule, message)


def position(node: yaml.Node) -> tuple[int, int]:
    """The file line and column (1-based) where `node` starts."""
    return node.start_mark.line + FIRST_LINE, node.start_mark.column + 1


def parse_document(text: str) -> Document:
    """Split `text` (already normalised to `\\n`) and parse its frontmatter."""
    first_end = text.find("\n")
    if not _is_fence(text if first_end < 0 else text[:first_end]):
        return Document(text, False, {}, text, 1, ())
    closing = _closing_line(text, first_end)
    if closing is None:
        finding = error(1, 1, "frontmatter-unterminated", "frontmatter has no closing `---` line")
        return Document(text, True, {}, "", line_at(text, len(text)) + 1, (finding,))
    start, end = closing
    fields, findings = _parse_yaml(text[first_end + 1 : start - 1])
    body_line = line_at(text, end) + 1
    return Document(text, True, fields, text[end + 1 :], body_line, findings)


def _is_fence(line: str) -> bool:
    """A `---` line; trailing blanks allowed, but no libyaml line break (which would
    make it two lines to the parser and shift every position after it)."""
    return line.rstrip() == "---" and line.isascii()


def _closing_line(text: str, first_end: int) -> tuple[int, int] | None:
    """Where the first `---` line after the opening one starts and ends, or None."""
    at = text.find("\n---", first_end) if first_end >= 0 else -1
    while at >= 0:
        start = at + 1
        end = text.find("\n", start)
        end = len(text) if end < 0 else end
        if _is_fence(text[start:end]):
            return start, end
        at = text.find("\n---", end)
    return None


def _parse_yaml(source: str) -> tuple[dict[str, Field], tuple[Finding, ...]]:
    tab = ("\n" + source).find("\n\t")  # where the first line that starts with a tab starts
    if tab < 0:
        return _parse_spaces(source)
    # YAML allows spaces only, but Claude Code's parser reads a tab-indented block
    # (`metadata:` then `<tab>x: 1`) as indented: `claude plugin validate` 2.1.332 loads it.
    fields, findings = _parse_spaces(_TAB_INDENT.sub(_expand_tabs, source))
    if any(finding.severity == ERROR for finding in findings):
        return fields, findings
    line = line_at(source, tab) + FIRST_LINE - 1
    message = "tab used as indentation: Claude Code reads it, YAML and other tools do not"
    return fields, (warning(line, 1, "frontmatter-tab", message), *findings)


_TAB_INDENT = re.compile(r"^[ \t]*\t[ \t]*", re.MULTILINE)


def _expand_tabs(match: re.Match[str]) -> str:
    return match.group().replace("\t", "  ")


def _parse_spaces(source: str) -> tuple[dict[str, Field], tuple[Finding, ...]]:
    try:
        root = _compose(source)
        return _fields(root), ()
    except _Reject as exc:
        return {}, (exc.finding,)
    except yaml.MarkedYAMLError as exc:
        return _second_pass(source, _yaml_finding(exc))
    except (yaml.YAMLError, ValueError, TypeError, OverflowError, RecursionError) as exc:
        message = f"frontmatter YAML cannot be read: {one_line(str(exc))}"
        return {}, (error(FIRST_LINE, 1, "frontmatter-yaml", message),)


_KEY = re.compile(r"[A-Za-z_][\w-]*")


def simple_line(line: str) -> tuple[str, str] | None:
    """(key, value) of a simple one-line entry: an unindented key, `:`, blanks, a value
    (Claude Code's second pass), or None. Linear: no regular expression over the value."""
    key, colon, rest = line.partition(":")
    value = rest.strip(" \t")
    if colon and rest[:1] in (" ", "\t") and value and _KEY.fullmatch(key):
        return key, value
    return None


def lenient_lines(source: str) -> dict[int, str]:
    """The frontmatter lines (0-based index -> quoted line) Claude Code's second pass quotes.

    Claude Code 2.1.332 parses frontmatter again after quoting the values of simple
    one-line `key: value` lines that fail on their own (`description: Use when: x`,
    `argument-hint: [a] [b]`, `paths: **/x`); values that parse alone are left as they
    are (`claude plugin validate` still reports `description: [1, 2]` as an array in
    such a file). Lines are the parser's (`split_lines`), so indexes are YAML lines.
    """
    quoted = {}
    for index, line in enumerate(split_lines(source)):
        entry = simple_line(line.rstrip("\n\x85\u2028\u2029"))
        if entry is None or _parses_alone(*entry):
            continue
        key, value = entry
        value = value.replace("\\", "\\\\").replace('"', '\\"')
        quoted[index] = f'{key}: "{value}"'
    return quoted


def _parses_alone(key: str, value: str) -> bool:
    if ": " in value or value.endswith(":") or value[0] in "%@`":
        return False  # a mapping value where none may start, or a reserved indicator
    if value[0] not in "-?:,[]{}#&*!|>'\"" and " #" not in value:
        return True  # nothing YAML could read as more than a plain string
    try:
        for _ in yaml.parse(f"{key}: {value}", Loader=yaml.CSafeLoader):
            pass
    except yaml.YAMLError:
        return False
    return True


def _second_pass(source: str, failure: Finding) -> tuple[dict[str, Field], tuple[Finding, ...]]:
    """The fields as Claude Code's second pass reads them, or the first pass's failure."""
    if failure.rule != "frontmatter-yaml":
        return {}, (failure,)
    quoted = lenient_lines(source)
    if not quoted:
        return {}, (failure,)
    lines = split_lines(source)
    for index, line in quoted.items():
        lines[index] = line + lines[index][len(lines[index].rstrip("\n\x85\u2028\u2029")) :]
    try:
        fields = _fields(_compose("".join(lines)))
    except (_Reject, yaml.YAMLError):
        return {}, (failure,)
    warnings = []
    for index in sorted(quoted):
        key = quoted[index].split(":", 1)[0]
        message = f"`{key}` loads only through Claude Code's second YAML pass: quote its value"
        warnings.append(warning(index + FIRST_LINE, 1, "frontmatter-lenient", message))
    return fields, tuple(warnings)


def _yaml_finding(exc: yaml.MarkedYAMLError) -> Finding:
    mark = exc.problem_mark or exc.context_mark
    line, col = (mark.line + FIRST_LINE, mark.column + 1) if mark else (FIRST_LINE, 1)
    problem = one_line(exc.problem or exc.context or "invalid YAML")
    if "mapping values are not allowed" in problem:
        problem += " (an unquoted `: ` inside a value? quote the value)"
    if "nesting depth" in problem:  # libyaml's own limit (1,000 levels)
        return error(line, col, "frontmatter-too-deep", f"frontmatter nests too deeply: {problem}")
    return error(line, col, "frontmatter-yaml", f"frontmatter YAML does not parse: {problem}")


def _fields(root: yaml.Node | None) -> dict[str, Field]:
    if root is None:
        return {}
    if not isinstance(root, yaml.MappingNode):
        raise _Reject("frontmatter-not-mapping", root.start_mark, "frontmatter is not a mapping")
    fields = {}
    for key_node, value_node in root.value:
        line, col = position(key_node)
        fields[str(_construct(key_node))] = Field(line, col, _construct(value_node), value_node)
    return fields


def _construct(node: yaml.Node) -> Any:
    """The Python value of a node; plain strings skip the constructor's overhead.

    A value its tag cannot build (`!!bool maybe`, `!!int ''`, `!!timestamp x`, an
    unhashable key) is a `frontmatter-yaml` error on this file, whatever the
    constructor raises: a tag's constructor may raise anything.
    """
    if isinstance(node, yaml.ScalarNode) and node.tag == _STR_TAG:
        return node.value
    try:
        return yaml.constructor.SafeConstructor().construct_document(node)
    except Exception as exc:  # any constructor failure is the file's error
        if isinstance(exc, yaml.MarkedYAMLError) and exc.problem_mark and exc.problem:
            mark, problem = exc.problem_mark, exc.problem
        else:
            tag = node.tag.replace("tag:yaml.org,2002:", "!!")
            mark, problem = node.start_mark, f"a `{tag}` value that its tag cannot build"
        message = f"frontmatter YAML value cannot be read: {one_line(problem)}"
        raise _Reject("frontmatter-yaml", mark, message) from None


def _compose(text: str) -> yaml.Node | None:
    """Build yaml nodes, refusing anchors, aliases, duplicate keys and deep nesting."""
    if ("&" not in text and "*" not in text) or not _MAYBE_ANCHOR.search(text):
        # No `&` or `*` where an anchor or alias could start: libyaml composes in C.
        root = yaml.compose(text, Loader=yaml.CSafeLoader)
        _check_tree(root)
        return root
    composer = _Composer(yaml.CSafeLoader(""))
    for event in yaml.parse(text, Loader=yaml.CSafeLoader):
        composer.feed(event)
    return composer.root


def _check_tree(root: yaml.Node | None) -> None:
    """Refuse duplicate keys and deep nesting in a tree libyaml composed.

    Only called when the text holds no anchor or alias (see `_compose`), so no node is
    shared; scalars are never pushed, which keeps a mapping of many keys cheap.
    """
    if root is None or isinstance(root, yaml.ScalarNode):
        return
    scalar = yaml.ScalarNode
    stack = [(root, 0)]
    while stack:
        node, depth = stack.pop()
        if depth >= MAX_DEPTH:
            message = f"frontmatter nests deeper than {MAX_DEPTH} levels"
            raise _Reject("frontmatter-too-deep", node.start_mark, message)
        if isinstance(node, yaml.MappingNode):
            seen: set[str] = set()
            for key, value in node.value:
                if isinstance(key, scalar):
                    if key.value in seen:
                        _Composer.check_duplicate(key, seen)
                    seen.add(key.value)
                else:
                    stack.append((key, depth + 1))
                if not isinstance(value, scalar):
                    stack.append((value, depth + 1))
        else:
            stack += [(child, depth + 1) for child in node.value if not isinstance(child, scalar)]


class _Composer:
    def __init__(self, resolver: Any) -> None:
        self.resolver = resolver
        self.root: yaml.Node | None = None
        self.documents = 0
        # Open collections: (node, pending key node, keys seen so far).
        self.stack: list[tuple[yaml.Node, list[yaml.Node], set[str]]] = []

    def feed(self, event: yaml.Event) -> None:
        if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
            raise _Reject(
                "frontmatter-alias", event.start_mark, "YAML anchors and aliases are not allowed"
            )
        if isinstance(event, yaml.DocumentStartEvent):
            self.documents += 1
            if self.documents > 1:
                raise _Reject("frontmatter-yaml", event.start_mark, "more than one YAML document")
        elif isinstance(event, yaml.ScalarEvent):
            self._attach(self._scalar(event))
        elif isinstance(event, yaml.CollectionStartEvent):
            self._open(event)
        elif isinstance(event, yaml.CollectionEndEvent):
            self.stack.pop()[0].end_mark = event.end_mark

    def _scalar(self, event: yaml.ScalarEvent) -> yaml.ScalarNode:
        tag = event.tag
        if tag is None or tag == "!":
            tag = self.resolver.resolve(yaml.ScalarNode, event.value, event.implicit)
        start: Any = event.start_mark  # libyaml's own Mark type, which the stubs do not know
        end: Any = event.end_mark
        return yaml.ScalarNode(tag, event.value, start, end, event.style)

    def _open(self, event: yaml.CollectionStartEvent) -> None:
        if len(self.stack) >= MAX_DEPTH:
            message = f"frontmatter nests deeper than {MAX_DEPTH} levels"
            raise _Reject("frontmatter-too-deep", event.start_mark, message)
        kind = yaml.MappingNode if isinstance(event, yaml.MappingStartEvent) else yaml.SequenceNode
        tag = event.tag
        if tag is None or tag == "!":
            tag = self.resolver.resolve(kind, None, event.implicit)
        start: Any = event.start_mark
        node = kind(tag, [], start, None, flow_style=event.flow_style)
        self._attach(node)
        self.stack.append((node, [], set()))

    def _attach(self, node: yaml.Node) -> None:
        if not self.stack:
            self.root = node
            return
        parent, pending, seen = self.stack[-1]
        if isinstance(parent, yaml.SequenceNode):
            parent.value.append(node)
        elif not pending:
            self.check_duplicate(node, seen)
            pending.append(node)
        else:
            parent.value.append((pending.pop(), node))

    @staticmethod
    def check_duplicate(key: yaml.Node, seen: set[str]) -> None:
        if not isinstance(key, yaml.ScalarNode):
            return
        if key.value in seen:
            raise _Reject(
                "frontmatter-duplicate-key", key.start_mark, f"duplicate key {key.value!r}"
            )
        seen.add(key.value)
