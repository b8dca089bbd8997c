"""Vacuous content: an agent file that is well-formed but says nothing.

A small model can fill every slot of a plan with fragments ("docker-monitor-dcc-1. Use
when 1.", "1. 1. Use `docker_monitor_dcc_1`. If it fails: 1,.", "The service is a ,.")
and still earn every point of a rubric that only checks structure. These warnings
catch that, for generated, hand-written and third-party agents alike. The exact tests:

- description-vacuous: the `description`, read as lowercase words (runs of letters and
  digits), either (a) has no word left once the name's own words, the words of "use
  when/whenever/if", STOP_WORDS and numbers are taken out (it only repeats the name),
  or (b) has no verb: once "use when/whenever/if" is taken out, no word in COMMON_VERBS
  and none ending in a verb ending (-s but not -ss/-us/-is, -ed, -ing, -ize/-ise, -ify,
  -ate), so `Use when: x` has none.
- description-trigger-empty: a "Use when", "Use whenever" or "Use if" clause in the
  description (any case), or a body line starting "When:", "when:" or "WHEN:", with no
  letter between it and the end of its sentence (`.`, `!`, `?` or `;` followed by a
  blank or the end, or a line end).
- body-fragment: a list item in the body's prose (`-`, `*`, `+` or `N.`/`N)`, then a
  blank or the line's end; fenced code and thematic breaks such as `- - -` ignored)
  whose text, with markdown's `*`, `_` and backticks taken out, has no letter at all
  (a bare number or punctuation), or ends in a word made only of digits and `,`/`;`
  with at most a final `.` ("If it fails: 1,."), or ends in a word made only of `,`,
  `;`, `:` and `.` that holds a `,` or `;` ("is a ,.").
- list-self-numbered: an item of a numbered list whose text starts with a number of
  its own (`1. 1. Use …`, `2) 3. …`): a digit run, `.` or `)`, then a blank or the end.
- parameter-duplicate: within one section (between `#` headings), two list items that
  define the same parameter: the item starts with an optional label (Parameter, Param,
  Input, Argument, Arg, Option; any case) and a backticked name followed by ` (` or
  `:`, and the names are equal.

lam-bot's synthesis writes steps as a numbered list, parameters as `- Parameter \\`x\\``
and inputs as `- Input \\`x\\``, so its output is fully covered; the same shapes are
what people write by hand. Each body test first finds the lines it may report with a
regular expression that begins with a newline (the trailing-off test searches the
reversed text), then reads only those lines with str methods and anchored regexes whose
repetitions are bounded, so its cost is linear in the file.
"""

from __future__ import annotations

import re
from bisect import bisect
from collections.abc import Iterator
from itertools import islice

from lam_bot.validator.content import blank_fences
from lam_bot.validator.frontmatter import Document
from lam_bot.validator.model import Finding, warning

# Rules whose findings cost the description's points in the score, and those that
# cost the "no degenerate content" points (lam_bot.validator.score).
DESCRIPTION_RULES = frozenset({"description-vacuous", "description-trigger-empty"})
BODY_RULES = frozenset({"body-fragment", "list-self-numbered", "parameter-duplicate"})
VACUOUS_RULES = DESCRIPTION_RULES | BODY_RULES
MAX_PER_RULE = 10


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


