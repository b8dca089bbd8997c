"""Tests on an agent's body (its system prompt): degenerate content, process, constraints.

All three look only at prose: fenced code blocks (``` or ~~~) are ignored.

Degenerate content, any of:
- the same line (stripped, at least 8 characters) three times in a row, blank lines between
  them ignored;
- a runaway phrase: 1 to 12 words repeated back to back at least 4 times, 8 words or more
  in all, within one line ("fix the bug fix the bug fix the bug fix the bug");
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
from functools import lru_cache
from operator import eq
from typing import NamedTuple

MIN_REPEAT_LINE = 8
PHRASE_MAX_WORDS = 12
PHRASE_MIN_REPEATS = 4
PHRASE_MIN_WORDS = 8

# Whole-text searches (MULTILINE) keep the per-line work in the regex engine.
_TABLE_SEPARATOR = re.compile(r"[ \t]*\|?[ \t]*:?-+:?[ \t]*(?:\|[ \t]*:?-+:?[ \t]*)*\|?[ \t]*")
# Heading lines, and the ends of `Label:` lines (checked further in `_labels`).
_HASH_HEADING = re.compile(r"[ \t]*#{1,6}[ \t]")
_LABEL_ENDS = re.compile(r":(?:\*\*|__)?[ \t]*$", re.MULTILINE)
_LABEL = re.compile(r"[ \t]*(?:\*\*|__)?[^.!?\n]{1,60}")
# Three numbered items in a row, blank lines between them allowed.
_NUMBERED_LIST = re.compile(
    r"^[ \t]*\d{1,3}[.)][ \t]+\S[^\n]*\n(?:[ \t]*\n)*"
    r"[ \t]*\d{1,3}[.)][ \t]+\S[^\n]*\n(?:[ \t]*\n)*[ \t]*\d{1,3}[.)][ \t]+\S",
    re.MULTILINE,
)
# The word lists below are searched in lowercased text.
_PROCESS_WORDS = re.compile(
    r"\b(?:process|workflow|steps?|instructions?|procedure|approach|methodology|when invoked"
    r"|how to)\b"
)
_CONSTRAINT_HEADING = re.compile(
    r"\b(?:constraints?|rules?|guidelines?|guardrails?|boundar(?:y|ies)|limitations?"
    r"|restrictions?|polic(?:y|ies)|do not|never)\b"
)
_CONSTRAINT_WORDS = ("never", "do not", "don't", "must not", "avoid")


class Degenerate(NamedTuple):
    """Where degenerate content starts (line offset in the body) and what it is."""

    offset: int
    reason: str


class _Prose(NamedTuple):
    text: str  # the body with fenced code blocks blanked out (line numbers unchanged)
    lower: str  # the same, lowercased
    headings: str  # heading and `Label:` lines, lowercased, one per line


@lru_cache(maxsize=8)  # rules and score look at the same body
def _prose(body: str) -> _Prose:
    text = _blank_fences(body) if "```" in body or "~~~" in body else body
    lower = text.lower()
    # Filtering lines with `in` first is much faster than a MULTILINE `^` regex.
    headings = [line for line in lower.split("\n") if "#" in line and _HASH_HEADING.match(line)]
    return _Prose(text, lower, "\n".join(headings + _labels(lower)))


def _blank_fences(body: str) -> str:
    """The body with each fenced code block (to its closing fence or the end) blanked."""
    pieces, start, fence = [], 0, ""
    for line_start, marker in _fence_lines(body):
        if not fence:
            pieces.append(body[start:line_start])
            fence, start = marker, line_start
        elif marker == fence:
            end = body.find("\n", line_start)
            end = len(body) if end < 0 else end
            pieces.append("\n" * body.count("\n", start, end))
            fence, start = "", end
    tail = body[start:]
    pieces.append("\n" * tail.count("\n") if fence else tail)
    return "".join(pieces)


def _fence_lines(body: str) -> list[tuple[int, str]]:
    """(line start, marker) of lines that begin, after blanks, with ``` or ~~~."""
    found = []
    for marker in ("```", "~~~"):
        at = body.find(marker)
        while at >= 0:
            line_start = body.rfind("\n", 0, at) + 1
            if not body[line_start:at].strip(" \t"):
                found.append((line_start, marker))
            at = body.find(marker, at + 3)
    return sorted(set(found))


