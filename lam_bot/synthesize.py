"""Synthesis, the seed's execution mode: a plan becomes a Claude Code agent file.

The frontmatter goes through a YAML emitter (never string concatenation); the body
has a role statement and `## Tools`, `## Process`, `## Constraints`, `## Output`.
Plan strings are untrusted model output: each is folded to one line without control
characters, so no field can open a heading, a table or a second frontmatter.

A complete plan always yields a file the validator scores 100 with no warning, even
when the model loops: a phrase of up to PHRASE_MAX_WORDS words repeated back to back
three times or more (one fewer than the validator's PHRASE_MIN_REPEATS) is collapsed to
one copy in each field, and again over each finished body line, because fields joined
on one line (a step's action and its on_failure) can add up to a runaway; duplicate
constraints and steps are dropped, and a body line equal to the two before it is left out.

The tool allowlist is derived deterministically and least-privilege:
1. keyword rules (`TOOL_RULES`) over the plan's tool descriptions, step actions and
   reasoning: runs a command or CLI → Bash; reads or inspects files → Read, Grep,
   Glob; creates files → Write; modifies files → Edit; calls a URL or API → WebFetch;
   searches the web → WebSearch; delegates to other agents → Agent;
2. catalog tool names the reasoning grants in the seed model's own phrasing
   ("requires Bash for running docker stats, Read for checking thresholds"): matched
   case-sensitively as whole words, not as the first word of a sentence (where
   "Read", "Write" or "Agent" is an ordinary word);
3. Read, Grep, Glob when nothing else applies.
Only catalog tools a subagent may hold are ever granted; each grant keeps its reason.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Iterable
from pathlib import Path
from typing import NamedTuple

import yaml

from lam_bot.catalog import BUILTIN_TOOLS, NOT_FOR_SUBAGENTS
from lam_bot.errors import InputError
from lam_bot.plan import (
    AGENT_NAME_PATTERN,
    Parameter,
    Plan,
    Skill,
    Step,
    ToolSpec,
    is_windows_reserved,
)
from lam_bot.validator.content import MIN_REPEAT_LINE, PHRASE_MAX_WORDS, PHRASE_MIN_REPEATS


class Grant(NamedTuple):
    """A Claude Code tool in the allowlist and why it is there."""

    tool: str
    reason: str


class Synthesis(NamedTuple):
    """The agent file's text and its tool grants."""

    text: str
    grants: tuple[Grant, ...]


class ToolRule(NamedTuple):
    """Claude Code tools granted when `pattern` matches the plan's text."""

    tools: tuple[str, ...]
    label: str
    pattern: re.Pattern[str]


def _rule(tools: str, label: str, pattern: str) -> ToolRule:
    return ToolRule(tuple(tools.split()), label, re.compile(pattern, re.IGNORECASE))


_CLIS = (
    r"docker|kubectl|helm|git|gh|npm|npx|yarn|pnpm|pip|pytest|make|cargo|go test|terraform"
    r"|ansible|aws|gcloud|az|psql|mysql|redis-cli|curl|ssh|systemctl|journalctl|ruff|mypy"
)
TOOL_RULES: tuple[ToolRule, ...] = (
    _rule(
        "Bash",
        "runs a command",
        rf"\b(runs?|running|execut\w*|invok\w*) (a |the )?(shell |cli )?(commands?|scripts?"
        rf"|cli|tests?|linters?|builds?)\b|\b(shell|command[- ]line|cli|bash)\b|\b({_CLIS})\b",
    ),
    _rule(
        "Read Grep Glob",
        "reads or inspects files",
        r"\b(reads?|reading|inspects?|inspecting|scans?|scanning|pars(e|es|ing)|analy[sz]\w*"
        r"|review\w*|search(es|ing)? (the )?(code|repo\w*|files?|logs?)|grep\w*|find\w* files?"
        r"|check\w* (the )?(files?|code|config\w*|logs?))\b",
    ),
    _rule(
        "Write",
        "creates new files",
        r"\b(creat\w*|writ(e|es|ing)|generat\w*|sav(e|es|ing)|produc\w*) (a |an |the |new )?"
        r"(\w+ )?(files?|reports? files?|documents?|markdown|json|yaml|configs?)\b",
    ),
    _rule(
        "Edit",
        "modifies existing files",
        r"\b((modif|edit|updat|patch|rewrit|chang)\w* (the |a |an |existing )?(\w+ )?(files?"
        r"|code|config\w*|sources?|docs?|documentation|readme|manifests?|yaml|json)|refactor\w*"
        r"|apply\w* (the )?(changes?|fix\w*|patch\w*)|fix\w* (the )?(bugs?|code|issues?))\b",
    ),
    _rule(
        "WebFetch",
        "calls a URL or API",
        r"\b(urls?|https?://|apis?|endpoints?|webhooks?|https?|rest api|fetch\w*|download\w*)\b",
    ),
    _rule(
        "WebSearch",
        "searches the web",
        r"\b(search\w* (the )?(web|internet|online)|web search\w*|look\w* up online)\b",
    ),
    _rule(
        "Agent",
        "delegates to other agents",
        r"\b(delegat\w*|sub-?agents?|other agents|orchestrat\w*|dispatch\w* (to )?agents?)\b",
    ),
)

