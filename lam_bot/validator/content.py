"""Tests on an agent's body (its system prompt): degenerate content, process, constraints.

All three look only at prose: fenced code blocks (``` or ~~~) are ignored.

Degenerate content, any of:
- the same line (stripped, at least 8 characters) three times in a row, blank lines between
  them ignored;
- a runaway phrase: 1 to 12 words repeated back to back at least 4 times, 8 words or more
  in all, within one line ("fix the bug fix the bug fix the bug fix the bug"); words are
  compared lowercased, and a line needs at least 7 spaces to hold 8 words;
- a markdown table separator row (`|---|---|`, `:---:|---`), which the seed's authors
  removed from their training data because tables made the model loop.

A process section is a heading, or a line ending in `:`, that names a process (process,
workflow, steps, instructions, procedure, approach, methodology, "when invoked",
"how to"), or a numbered list of at least three consecutive items.

Behavioural constraints are a heading, or a line ending in `:`, that names them
(constraint, rule, guideline, guardrail, boundary, limitation, restriction, policy, "do
not", "never"), or at least two lines stating one (never, do not, don't, must not,
avoid, only ... when/if).

Words are whole words, lowercased; headings are lines starting with 1 to 6 `#` and a
blank; a `Label:` line has at most 60 characters before its final colon, none of them
`.`, `!` or `?` (bold `**Label:**` counts).
"""

from __future__ import annotations

import re
from functools import cached_property, lru_cache
from itertools import compress, repeat
from operator import contains, eq, le, sub
from typing import NamedTuple

MIN_REPEAT_LINE = 8
PHRASE_MAX_WORDS = 12
PHRASE_MIN_REPEATS = 4
PHRASE_MIN_WORDS = 8

