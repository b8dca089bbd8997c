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
what people write by hand. Each test reads lines with str methods and anchored regexes
whose repetitions are bounded, so its cost is linear in the file.
"""

from __future__ import annotations

import re
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
_WHEN_LINE = re.compile(r"[ \t]{0,3}(?:[Ww]hen|WHEN):")
_SENTENCE_END = re.compile(r"[.!?;](?:[ \t]|$)|\n")
_LETTER = re.compile(r"[^\W\d_]")
_ITEM = re.compile(r"[ \t]{0,12}(?:[-*+]|(?P<number>\d{1,3})[.)])(?:[ \t]+(?P<text>[^\n]*)|$)")
_OWN_NUMBER = re.compile(r"\d{1,3}[.)](?:[ \t]|$)")
_NUMBER_FRAGMENT = re.compile(r"\d{0,12}[,;][,;]{0,12}\.?")
_PUNCT_FRAGMENT = re.compile(r"[,;:.]{0,12}[,;][,;:.]{0,12}")
_PARAMETER = re.compile(
    r"(?:(?:parameter|param|input|argument|arg|option)[ \t]{1,4})?`(?P<name>[^`\n]{1,80})`"
    r"(?:[ \t]\(|:)",
    re.IGNORECASE,
)
_RULE_CHARS = frozenset("-*_ \t")
_FRAGMENT_END = frozenset(",;:.")
_HEADING = re.compile(r"[ \t]{0,3}#{1,6}(?:[ \t]|$)")


def check_vacuous(doc: Document) -> list[Finding]:
    """Vacuous-content findings for an agent (see the module docstring for each test)."""
    lines = blank_fences(doc.body).split("\n")
    first = doc.body_line
    items = list(_items(lines))
    return [
        *_description(doc),
        *_capped(_empty_when_lines(lines, first)),
        *_capped(_fragments(items, lines, first)),
        *_capped(_self_numbered(items, first)),
        *_capped(_duplicate_parameters(lines, first)),
    ]


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


def _empty_when_lines(lines: list[str], first: int) -> Iterator[Finding]:
    if not any("when:" in line or "When:" in line or "WHEN:" in line for line in lines):
        return
    for number, line in enumerate(lines):
        match = _WHEN_LINE.match(line)
        if match and not _LETTER.search(line, match.end()):
            message = 'a "When:" line with no words'
            yield warning(first + number, 1, "description-trigger-empty", message)


def _items(lines: list[str]) -> Iterator[tuple[int, re.Match[str]]]:
    """(line index, match) of each list item line."""
    for number, line in enumerate(lines):
        if line[:1] == " " or line[:1] == "\t" or line[:1] in "-*+0123456789":
            match = _ITEM.fullmatch(line)
            if match:
                yield number, match


def _plain(text: str) -> str:
    return text.replace("`", "").replace("*", "").replace("_", " ").strip()


def _may_trail_off(text: str) -> bool:
    """A sieve for `_fragments`: False when the item has words and its last word cannot
    be a number or punctuation fragment (those end in one of `,;:.` and hold `,` or `;`)."""
    if not _LETTER.search(text):
        return True
    tail = text.rstrip(" \t`*_")
    if tail[-1:] not in _FRAGMENT_END:
        return False
    last = tail[max(tail.rfind(" "), tail.rfind("\t")) + 1 :]
    return "," in last or ";" in last


def _fragments(
    items: list[tuple[int, re.Match[str]]], lines: list[str], first: int
) -> Iterator[Finding]:
    for number, item in items:
        if not _may_trail_off(item["text"] or ""):
            continue  # the common case: an item that ends in words
        if _RULE_CHARS.issuperset(lines[number]):
            continue  # a thematic break (`- - -`, `* * *`), not a list item
        text = _plain(item["text"] or "")
        last = text.rsplit(None, 1)[-1] if text else ""
        if not _LETTER.search(text):
            reason = "has no words (a bare number or punctuation)"
        elif _NUMBER_FRAGMENT.fullmatch(last) or _PUNCT_FRAGMENT.fullmatch(last):
            reason = f"trails off into {last!r}"
        else:
            continue
        yield warning(first + number, 1, "body-fragment", f"a list item that {reason}")


def _self_numbered(items: list[tuple[int, re.Match[str]]], first: int) -> Iterator[Finding]:
    for number, item in items:
        if item["number"] is not None and _OWN_NUMBER.match(item["text"] or ""):
            message = "a numbered list item that numbers itself again"
            yield warning(first + number, item.start("text") + 1, "list-self-numbered", message)


def _duplicate_parameters(lines: list[str], first: int) -> Iterator[Finding]:
    if not any("`" in line for line in lines):
        return
    seen: dict[str, int] = {}
    for number, line in enumerate(lines):
        if _HEADING.match(line):
            seen = {}
            continue
        item = _ITEM.fullmatch(line) if line.lstrip()[:1] in ("-", "*", "+") else None
        parameter = _PARAMETER.match(item["text"] or "") if item else None
        if parameter is None:
            continue
        name = parameter["name"]
        if name in seen:
            message = f"parameter `{name}` is defined twice in this section (line {seen[name]})"
            yield warning(first + number, 1, "parameter-duplicate", message)
        else:
            seen[name] = first + number