FALLBACK_TOOLS = ("Read", "Grep", "Glob")
TOOL_ORDER = ("Read", "Grep", "Glob", "Bash", "Edit", "Write", "WebFetch", "WebSearch", "Agent")
GRANTABLE = BUILTIN_TOOLS - NOT_FOR_SUBAGENTS
_SENTENCE_START = re.compile(r"(^|[.!?:;]\s+|\n\s*)$")
_NAME_PATTERN = re.compile(AGENT_NAME_PATTERN)


# Collapsing at one copy fewer than the validator flags keeps every field at most two
# copies deep, so no single field can trip it.
COLLAPSE_REPEATS = PHRASE_MIN_REPEATS - 1


def collapse_repeats(words: list[str]) -> list[str]:
    """`words` with every phrase repeated COLLAPSE_REPEATS+ times in a row cut to one copy."""
    while True:
        collapsed = _collapse_once(words)
        if len(collapsed) == len(words):  # a fixpoint: no phrase repeats anywhere
            return collapsed
        words = collapsed


def _collapse_once(words: list[str]) -> list[str]:
    lower = [word.lower() for word in words]  # the validator compares lowercased words
    kept, at = [], 0
    while at < len(words):
        size, copies = _repeat_at(lower, at)
        kept += words[at : at + size]
        at += size * copies
    return kept


def _repeat_at(lower: list[str], at: int) -> tuple[int, int]:
    """(phrase size, copies) of the shortest phrase repeated enough at `at`, else (1, 1)."""
    for size in range(1, PHRASE_MAX_WORDS + 1):
        phrase, copies = lower[at : at + size], 1
        while lower[at + size * copies : at + size * (copies + 1)] == phrase:
            copies += 1
        if copies >= COLLAPSE_REPEATS and len(phrase) == size:
            return size, copies
    return 1, 1


def one_line(text: str, limit: int | None = None) -> str:
    """`text` folded to one line: no control or format characters, single spaces, no loops."""
    kept = "".join(c if unicodedata.category(c)[0] != "C" else " " for c in text)
    folded = " ".join(collapse_repeats(kept.split()))
    if limit is not None and len(folded) > limit:
        folded = folded[: limit - 1].rstrip() + "…"
    return folded


def _snippet(text: str, start: int, end: int, width: int = 30) -> str:
    """The words around text[start:end], within its sentence, for a grant's reason."""
    begin = max([0, *(m.end() for m in re.finditer(r"[.!?;]\s", text[:start]))])
    stop = re.search(r"[.!?;](\s|$)", text[end:])
    finish = end + stop.start() if stop else len(text)
    left, right = max(begin, start - width), min(finish, end + width)
    piece = text[left:right]
    if left > begin:  # cut mid-sentence: drop the partial word
        piece = "…" + piece.split(" ", 1)[-1]
    if right < finish:
        piece = piece.rsplit(" ", 1)[0] + "…"
    return one_line(piece)


def _sources(plan: Plan) -> list[str]:
    agent = plan.agent
    texts = [f"{tool.name} {tool.description}" for tool in agent.tools]
    texts += [step.action for skill in agent.skills for step in skill.steps]
    return [*texts, plan.reasoning]


def keyword_grants(texts: Iterable[str]) -> list[Grant]:
    """Grants from `TOOL_RULES`, each with the phrase that triggered it."""
    grants: list[Grant] = []
    for rule in TOOL_RULES:
        for text in texts:
            match = rule.pattern.search(text.replace("_", " "))
            if match:
                reason = f'{rule.label}: "{_snippet(text, match.start(), match.end())}"'
                grants += [Grant(tool, reason) for tool in rule.tools]
                break
    return grants


