"""The invariants of `validate` and `--fix`, stated over generated and mutated files.

- no exception escapes `check_text`, `check_paths` or the CLI (exit 0 or 1, never 3);
- every diagnostic points at a line that exists, and a diagnostic that names things in
  backticks points at a line holding one of them;
- `--fix` keeps the body byte for byte, a second run changes nothing, and it never adds
  an error that was not there.
"""

from __future__ import annotations

import re
import tempfile
from collections import Counter
from pathlib import Path

from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lam_bot.catalog import DEFAULT_CATALOG
from lam_bot.cli import cli
from lam_bot.validator import check_paths, check_text
from lam_bot.validator.fix import fix_text
from lam_bot.validator.source import line_at, split_lines

PROPERTY = settings(max_examples=120, deadline=None, suppress_health_check=list(HealthCheck))
KINDS = st.sampled_from(["agent", "skill", "command"])
BREAKS = st.sampled_from(["\n", "\n", "\n", "\r\n", "\r", "\u2028", "\x85"])
TAGS = ["!!bool", "!!int", "!!float", "!!timestamp", "!!binary", "!!set", "!!omap", "!!str", "!"]
# Frontmatter lines as people write them, and as they go wrong.
LINES = st.sampled_from(
    [
        "name: a",
        "name: Reviewer",
        "description: Use when: the build breaks",
        "description: d",
        'description: "quoted: fine"',
        "description: a #comment: here",
        "tools: Read, Task, LS",
        "tools: [Read, Task]",
        "tools:\n  - Read\n  - MultiEdit",
        "disallowedTools: [Bash, Task]",
        "disallowedTools:\n  - Write",
        "allowed-tools: Read, Grep",
        "allowed-tools: [Read, Grep]",
        "argument-hint: [a] [b]",
        "paths: **/x",
        "paths: src/*.py",
        "model: sonnet",
        "model: opus: 4",
        "color: blue",
        "background: !!bool maybe",
        "x: !!timestamp x",
        "x: !!int ''",
        "effort: high",
        "hooks: []",
        "  indented: value",
        "key-without-value:",
        "tools: mcp__a__b, Bash(git:*)",
    ]
)
BODIES = st.sampled_from(
    [
        "\nYou review code. Never push to main; report each finding with its line.\n",
        "\n# Rules\n- never delete\n\n```\n---\n```\nTask the worker\u2028when asked.\n",
        "",
        "\n",
    ]
)


@st.composite
def files(draw: st.DrawFn) -> str:
    """A frontmatter file: optional BOM, lines from LINES, mixed line breaks, a body."""
    lines = draw(st.lists(LINES, max_size=8))
    pieces = ["---", *lines, "---"]
    text = "".join(piece + draw(BREAKS) for piece in pieces[:-1]) + pieces[-1]
    bom = "\ufeff" if draw(st.booleans()) else ""
    return bom + text + draw(BODIES)


@st.composite
def mutated(draw: st.DrawFn) -> str:
    """A generated file with a few random cuts and insertions."""
    text = draw(files())
    for _ in range(draw(st.integers(0, 3))):
        at = draw(st.integers(0, len(text)))
        pieces = st.sampled_from(list(":-[]{}&*!|>'\"# \n\t\u2028\r") + TAGS)
        insert = "".join(draw(st.lists(pieces, max_size=4)))
        text = text[:at] + insert + text[at + draw(st.integers(0, 4)) :]
    return text


def _normalised(text: str) -> str:
    return text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")


def _check_positions(text: str, kind: str) -> None:
    result = check_text(text, path="x/SKILL.md" if kind == "skill" else "x.md", kind=kind)
    normalised = _normalised(text)
    lines = [*split_lines(normalised), ""]  # and the empty line after a final line break
    for d in result.diagnostics:
        assert 1 <= d.line <= line_at(normalised, len(normalised)), d
        names = re.findall(r"`([^`\n]+)`", d.message)
        line = lines[d.line - 1]
        if names and d.rule not in _WHOLE_FILE_RULES and not d.rule.endswith("-missing"):
            assert any(name.split(":")[0].strip() in line for name in names), (d, line)


# Rules about the file or the body as a whole (and `*-missing`), which point at its
# first line or the body's; they may quote a name that stands elsewhere.
_WHOLE_FILE_RULES = {"body-short", "body-degenerate", "name-missing", "frontmatter-missing"}


@PROPERTY
@given(files() | mutated(), KINDS)
def test_check_text_never_raises_and_points_at_real_lines(text: str, kind: str) -> None:
    _check_positions(text, kind)


@PROPERTY
@given(
    st.lists(st.tuples(st.text(min_size=1, max_size=6), st.sampled_from(TAGS)), max_size=4),
    st.text(st.sampled_from(list("ab1.-:+ '\"")), max_size=6),
)
def test_any_yaml_tag_is_a_finding_not_an_exception(keys: list[tuple[str, str]], raw: str) -> None:
    frontmatter = "".join(f"{key!r}: {tag} {raw!r}\n" for key, tag in keys)
    result = check_text(f"---\nname: a\ndescription: d\n{frontmatter}---\n\nbody\n")
    assert all(d.severity in ("error", "warning") for d in result.diagnostics)


def _errors(text: str, kind: str) -> Counter[str]:
    result = check_text(_normalised(text), kind=kind)
    return Counter(d.rule for d in result.errors)


def _body(text: str) -> str | None:
    """What follows the closing `---` line, by lines as the parser cuts them."""
    lines = split_lines(text.removeprefix("\ufeff"))
    fences = [i for i, line in enumerate(lines[1:], 1) if line.rstrip() == "---"]
    return "".join(lines[fences[0] :]) if lines and fences else None


@PROPERTY
@given(files() | mutated(), KINDS)
def test_fix_keeps_the_body_is_idempotent_and_adds_no_error(text: str, kind: str) -> None:
    fixed, changes = fix_text(text, DEFAULT_CATALOG, kind)
    if not changes:
        assert fixed == text.removeprefix("\ufeff") or fixed == text
        return
    body = _body(text)
    if body is not None:
        assert _body(fixed) == body
    assert fix_text(fixed, DEFAULT_CATALOG, kind) == (fixed, [])
    assert not _errors(fixed, kind) - _errors(text, kind)


@settings(PROPERTY, max_examples=40)
@given(st.lists(files() | mutated() | st.binary(max_size=200).map(repr), min_size=1, max_size=3))
def test_the_cli_and_check_paths_never_raise(texts: list[str]) -> None:
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch) / ".claude" / "agents"
        folder.mkdir(parents=True)
        for index, text in enumerate(texts):
            (folder / f"a{index}.md").write_bytes(text.encode("utf-8", "surrogatepass"))
        assert len(check_paths([scratch])) == len(texts)
        for output in ("text", "json"):
            args = ["validate", "--no-cache", "--fix", "--format", output, scratch]
            result = CliRunner().invoke(cli, args, catch_exceptions=False)
            assert result.exit_code in (0, 1), result.output