STOP_WORDS = _words(
    "a an the and or of for to in on with by at as is are be this that it its agent "
    "subagent skill tool assistant"
)
# Base forms of verbs that agent descriptions use; any word ending like a verb counts too.
COMMON_VERBS = _words(
    "add analyse analyze answer apply assess audit automate build check clean compare "
    "configure convert create debug define delegate deploy design detect diagnose document "
    "draft edit enforce ensure evaluate explain extract find fix format generate guide handle "
    "help identify implement improve inspect install integrate investigate keep lint list "
    "maintain make manage map measure migrate model monitor optimize optimise orchestrate "
    "organize parse plan prepare prevent produce profile propose provide query read recommend "
    "refactor remove render report research resolve review rewrite run scaffold scan search "
    "secure set setup ship simplify solve specify suggest summarize summarise support "
    "sync test track transform translate triage troubleshoot tune update upgrade use validate "
    "verify watch write"
)
_VERB_ENDING = re.compile(r"[a-z]{2,}(?:[^su]s|ed|ing|ize|ise|ify|ate)")
_WORD = re.compile(r"[a-z0-9]+")
_TRIGGER = re.compile(r"\buse[ \t]{1,4}(?:when(?:ever)?|if)\b", re.IGNORECASE)
_SENTENCE_END = re.compile(r"[.!?;](?:[ \t]|$)|\n")
_LETTER = re.compile(r"[^\W\d_]")
_ITEM = re.compile(r"[ \t]{0,12}(?:[-*+]|(?P<number>\d{1,3})[.)])(?:[ \t]+(?P<text>[^\n]*)|$)")
_OWN_NUMBER = re.compile(r"\d{1,3}[.)](?:[ \t]|$)")
_NUMBER_FRAGMENT = re.compile(r"\d{0,12}[,;][,;]{0,12}\.?")
_PUNCT_FRAGMENT = re.compile(r"[,;:.]{0,12}[,;][,;:.]{0,12}")
_PARAMETER = (
    r"(?:(?:parameter|param|input|argument|arg|option)[ \t]{1,4})?`(?P<name>[^`\n]{1,80})`"
    r"(?:[ \t]\(|:)"
)
# Sieves, searched in a body with a newline put in front (see _Body): each begins with
# that newline and matches every line its test may report. A list item whose text may
# have no letter (only blanks, digits, `_` and other non-word characters):
_NO_LETTER_ITEM = re.compile(
    r"\n[ \t]{0,12}(?:[-*+]|\d{1,3}[.)])(?:[ \t](?:[^\w\n]|[\d_])*)?(?=\n|\Z)"
)
# Searched in the reversed body: a line whose last word (once blanks, backticks, `*` and
# `_` at its end are dropped) ends in one of `,;:.` and holds a `,` or `;`. Reading
# backwards keeps it linear: every repetition stops at the first character it cannot take.
_TRAILING_OFF_REVERSED = re.compile(r"\n[ \t`*_]*(?:[,;]|[:.][^ \t\n,;]*[,;])")
_SELF_NUMBERED_ITEM = re.compile(r"\n[ \t]{0,12}\d{1,3}[.)][ \t]+\d{1,3}[.)](?=[ \t\n]|\Z)")
_PARAMETER_ITEM = re.compile(r"\n[ \t]{0,12}[-*+][ \t]+" + _PARAMETER, re.IGNORECASE)
_HEADING_LINE = re.compile(r"\n[ \t]{0,3}#{1,6}(?=[ \t\n]|\Z)")
_WHEN_LINE = re.compile(r"\n[ \t]{0,3}(?:[Ww]hen|WHEN):(?P<rest>[^\n]*)")
_RULE_CHARS = frozenset("-*_ \t")
_FRAGMENT_END = frozenset(",;:.")


def check_vacuous(doc: Document) -> list[Finding]:
    """Vacuous-content findings for an agent (see the module docstring for each test)."""
    body = _Body(blank_fences(doc.body), doc.body_line)
    return [
        *_description(doc),
        *_capped(_empty_when_lines(body)),
        *_capped(_fragments(body)),
        *_capped(_self_numbered(body)),
        *_capped(_duplicate_parameters(body)),
    ]


class _Body:
    """A body's prose with a newline put in front, so every line starts after a `\\n`.

    The tests search it with regular expressions that begin with that newline, which
    the regex engine finds at C speed, so only line starts are tried and only the few
    lines that may match are looked at in Python (a corpus has about 100,000 lines).
    """

    def __init__(self, prose: str, first: int) -> None:
        self.text = "\n" + prose
        self.first = first  # the file line number of the body's first line

    def line_number(self, at: int) -> int:
        """The file line number of the line whose leading newline is at offset `at`."""
        return self.first + self.text.count("\n", 0, at)

    def line_numbers(self, starts: list[int]) -> Iterator[int]:
        """`line_number` of each of the ascending `starts`, counting each stretch once."""
        number, counted = self.first, 0
        for at in starts:
            number += self.text.count("\n", counted, at)
            counted = at
            yield number

    def line(self, at: int) -> str:
        """The line whose leading newline is at offset `at`, without newlines."""
        end = self.text.find("\n", at + 1)
        return self.text[at + 1 : None if end < 0 else end]


def _capped(findings: Iterator[Finding]) -> list[Finding]:
    return list(islice(findings, MAX_PER_RULE))


def _description(doc: Document) -> list[Finding]:
    field = doc.fields.get("description")
    if field is None or not isinstance(field.value, str) or not field.value.strip():
        return []  # description-missing / -invalid say it
    name = doc.fields.get("name")
    name_words = set(_WORD.findall(str(name.value).lower())) if name else set()
    text = field.value
    findings = []
    problem = description_problem(text, name_words)
    if problem:
        findings.append(warning(field.line, field.col, "description-vacuous", problem))
    if any(not _LETTER.search(clause) for clause in _trigger_clauses(text)):
        message = 'the description\'s "Use when" clause has no words'
        findings.append(warning(field.line, field.col, "description-trigger-empty", message))
    return findings


