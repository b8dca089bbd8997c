"""The model card's curation rules for harvested agent and skill files.

Source: the Qwen3-8B-LAM-v4 model card (chendren/lam-training), "Data curation":
`allowed-tools:` normalised to `tools:` in agents, author/version/licence boilerplate
stripped, markdown table rows removed (the `|---|` patterns caused repetition loops),
deduplicated by agent name, examples under 50 or over 30,000 characters dropped, and
(lam-bot's own reading of "curated") files the validator rejects with errors or flags
in its risk review (`risk-*` rules) dropped, and every file in the form `validate --fix`
writes, so the model never learns a form `validate` warns about.

Each text rule returns the new text and whether it changed anything, so the report can
count how many files each rule touched; each drop rule has an id in `DROP_RULES`.
"""

from __future__ import annotations

import re
from typing import NamedTuple

MIN_CHARS = 50
MAX_CHARS = 30_000

# id -> what the report says about it
EDIT_RULES = {
    "allowed-tools": "`allowed-tools:` renamed to `tools:` in an agent",
    "boilerplate": "author, version, licence lines stripped",
    "table-rows": "markdown table rows removed",
    "validator-fix": "`lam-bot validate --fix` rewrites applied",
}
DROP_RULES = {
    "unreadable": "the file is not UTF-8 text or is too large",
    "validator-errors": "the validator reports errors",
    "risk-findings": "the validator's risk review flags it",
    "duplicate-name": "an earlier file (path order) has the same name",
    "too-short": f"example under {MIN_CHARS} characters",
    "too-long": f"example over {MAX_CHARS:,} characters",
    "plan-unrecoverable": "no plan fits the schema (plan mode only)",
}

_BOILER_KEYS = r"author|authors|version|license|licence|copyright|maintainer|maintainers"
_BOILER_FIELD = re.compile(rf"^(?:{_BOILER_KEYS})\s*:", re.IGNORECASE)
_BOILER_LINE = re.compile(
    rf"^(?:[-*>]\s*)?(?:\*\*|__)?(?:{_BOILER_KEYS})(?:\*\*|__)?\s*:(?:\*\*|__)?\s|^(?:©|\(c\)\s)",
    re.IGNORECASE,
)
_TABLE_ROW = re.compile(r"^\s*\|.*\|\s*$")


class Split(NamedTuple):
    """A file's frontmatter lines (without the `---` fences) and body; no frontmatter: None."""

    frontmatter: list[str] | None
    body: str


def split_file(text: str) -> Split:
    """The frontmatter lines and the body of a markdown file."""
    lines = text.split("\n")
    if not lines or lines[0].rstrip() != "---":
        return Split(None, text)
    for at in range(1, len(lines)):
        if lines[at].rstrip() == "---":
            return Split(lines[1:at], "\n".join(lines[at + 1 :]))
    return Split(None, text)


def join_file(parts: Split) -> str:
    """The inverse of `split_file`."""
    if parts.frontmatter is None:
        return parts.body
    return "\n".join(["---", *parts.frontmatter, "---", parts.body])


def _top_level_key(line: str) -> str | None:
    match = re.match(r"^([A-Za-z][\w-]*)\s*:", line)
    return match.group(1).lower() if match else None


def normalise_allowed_tools(parts: Split, kind: str) -> tuple[Split, bool]:
    """Agents: `allowed-tools:` becomes `tools:` (dropped when `tools:` is there too)."""
    if kind != "agent" or parts.frontmatter is None:
        return parts, False
    keys = [_top_level_key(line) for line in parts.frontmatter]
    if "allowed-tools" not in keys:
        return parts, False
    if "tools" in keys:
        return Split(_drop_field(parts.frontmatter, "allowed-tools"), parts.body), True
    renamed = [re.sub(r"^allowed-tools(\s*:)", r"tools\1", line) for line in parts.frontmatter]
    return Split(renamed, parts.body), True


def _drop_field(lines: list[str], key: str) -> list[str]:
    """`lines` without the top-level field `key` and its indented continuation."""
    kept, dropping = [], False
    for line in lines:
        top = _top_level_key(line)
        if top is not None or not line.startswith((" ", "\t", "-")):
            dropping = top == key
        if not dropping:
            kept.append(line)
    return kept


def strip_boilerplate(parts: Split) -> tuple[Split, bool]:
    """Author, version, licence and copyright fields and body lines removed."""
    front = parts.frontmatter
    if front is not None:
        for key in {k for k in map(_top_level_key, front) if k and _BOILER_FIELD.match(k + ":")}:
            front = _drop_field(front, key)
    lines = parts.body.split("\n")
    fenced = _in_fences(lines)
    body = [
        line
        for line, code in zip(lines, fenced, strict=True)
        if code or not _BOILER_LINE.match(line)
    ]
    result = Split(front, "\n".join(body))
    return result, result != parts


def _in_fences(lines: list[str]) -> list[bool]:
    """For each line, whether it is inside (or is) a fenced code block's fence."""
    flags, fence = [], ""
    for line in lines:
        marker = line.lstrip()[:3]
        if not fence and marker in ("```", "~~~"):
            fence = marker
            flags.append(True)
        elif fence and marker == fence:
            fence = ""
            flags.append(True)
        else:
            flags.append(bool(fence))
    return flags


def remove_table_rows(parts: Split) -> tuple[Split, bool]:
    """Every markdown table row (`| a | b |`, `|---|---|`) removed from the body."""
    body = [line for line in parts.body.split("\n") if not _TABLE_ROW.match(line)]
    result = Split(parts.frontmatter, "\n".join(body))
    return result, result != parts


def curate_text(text: str, kind: str) -> tuple[str, tuple[str, ...]]:
    """`text` after the card's edit rules, and the ids of the rules that changed it."""
    parts = split_file(text)
    applied = []
    parts, changed = normalise_allowed_tools(parts, kind)
    if changed:
        applied.append("allowed-tools")
    parts, changed = strip_boilerplate(parts)
    if changed:
        applied.append("boilerplate")
    parts, changed = remove_table_rows(parts)
    if changed:
        applied.append("table-rows")
    curated = re.sub(r"\n{3,}", "\n\n", join_file(parts)) if applied else text
    return curated, tuple(applied)


def length_rule(chars: int) -> str | None:
    """The drop rule an example of `chars` characters breaks, if any."""
    if chars < MIN_CHARS:
        return "too-short"
    if chars > MAX_CHARS:
        return "too-long"
    return None