def reasoning_grants(reasoning: str) -> list[Grant]:
    """Catalog tools the reasoning names, as whole case-sensitive words mid-sentence."""
    grants = []
    for match in re.finditer(r"\b[A-Z][A-Za-z]+\b", reasoning):
        name = match.group()
        if name in GRANTABLE and not _SENTENCE_START.search(reasoning[: match.start()]):
            phrase = _snippet(reasoning, match.start(), match.end())
            grants.append(Grant(name, f'named in the reasoning: "{phrase}"'))
    return grants


def _order(name: str) -> tuple[int, str]:
    return (TOOL_ORDER.index(name) if name in TOOL_ORDER else len(TOOL_ORDER), name)


def derive_grants(plan: Plan) -> tuple[Grant, ...]:
    """The least-privilege allowlist for `plan`, first reason per tool kept."""
    chosen: dict[str, Grant] = {}
    for grant in [*reasoning_grants(plan.reasoning), *keyword_grants(_sources(plan))]:
        if grant.tool in GRANTABLE:
            chosen.setdefault(grant.tool, grant)
    if not chosen:
        reason = "nothing in the plan needs more than reading the project"
        chosen = {tool: Grant(tool, reason) for tool in FALLBACK_TOOLS}
    return tuple(sorted(chosen.values(), key=lambda grant: _order(grant.tool)))


def agent_filename(name: str) -> str:
    """The agent file's name: `<name>.md`.

    InputError for anything but a valid agent name, and for names Windows reserves
    for devices (`con`, `nul`, `com1`…; plan.WINDOWS_RESERVED), which a Windows
    checkout cannot hold as files whatever their extension.
    """
    if not _NAME_PATTERN.fullmatch(name) or len(name) > 64:
        raise InputError(f"not a valid agent name: {name!r} (lowercase letters, digits, hyphens)")
    if is_windows_reserved(name):
        raise InputError(f"{name!r} is a reserved file name on Windows: choose another agent name")
    return f"{name}.md"


def safe_agent_path(out_dir: Path, name: str) -> Path:
    """`<out_dir>/<name>.md`, guaranteed inside `out_dir` (InputError on traversal)."""
    root = out_dir.resolve()
    path = (root / agent_filename(name)).resolve()
    if path.parent != root:
        raise InputError(f"agent path for {name!r} escapes {out_dir}")
    return path


def _sentence(text: str) -> str:
    text = one_line(text).rstrip(" .")
    return f"{text}." if text else ""


def _paragraph(text: str) -> str:
    """A sentence that stands on its own line: a leading code fence is escaped, so text
    from the plan cannot turn the rest of the prompt into a code block."""
    sentence = _sentence(text)
    return "\\" + sentence if sentence.startswith(("```", "~~~")) else sentence


def _trigger(text: str) -> str:
    text = one_line(text).rstrip(" .")
    text = re.sub(r"^(use )?(when|whenever|if)\s+", "", text, flags=re.IGNORECASE)
    if text[:1].isupper() and text[1:2].islower():
        text = text[0].lower() + text[1:]
    return text


def describe(plan: Plan) -> str:
    """The frontmatter description: what the agent does, then "Use when …" from triggers."""
    agent = plan.agent
    what = _sentence(agent.description) or _sentence(agent.role) or f"The {agent.name} agent."
    triggers = list(dict.fromkeys(t for t in (_trigger(s.trigger) for s in agent.skills) if t))
    if not triggers:
        return what
    return f"{what} Use when {', or when '.join(triggers)}."


def frontmatter(plan: Plan, grants: tuple[Grant, ...]) -> str:
    """The YAML frontmatter block, emitted by PyYAML."""
    fields = {
        "name": plan.agent.name,
        "description": describe(plan),
        "tools": ", ".join(grant.tool for grant in grants),
        "model": "inherit",
    }
    dumped = yaml.safe_dump(fields, sort_keys=False, allow_unicode=True, width=1_000_000)
    return f"---\n{dumped}---\n"