def description_problem(text: str, name_words: set[str]) -> str | None:
    """Why `text` is a vacuous description for an agent named by `name_words`, or None."""
    words = _WORD.findall(_TRIGGER.sub(" ", text.lower()))
    content = [w for w in words if w not in name_words and w not in STOP_WORDS]
    if not any(not w.isdigit() for w in content):
        return "the description only repeats the agent's name: say what it does"
    if not any(_is_verb(w) for w in words):  # "use" of "use when" is no verb here
        return "the description has no verb: say what the agent does"
    return None


def _is_verb(word: str) -> bool:
    return word in COMMON_VERBS or _VERB_ENDING.fullmatch(word) is not None


def _trigger_clauses(text: str) -> Iterator[str]:
    """What follows the first "Use when" of each sentence, to the sentence's end."""
    for sentence in _SENTENCE_END.split(text):
        match = _TRIGGER.search(sentence)
        if match:
            yield sentence[match.end() :]


def _empty_when_lines(body: _Body) -> Iterator[Finding]:
    for match in _WHEN_LINE.finditer(body.text):
        if not _LETTER.search(match["rest"]):
            message = 'a "When:" line with no words'
            yield warning(body.line_number(match.start()), 1, "description-trigger-empty", message)


def _plain(text: str) -> str:
    return text.replace("`", "").replace("*", "").replace("_", " ").strip()


def _may_trail_off(text: str) -> bool:
    """False when the item has words and its last word cannot be a number or
    punctuation fragment (those end in one of `,;:.` and hold `,` or `;`)."""
    if not _LETTER.search(text):
        return True
    tail = text.rstrip(" \t`*_")
    if tail[-1:] not in _FRAGMENT_END:
        return False
    last = tail[max(tail.rfind(" "), tail.rfind("\t")) + 1 :]
    return "," in last or ";" in last


def _item(line: str) -> re.Match[str] | None:
    """The list item `line` is, or None: it starts with a blank, `-`, `*`, `+` or an ASCII
    digit (the sieves' `\\d` also takes other scripts' digits), and matches _ITEM."""
    if line[:1] in (" ", "\t") or line[:1] in "-*+0123456789":
        return _ITEM.fullmatch(line)
    return None


def _fragments(body: _Body) -> Iterator[Finding]:
    # The lines a sieve points at: items that may have no letter, and (searched from
    # the end, in the reversed text) lines whose last word may trail off.
    starts = {match.start() for match in _NO_LETTER_ITEM.finditer(body.text)}
    reversed_text = (body.text + "\n")[::-1]
    for match in _TRAILING_OFF_REVERSED.finditer(reversed_text):
        starts.add(body.text.rfind("\n", 0, len(body.text) - match.start()))
    for start in sorted(starts):
        line = body.line(start)
        item = _item(line)
        if item is None or not _may_trail_off(item["text"] or ""):
            continue
        if _RULE_CHARS.issuperset(line):
            continue  # a thematic break (`- - -`, `* * *`), not a list item
        text = _plain(item["text"] or "")
        last = text.rsplit(None, 1)[-1] if text else ""
        if not _LETTER.search(text):
            reason = "has no words (a bare number or punctuation)"
        elif _NUMBER_FRAGMENT.fullmatch(last) or _PUNCT_FRAGMENT.fullmatch(last):
            reason = f"trails off into {last!r}"
        else:
            continue
        yield warning(body.line_number(start), 1, "body-fragment", f"a list item that {reason}")


def _self_numbered(body: _Body) -> Iterator[Finding]:
    for match in _SELF_NUMBERED_ITEM.finditer(body.text):
        item = _item(body.line(match.start()))
        if item and item["number"] is not None and _OWN_NUMBER.match(item["text"] or ""):
            message = "a numbered list item that numbers itself again"
            number = body.line_number(match.start())
            yield warning(number, item.start("text") + 1, "list-self-numbered", message)


def _duplicate_parameters(body: _Body) -> Iterator[Finding]:
    if "`" not in body.text:
        return
    found = [(match.start(), match["name"]) for match in _PARAMETER_ITEM.finditer(body.text)]
    if len({name for _, name in found}) == len(found):
        return  # no name comes twice: the sections do not matter
    headings = [match.start() for match in _HEADING_LINE.finditer(body.text)]
    seen: dict[str, int] = {}
    section = 0
    numbers = body.line_numbers([start for start, _ in found])
    for (start, name), number in zip(found, numbers, strict=True):
        if bisect(headings, start) != section:  # a heading came between: a new section
            section, seen = bisect(headings, start), {}
        if name in seen:
            message = f"parameter `{name}` is defined twice in this section (line {seen[name]})"
            yield warning(number, 1, "parameter-duplicate", message)
        else:
            seen[name] = number
