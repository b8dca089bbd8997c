"""The body tests of `lam_bot.validator.content`, checked against their plain statement.

The module runs its tests on whole texts with str methods and C-level iteration; here
each rule of its docstring is written out line by line, the slow and obvious way, and
hypothesis looks for a body on which the two disagree.
"""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from lam_bot.validator import content
from lam_bot.validator.tools import _split_nested, split_tools

PROCESS = re.compile(
    r"\b(?:process|workflow|steps?|instructions?|procedure|approach|methodology|when invoked"
    r"|how to)\b"
)
CONSTRAINT = re.compile(
    r"\b(?:constraints?|rules?|guidelines?|guardrails?|boundar(?:y|ies)|limitations?"
    r"|restrictions?|polic(?:y|ies)|do not|never)\b"
)
STATEMENT = re.compile(r"(?<![^\W_])(?:never|do not|don't|must not|avoid)(?![^\W_])")
ONLY_WHEN = re.compile(r"(?<![^\W_])only(?![^\W_]).*\b(?:when|if)\b")
NUMBERED = re.compile(r"^[ \t]*\d{1,3}[.)][ \t]+\S")
BLANK = re.compile(r"[ \t]*")


def prose_lines(body: str) -> list[str]:
    """The body's lines, fenced code blocks (fence lines included) blanked."""
    lines, fence = [], ""
    for line in body.split("\n"):
        stripped = line.lstrip(" \t")
        marker = next((m for m in ("```", "~~~") if stripped.startswith(m)), "")
        if fence:
            lines.append("")
            fence = "" if marker == fence else fence
        elif marker:
            lines.append("")
            fence = marker
        else:
            lines.append(line)
    return lines


def headings(lines: list[str]) -> list[str]:
    found = []
    for line in (line.lower() for line in lines):
        label = re.fullmatch(r"([ \t]*(?:\*\*|__)?[^.!?\n]{1,60}):(?:\*\*|__)?[ \t]*", line)
        if re.match(r"[ \t]*#{1,6}[ \t]", line) or label:
            found.append(line)
    return found


def degenerate(body: str) -> tuple[int, str] | None:
    lines = prose_lines(body)
    if not any(lines):
        return None
    kept = [(n, line.strip()) for n, line in enumerate(lines) if line.strip()]
    for (n, a), (_, b), (_, c) in zip(kept, kept[1:], kept[2:], strict=False):
        if a == b == c and len(a) >= content.MIN_REPEAT_LINE:
            return n, "line"
    for n, line in enumerate(lines):
        if "|" in line and "-" in line and content._TABLE_SEPARATOR.fullmatch(line):
            return n, "table"
    for n, line in enumerate(lines):
        words = line.lower().split()
        if line.count(" ") >= 7 and runaway(words):
            return n, "phrase"
    return None


def runaway(words: list[str]) -> bool:
    for size in range(1, content.PHRASE_MAX_WORDS + 1):
        copies = max(content.PHRASE_MIN_REPEATS, -(-content.PHRASE_MIN_WORDS // size))
        for start in range(len(words) - size * copies + 1):
            phrase = words[start : start + size]
            if all(
                words[start + k * size : start + (k + 1) * size] == phrase for k in range(copies)
            ):
                return True
    return False


def process(body: str) -> bool:
    lines = prose_lines(body)
    if any(PROCESS.search(line) for line in headings(lines)):
        return True
    items = [bool(NUMBERED.match(line)) for line in lines if not BLANK.fullmatch(line)]
    return any(items[i : i + 3] == [True] * 3 for i in range(len(items)))


def constraints(body: str) -> bool:
    lines = prose_lines(body)
    if any(CONSTRAINT.search(line) for line in headings(lines)):
        return True
    lower = [line.lower() for line in lines]
    return sum(bool(STATEMENT.search(line) or ONLY_WHEN.search(line)) for line in lower) >= 2


WORDS = ["fix", "the", "bug", "Fix", "never", "do not", "only", "when", "if", "steps", "rule"]
PIECES = [
    " ",
    "  ",
    "\t",
    "\n",
    "\n\n",
    "# ",
    "## ",
    "####### ",
    "**",
    ":",
    ".",
    "|",
    "-",
    "---",
    ":--",
    "1. ",
    "12) ",
    "```",
    "~~~",
    " ```",
    "x",
    "only",
    "commonly",
    "é",
]
LINES = st.sampled_from(
    [
        "fix the bug fix the bug fix the bug fix the bug",
        "a a a a a a a a",
        "the bug The bug the bug the  bug",
        "the same line again",
        "| a | b |",
        "|---|:-:|",
        "## Workflow",
        "**Rules:**",
        "Approach:",
        "Never do this.",
        "Use it only when asked.",
        "1. one",
        "2) two",
        "```python",
        "```",
        "~~~",
        "",
    ]
)
BODIES = st.lists(
    LINES | st.lists(st.sampled_from(WORDS + PIECES), max_size=14).map("".join), max_size=14
).map("\n".join)


@settings(max_examples=600, deadline=None)
@given(BODIES)
def test_fast_tests_agree_with_their_statement(body: str) -> None:
    found = content.find_degenerate(body)
    expected = degenerate(body)
    assert (found.offset if found else None) == (expected[0] if expected else None)
    assert content.has_process(body) == process(body)
    assert content.has_constraints(body) == constraints(body)


def test_the_statement_finds_what_it_should() -> None:
    # The reference itself must be able to say yes.
    assert degenerate("intro\n" + "fix the bug " * 4) == (1, "phrase")
    assert degenerate("x\n| a |\n|---|") == (2, "table")
    assert degenerate("same line here\n\nsame line here\nsame line here") == (0, "line")
    assert process("1. a\n\n2. b\n3. c") and not process("1. a\nx\n2. b\n3. c")
    assert constraints("Never guess.\nUse it only if asked.")
    assert not constraints("```\nnever\nnever\n```")


@settings(max_examples=400, deadline=None)
@given(st.text(alphabet=" ,\tRead\u00a0Bash*:_\x1c", max_size=30), st.booleans())
def test_tool_lists_without_parentheses_split_as_before(text: str, spaces: bool) -> None:
    assert split_tools(text, spaces) == _split_nested(text, spaces)