# How the tests stay fast: each looks at the whole body with str methods, or with
# regular expressions that begin with a literal (which the regex engine finds at C
# speed), and the per-line work runs through map/filter/compress in C, not in a Python
# loop. Only a line that may match is looked at in Python.
# Linear: a run of blanks is never split between two quantifiers (blanks follow a pipe
# only when the pipe is there), so a long line that does not match fails in one pass.
_TABLE_SEPARATOR = re.compile(
    r"[ \t]*(?:\|[ \t]*)?:?-+:?[ \t]*(?:\|[ \t]*:?-+:?[ \t]*)*(?:\|[ \t]*)?"
)
# Heading lines, and the ends of `Label:` lines (checked further in `_labels`).
_HASH_HEADING = re.compile(r"[ \t]*#{1,6}[ \t]")
_LABEL_ENDS = re.compile(r":(?:\*\*|__)?[ \t]*$", re.MULTILINE)
_LABEL = re.compile(r"[ \t]*(?:\*\*|__)?[^.!?\n]{1,60}")
# Three numbered items in a row, blank lines between them allowed; searched in the
# text with a newline put in front, so each try starts at a line start.
_NUMBERED_LIST = re.compile(
    r"\n[ \t]*\d{1,3}[.)][ \t]+\S[^\n]*\n(?:[ \t]*\n)*"
    r"[ \t]*\d{1,3}[.)][ \t]+\S[^\n]*\n(?:[ \t]*\n)*[ \t]*\d{1,3}[.)][ \t]+\S"
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
_WHEN_OR_IF = re.compile(r"\b(?:when|if)\b")


class Degenerate(NamedTuple):
    """Where degenerate content starts (line offset in the body) and what it is."""

    offset: int
    reason: str


class _Prose:
    """A body's prose, with fenced code blocks blanked out (line numbers unchanged).

    Each view is computed on first use: most bodies settle the process test with their
    `#` headings and never need the `Label:` lines.
    """

    def __init__(self, body: str) -> None:
        self.text = _blank_fences(body) if "```" in body or "~~~" in body else body
        self.lower = self.text.lower()

    @cached_property
    def lines(self) -> list[str]:
        return self.text.split("\n")

    @cached_property
    def hash_headings(self) -> str:
        """`#` heading lines, lowercased, one per line."""
        return "\n".join(_hash_headings(self.lower))

    @cached_property
    def labels(self) -> str:
        """`Label:` lines, lowercased, one per line."""
        return "\n".join(_labels(self.lower))

    def headings_match(self, words: re.Pattern[str]) -> bool:
        """True when a heading or `Label:` line names one of `words`."""
        return bool(words.search(self.hash_headings) or words.search(self.labels))


@lru_cache(maxsize=8)  # rules and score look at the same body
def _prose(body: str) -> _Prose:
    return _Prose(body)


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
            # A line's first marker decides: one look per line keeps this linear.
            line_end = body.find("\n", at)
            at = body.find(marker, line_end) if line_end >= 0 else -1
    return sorted(set(found))


def _hash_headings(lower: str) -> list[str]:
    """Lines that start, after blanks, with 1 to 6 `#` and a blank."""
    found = []
    at = lower.find("#")
    while at >= 0:
        start = lower.rfind("\n", 0, at) + 1
        end = lower.find("\n", at)
        end = len(lower) if end < 0 else end
        if _HASH_HEADING.match(lower, start, end):
            found.append(lower[start:end])
        at = lower.find("#", end)  # a line's first `#` decides
    return found


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
    kept = list(filter(None, map(str.strip, prose.lines)))  # the non-blank lines, stripped
    # Two equal neighbours in a row among the non-blank lines: three equal lines.
    same = bytes(map(eq, kept, kept[1:]))
    start = same.find(b"\x01\x01")
    while start >= 0:
        if len(kept[start]) >= MIN_REPEAT_LINE:
            return Degenerate(
                _nth_non_blank(prose.lines, start), "the same line three times in a row"
            )
        start = same.find(b"\x01\x01", start + 1)
    return None


def _nth_non_blank(lines: list[str], index: int) -> int:
    """The number of the line that is the `index`-th (from 0) non-blank one."""
    seen = -1
    for number, line in enumerate(lines):
        if line.strip():
            seen += 1
            if seen == index:
                return number
    raise ValueError(index)


def _table_separator(prose: _Prose) -> Degenerate | None:
    if "|" not in prose.text:
        return None
    lines = prose.lines
    for line in compress(lines, map(contains, lines, repeat("|"))):
        if "-" in line and _TABLE_SEPARATOR.fullmatch(line):
            return Degenerate(
                lines.index(line), "a markdown table separator row (tables make the model loop)"
            )
    return None


def _runaway_phrase(prose: _Prose) -> Degenerate | None:
    lines = prose.lower.split("\n")
    # A runaway phrase has 8 words or more and repeats at least 6 of them (2 words x 4):
    # a first sieve on spaces, a second on repeated words, both run by map in C.
    long_lines = list(compress(lines, map(le, repeat(7), map(str.count, lines, repeat(" ")))))
    splits = list(map(str.split, long_lines))
    repeats = map(sub, map(len, splits), map(len, map(set, splits)))
    for words in compress(splits, map(le, repeat(6), repeats)):
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
    if prose.headings_match(_PROCESS_WORDS):
        return True
    return _NUMBERED_LIST.search("\n" + prose.text) is not None


def has_constraints(body: str) -> bool:
    """True when the body states behavioural constraints (see the module docstring)."""
    prose = _prose(body)
    if prose.headings_match(_CONSTRAINT_HEADING):
        return True
    return len(_constraint_lines(prose.lower, 2)) >= 2


def _constraint_lines(lower: str, enough: int) -> set[int]:
    """Start offsets of lines stating a constraint, stopping once there are `enough`."""
    lines: set[int] = set()
    for word in _CONSTRAINT_WORDS:
        # A word's first `enough` lines are all it can add: one line more would not
        # change whether `enough` distinct lines exist.
        lines.update(_word_lines(lower, word, enough))
        if len(lines) >= enough:
            return lines
    at = _whole_word(lower, "only", 0)
    while at >= 0 and len(lines) < enough:
        end = lower.find("\n", at)
        end = len(lower) if end < 0 else end
        if _WHEN_OR_IF.search(lower, at + 4, end):
            lines.add(lower.rfind("\n", 0, at) + 1)
        at = _whole_word(lower, "only", at + 4)
    return lines


def _whole_word(lower: str, word: str, start: int) -> int:
    """The offset of the next whole-word `word` from `start`, or -1."""
    at = lower.find(word, start)
    while at >= 0:
        after = at + len(word)
        if not (at and lower[at - 1].isalnum()) and not lower[after : after + 1].isalnum():
            return at
        at = lower.find(word, after)
    return -1


def _word_lines(lower: str, word: str, limit: int) -> list[int]:
    """Start offsets of the first `limit` lines holding `word` as a whole word."""
    found: list[int] = []
    at = _whole_word(lower, word, 0)
    while at >= 0 and len(found) < limit:
        line = lower.rfind("\n", 0, at) + 1
        if not found or found[-1] != line:
            found.append(line)
        at = _whole_word(lower, word, at + len(word))
    return found


def blank_fences(body: str) -> str:
    """`body` with each fenced code block blanked out (line numbers unchanged)."""
    return _prose(body).text