def _labels(lower: str) -> list[str]:
    """`Label:` lines: at most 60 characters before the colon, no sentence punctuation."""
    found = []
    for end in _LABEL_ENDS.finditer(lower):
        start = lower.rfind("\n", 0, end.start()) + 1
        if _LABEL.fullmatch(lower, start, end.start()):
            found.append(lower[start : end.end()])
    return found


def find_degenerate(body: str) -> Degenerate | None:
    """The first degenerate content in `body`, or None."""
    prose = _prose(body)
    if not prose.text:
        return None
    return _repeated_line(prose) or _table_separator(prose) or _runaway_phrase(prose)


def _repeated_line(prose: _Prose) -> Degenerate | None:
    stripped = [line.strip() for line in prose.text.split("\n")]
    numbers = [n for n, line in enumerate(stripped) if line]
    kept = [stripped[n] for n in numbers]
    # Two equal neighbours in a row among the non-blank lines: three equal lines.
    same = bytes(map(eq, kept, kept[1:]))
    start = same.find(b"\x01\x01")
    while start >= 0:
        if len(kept[start]) >= MIN_REPEAT_LINE:
            return Degenerate(numbers[start], "the same line three times in a row")
        start = same.find(b"\x01\x01", start + 1)
    return None


def _table_separator(prose: _Prose) -> Degenerate | None:
    for number, line in enumerate(prose.text.split("\n")):
        if "|" in line and "-" in line and _TABLE_SEPARATOR.fullmatch(line):
            return Degenerate(number, "a markdown table separator row (tables make the model loop)")
    return None


def _runaway_phrase(prose: _Prose) -> Degenerate | None:
    lines = prose.lower.split("\n")
    # A runaway phrase has 8 words or more and repeats at least 6 of them (2 words x 4);
    # the comprehensions keep this first sieve cheap on the many lines that fail it.
    long_lines = [line.split() for line in lines if line.count(" ") >= 7]
    for words in [words for words in long_lines if len(words) - len(set(words)) >= 6]:
        if _has_repeat(words):
            number = next(n for n, line in enumerate(lines) if line.split() == words)
            return Degenerate(number, "a phrase repeated over and over")
    return None


def _has_repeat(words: list[str]) -> bool:
    # words[j] == words[j - size] for size * (n - 1) positions in a row means a phrase of
    # `size` words occurs n times back to back; map/bytes keep the scan in C.
    for size in range(1, PHRASE_MAX_WORDS + 1):
        copies = max(PHRASE_MIN_REPEATS, -(-PHRASE_MIN_WORDS // size))
        if b"\x01" * (size * (copies - 1)) in bytes(map(eq, words, words[size:])):
            return True
    return False


def has_process(body: str) -> bool:
    """True when the body has a process section (see the module docstring)."""
    prose = _prose(body)
    if _PROCESS_WORDS.search(prose.headings):
        return True
    return _NUMBERED_LIST.search(prose.text) is not None


def has_constraints(body: str) -> bool:
    """True when the body states behavioural constraints (see the module docstring)."""
    prose = _prose(body)
    if _CONSTRAINT_HEADING.search(prose.headings):
        return True
    return len(_constraint_lines(prose.lower, 2)) >= 2


def _constraint_lines(lower: str, enough: int) -> set[int]:
    """Start offsets of up to `enough` lines stating a constraint (str.find keeps it fast)."""
    lines: set[int] = set()
    for word in _CONSTRAINT_WORDS:
        lines.update(_word_lines(lower, word, enough))
    for start in _word_lines(lower, "only", enough + 8):
        end = lower.find("\n", start)
        rest = lower[lower.find("only", start) : end if end >= 0 else len(lower)]
        if re.search(r"\b(?:when|if)\b", rest):
            lines.add(start)
    return lines


def _word_lines(lower: str, word: str, limit: int) -> list[int]:
    """Start offsets of the first `limit` lines holding `word` as a whole word."""
    found: list[int] = []
    at = lower.find(word)
    while at >= 0 and len(found) < limit:
        after = at + len(word)
        if not (at and lower[at - 1].isalnum()) and not lower[after : after + 1].isalnum():
            line = lower.rfind("\n", 0, at) + 1
            if not found or found[-1] != line:
                found.append(line)
        at = lower.find(word, after)
    return found