def code(name: str) -> str:
    """`name` on one line as a Markdown code span, backticks inside it kept (CommonMark)."""
    text = one_line(name)
    if "`" not in text:
        return f"`{text}`"
    fence = "`" * (max(len(run) for run in re.findall(r"`+", text)) + 1)
    return f"{fence} {text} {fence}"


def _value(value: object) -> str:
    if isinstance(value, str):
        return one_line(value)
    return one_line(json.dumps(value, ensure_ascii=False))


def _parameter(param: Parameter) -> str:
    need = "required" if param.required else "optional"
    return f"{code(param.name)} ({param.type}, {need}): {one_line(param.description)}"


def _tool_section(tool: ToolSpec, grants: tuple[Grant, ...]) -> list[str]:
    granted = {grant.tool for grant in grants}
    carriers = [g.tool for g in keyword_grants([f"{tool.name} {tool.description}"])]
    carriers = [t for t in dict.fromkeys(carriers) if t in granted] or [grants[0].tool]
    lines = [f"### {code(tool.name)}", "", _paragraph(tool.description)]
    lines += [f"- Parameter {_parameter(param)}" for param in tool.parameters]
    lines += [f"- Returns: {one_line(tool.returns)}", f"- Carry it out with: {', '.join(carriers)}"]
    return [*lines, ""]


def _step(number: int, step: Step) -> str:
    line = f"{number}. {_sentence(step.action)}"
    if step.tool:
        line += f" Use {code(step.tool)}."
    if step.input:
        entries = [f"{code(key)} = {_value(value)}" for key, value in step.input.items()]
        line += f" Input: {'; '.join(entries)}."
    if step.on_failure:
        line += f" If it fails: {_sentence(step.on_failure)}"
    return line


def _unique(steps: list[Step]) -> list[Step]:
    """The steps without exact repeats (a looping model writes the same step again)."""
    seen: dict[tuple[str, str | None, str, str | None], Step] = {}
    for step in steps:
        given = json.dumps(step.input, sort_keys=True)
        seen.setdefault((one_line(step.action), step.tool, given, step.on_failure), step)
    return list(seen.values())


def _skill_section(skill: Skill) -> list[str]:
    lines = [f"### {one_line(skill.name)}", "", _paragraph(skill.description), ""]
    lines.append(f"When: {_sentence(skill.trigger)}")
    lines += [f"- Input {_parameter(param)}" for param in skill.inputs]
    lines += ["", "Steps:", ""]
    lines += [_step(number, step) for number, step in enumerate(_unique(skill.steps), 1)]
    return [*lines, ""]


def body(plan: Plan, grants: tuple[Grant, ...]) -> str:
    """The agent's system prompt."""
    agent = plan.agent
    role = one_line(agent.role).rstrip(" .")
    lines = [f"You are {agent.name}, acting as: {role}.", "", _paragraph(agent.description), ""]
    lines += ["## Tools", "", "Claude Code tools granted:", ""]
    lines += [f"- {grant.tool}: {grant.reason}" for grant in grants]
    lines.append("")
    for tool in agent.tools:
        lines += _tool_section(tool, grants)
    lines += ["## Process", ""]
    for skill in agent.skills:
        lines += _skill_section(skill)
    lines += ["## Constraints", ""]
    lines += [f"- {_sentence(c)}" for c in dict.fromkeys(one_line(c) for c in agent.constraints)]
    lines += ["", "## Output", ""]
    lines += [f"- {one_line(skill.name)}: {_sentence(skill.output)}" for skill in agent.skills]
    return "\n".join(tidy_lines(lines)) + "\n"


def tidy_lines(lines: list[str]) -> list[str]:
    """Lines with runaway phrases collapsed and no line equal to the two before it."""
    kept: list[str] = []
    recent: list[str] = []  # the last non-blank lines, as the validator compares them
    for line in lines:
        if line.strip():
            indent = line[: len(line) - len(line.lstrip())]
            line = indent + " ".join(collapse_repeats(line.split()))
            stripped = line.strip()
            if len(stripped) >= MIN_REPEAT_LINE and recent[-2:] == [stripped, stripped]:
                continue
            recent.append(stripped)
        kept.append(line)
    return kept


def synthesize(plan: Plan) -> Synthesis:
    """The agent file for `plan` and the tools it grants."""
    agent_filename(plan.agent.name)  # the schema already enforces it; fail early if not
    grants = derive_grants(plan)
    return Synthesis(frontmatter(plan, grants) + "\n" + body(plan, grants), grants)
