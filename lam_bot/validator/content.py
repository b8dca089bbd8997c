"""Tests on an agent's body (its system prompt): degenerate content, process, constraints.

All three look only at prose: lines inside fenced code blocks (``` or ~~~) are ignored.

Degenerate content, any of:
- the same line (stripped, at least 8 characters) three times in a row, blank lines between
  them ignored;
- a runaway phrase: 1 to 12 words repeated back to back at least 4 times, 8 words or more
  in all ("fix the bug fix the bug fix the bug fix the bug");
- a markdown table separator row (`|---|---|`, `:---:|---`), which the seed's authors
  removed from their training data because tables made the model loop.

A process section is a heading, or a line ending in `:`, that names a process (process,
workflow, steps, instructions, procedure, approach, methodology, "when invoked",
"how to"), or a numbered list of at least three consecutive items.

Behavioural constraints are a heading, or a line ending in `:`, that names them
(constraint, rule, guideline, guardrail, boundary, limitation, restriction, policy, "do
not", "never"), or at least two lines stating one (never, do not, don't, must not,
avoid, only ... when/if).
"""

from __future__ import annotations

import re
from typing import NamedTuple

MIN_REPEAT_LINE = 8
PHRASE_MAX_WORDS = 12
PHRASE_MIN_REPEATS = 4
PHRASE_MIN_WORDS = 8

_TABLE_SEPARATOR = re.compile(r"\s*\|?\s*:?-+:?\s*(\|\s*:?-+:?\s*)*\|?\s*")
_HEADING = re.compile(r"\s*(#{1,6}\s+.*|(\*\*|__)?[^.!?]{1,60}:(\*\*|__)?)\s*")
_NUMBERED = re.compile(r"\s*\d{1,3}[.)]\s+\S")
_PROCESS_WORDS = re.compile(
    r"\b(process|workflow|steps?|instructions?|procedure|approach|methodology|when invoked"
    r"|how to)\b",
    re.IGNORECASE,
)
_CONSTRAINT_HEADING = re.compile(
    r"\b(constraints?|rules?|guidelines?|guardrails?|boundar(y|ies)|limitations?"
    r"|restrictions?|polic(y|ies)|do not|never)\b",
    re.IGNORECASE,
)
_CONSTRAINT_LINE = re.compile(
    r"\b(never|do not|don't|must not|must never|avoid)\b|\bonly\b.*\b(when|if)\b", re.IGNORECASE
)


class Degenerate(NamedTuple):
    """Where degenerate content starts (line offset in the body) and what it is."""

    offset: int
    reason: str


def prose_lines(body: str) -> list[tuple[int, str]]:
    """(offset, line) pairs of the body outside fenced code blocks."""
    lines, fence = [], ""
    for offset, line in enumerate(body.split("\n")):
        stripped = line.strip()
        marker = stripped[:3]
        if marker in ("```", "~~~") and (not fence or marker == fence):
            fence = "" if fence else marker
            continue
        if not fence:
            lines.append((offset, line))
    return lines


def find_degenerate(body: str) -> Degenerate | None:
    """The first degenerate content in `body`, or None."""
    lines = prose_lines(body)
    for check in (_repeated_line, _table_separator, _runaway_phrase):
        found = check(lines)
        if found is not None:
            return found
    return None


def _repeated_line(lines: list[tuple[int, str]]) -> Degenerate | None:
    previous, count, start = "", 0, 0
    for offset, line in lines:
        text = line.strip()
        if not text:
            continue
        if text == previous:
            count += 1
        else:
            previous, count, start = text, 1, offset
        if count == 3 and len(text) >= MIN_REPEAT_LINE:
            return Degenerate(start, "the same line three times in a row")
    return None


def _table_separator(lines: list[tuple[int, str]]) -> Degenerate | None:
    for offset, line in lines:
        if "|" in line and "-" in line and _TABLE_SEPARATOR.fullmatch(line):
            return Degenerate(offset, "a markdown table separator row (tables make the model loop)")
    return None


def _runaway_phrase(lines: list[tuple[int, str]]) -> Degenerate | None:
    for offset, line in lines:
        words = line.lower().split()
        if len(words) >= PHRASE_MIN_WORDS and _has_repeat(words):
            return Degenerate(offset, "a phrase repeated over and over")
    return None


def _has_repeat(words: list[str]) -> bool:
    # words[j] == words[j - size] for size * (n - 1) positions in a row means a phrase of
    # `size` words occurs n times back to back: linear in the line's length per size.
    for size in range(1, PHRASE_MAX_WORDS + 1):
        copies = max(PHRASE_MIN_REPEATS, -(-PHRASE_MIN_WORDS // size))
        needed, streak = size * (copies - 1), 0
        for j in range(size, len(words)):
            streak = streak + 1 if words[j] == words[j - size] else 0
            if streak >= needed:
                return True
    return False


def has_process(body: str) -> bool:
    """True when the body has a process section (see the module docstring)."""
    numbered = 0
    for _, line in prose_lines(body):
        if _HEADING.fullmatch(line) and _PROCESS_WORDS.search(line):
            return True
        numbered = numbered + 1 if _NUMBERED.match(line) else (numbered if not line.strip() else 0)
        if numbered >= 3:
            return True
    return False


def has_constraints(body: str) -> bool:
    """True when the body states behavioural constraints (see the module docstring)."""
    stated = 0
    for _, line in prose_lines(body):
        if _HEADING.fullmatch(line) and _CONSTRAINT_HEADING.search(line):
            return True
        stated += bool(_CONSTRAINT_LINE.search(line))
        if stated >= 2:
            return True
    return False
