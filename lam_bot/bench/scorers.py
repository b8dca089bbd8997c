"""The benchmark's scorers: plan mode on the raw reply, execution mode on the agent file.

Plan mode, 100 points, each item all or nothing (`PLAN_RUBRIC`):

- valid JSON (20): the reply, after an optional `<think>…</think>` prefix and code
  fence, holds a complete JSON object. A cut-off or broken reply is still scored on
  the other items: it is repaired by closing it after its last complete value.
- reasoning explains why (20): `reasoning` is a string of at least 50 characters (the
  seed's "reasoning too short" limit) that uses one of the seed's causal markers:
  because, since, allows, enables, ensures, in order to, so that, the reason.
- agent name and description (10): `agent.name` and `agent.description` are non-empty.
- tools with parameters (15): at least one tool, and every tool has a name and at
  least one parameter with a name and a type (the seed's "each tool must have at
  least 1 parameter").
- multi-step skills (15): at least one skill, and every skill has a name and at least
  two steps, each with an action (the seed's "each skill must have at least 2 steps").
- constraints (10): at least one constraint, all non-empty strings.
- architectural justification (10): the reasoning argues from the design, not just
  the behaviour: it names at least two distinct design elements, each one of a
  Claude Code tool (`Bash`, `Read`, … as written, from the catalog), one of the
  plan's own tools or skills (`check_stats`, `check-stats` or `check stats`), or a
  building block by kind (tool, skill, workflow, step, constraint, guardrail).
  The seed's example ("requires Bash for running docker stats, Read for checking
  thresholds") names two.

Execution mode: the reply must parse as a `Plan`; it is synthesised into an agent
file, and the validator's agent-file score (0–100) is the score; passing means 100.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from typing import Any, NamedTuple

from lam_bot.catalog import BUILTIN_TOOLS


class Criterion(NamedTuple):
    """One plan-mode rubric item."""

    key: str
    label: str
    points: int


PLAN_RUBRIC: tuple[Criterion, ...] = (
    Criterion("valid_json", "Valid JSON", 20),
    Criterion("reasoning", "Reasoning explains why", 20),
    Criterion("identity", "Agent name and description", 10),
    Criterion("tools", "Tools with parameters", 15),
    Criterion("skills", "Multi-step skills", 15),
    Criterion("constraints", "Constraints", 10),
    Criterion("justification", "Architectural justification", 10),
)
PASS_SCORE = 100
MIN_REASONING_CHARS = 50
WHY_MARKERS = re.compile(
    r"\b(because|since|allows|enables|ensures|in order to|so that|the reason)\b", re.IGNORECASE
)
BLOCK_WORDS = re.compile(r"\b(tool|skill|workflow|step|constraint|guardrail)s?\b", re.IGNORECASE)
# Tool names that are also everyday sentence openers ("Agent", "Monitor") prove nothing.
DESIGN_TOOLS = BUILTIN_TOOLS - {"Agent", "Monitor"}
TOOL_WORDS = re.compile(r"\b(" + "|".join(sorted(DESIGN_TOOLS)) + r")\b")
# Enough to repair any cut-off plan of the schema's size; bounds the work on junk.
MAX_REPAIRS = 64
THINK_END = "</think>"


class PlanScore(NamedTuple):
    """A plan-mode score with its points per rubric item."""

    score: int
    items: dict[str, int]
    valid_json: bool
    error: str | None


class ExecScore(NamedTuple):
    """An execution-mode score: the agent file's validator score."""

    score: int
    passed: bool
    agent: str | None
    items: dict[str, int]  # the validator's rubric: points per item
    diagnostics: tuple[str, ...]
    error: str | None


def strip_reply(text: str) -> str:
    """The reply without a `<think>…</think>` prefix or a surrounding code fence."""
    text = text.strip()
    if text.startswith("<think>"):
        end = text.find(THINK_END)
        text = "" if end < 0 else text[end + len(THINK_END) :].strip()
    if text.startswith("```"):
        text = text.partition("\n")[2]
        if text.rstrip().endswith("```"):
            text = text.rstrip()[:-3]
    return text.strip()


def parse_object(text: str) -> tuple[dict[str, Any] | None, bool]:
    """The reply's JSON object and whether it was complete, or a repaired partial one."""
    body = strip_reply(text)
    start = body.find("{")
    if start < 0:
        return None, False
    try:
        data, _ = json.JSONDecoder().raw_decode(body, start)
    except json.JSONDecodeError:
        return _repair(body[start:]), False
    return (data, True) if isinstance(data, dict) else (None, False)


def _repair(fragment: str) -> dict[str, Any] | None:
    for candidate in _repairs(fragment):
        try:
            data = json.loads(candidate)
        except json.JSONDecodeError:
            continue
        if isinstance(data, dict):
            return data
    return None


def _repairs(fragment: str) -> Iterator[str]:
    """Closed-off prefixes of a broken object, longest first, at most `MAX_REPAIRS`."""
    closers: list[str] = []
    cuts: list[tuple[int, str]] = []  # (prefix end, closing brackets); strings built lazily
    in_string = escaped = False
    for index, char in enumerate(fragment):
        if in_string:
            escaped, in_string = (False, True) if escaped else (char == "\\", char != '"')
        elif char == '"':
            in_string = True
        elif char in "{[":
            closers.append("}" if char == "{" else "]")
        elif char in "}]" and closers:
            closers.pop()
            cuts.append((index + 1, "".join(reversed(closers))))
        elif char == ",":
            cuts.append((index, "".join(reversed(closers))))
    yield fragment + ('"' if in_string else "") + "".join(reversed(closers))
    for end, closing in reversed(cuts[-MAX_REPAIRS:]):
        yield fragment[:end] + closing


def _text(value: object) -> bool:
    return isinstance(value, str) and bool(value.strip())


def _dicts(value: object) -> list[dict[str, Any]] | None:
    """A non-empty list of objects, or None."""
    if isinstance(value, list) and value and all(isinstance(item, dict) for item in value):
        return value
    return None


def _reasoning(data: dict[str, Any]) -> str:
    value = data.get("reasoning")
    return value if isinstance(value, str) else ""


def _agent(data: dict[str, Any]) -> dict[str, Any]:
    value = data.get("agent")
    return value if isinstance(value, dict) else {}


def explains_why(data: dict[str, Any]) -> bool:
    """Reasoning long enough and causal."""
    reasoning = _reasoning(data).strip()
    return len(reasoning) >= MIN_REASONING_CHARS and bool(WHY_MARKERS.search(reasoning))


def has_identity(data: dict[str, Any]) -> bool:
    """The agent has a name and a description."""
    agent = _agent(data)
    return _text(agent.get("name")) and _text(agent.get("description"))


def _every(value: object, ok: Callable[[dict[str, Any]], bool], least: int = 1) -> bool:
    """`value` is a list of at least `least` objects, each of them `ok`."""
    items = _dicts(value)
    return items is not None and len(items) >= least and all(ok(item) for item in items)


def _parameter_ok(parameter: dict[str, Any]) -> bool:
    return _text(parameter.get("name")) and _text(parameter.get("type"))


def _tool_ok(tool: dict[str, Any]) -> bool:
    return _text(tool.get("name")) and _every(tool.get("parameters"), _parameter_ok)


def _skill_ok(skill: dict[str, Any]) -> bool:
    steps_ok = _every(skill.get("steps"), lambda step: _text(step.get("action")), least=2)
    return _text(skill.get("name")) and steps_ok


def has_tools(data: dict[str, Any]) -> bool:
    """Every tool is named and has typed, named parameters."""
    return _every(_agent(data).get("tools"), _tool_ok)


def has_skills(data: dict[str, Any]) -> bool:
    """Every skill is named and has at least two steps with actions."""
    return _every(_agent(data).get("skills"), _skill_ok)


def has_constraints(data: dict[str, Any]) -> bool:
    """At least one constraint, all non-empty strings."""
    constraints = _agent(data).get("constraints")
    return isinstance(constraints, list) and bool(constraints) and all(map(_text, constraints))


def justifies_architecture(data: dict[str, Any]) -> bool:
    """The reasoning names at least two distinct design elements."""
    return len(design_elements(data)) >= 2


def design_elements(data: dict[str, Any]) -> set[str]:
    """The design elements the reasoning names (see the module docstring)."""
    reasoning = _reasoning(data)
    found = {match.lower() for match in BLOCK_WORDS.findall(reasoning)}
    found |= set(TOOL_WORDS.findall(reasoning))
    agent = _agent(data)
    for block in ("tools", "skills"):
        for item in _dicts(agent.get(block)) or []:
            if _name_in(item.get("name"), reasoning):
                found.add(f"{block}:{item['name']}")
    return found


def _name_in(name: object, reasoning: str) -> bool:
    """`check_memory` counts as written `check_memory`, `check-memory` or `check memory`."""
    if not _text(name):
        return False
    words = [word for word in re.split(r"[\s_-]+", str(name).strip()) if word]
    pattern = r"\b" + r"[\s_-]".join(map(re.escape, words)) + r"\b"
    return re.search(pattern, reasoning, re.IGNORECASE) is not None


CHECKS = {
    "reasoning": explains_why,
    "identity": has_identity,
    "tools": has_tools,
    "skills": has_skills,
    "constraints": has_constraints,
    "justification": justifies_architecture,
}


def score_plan(text: str) -> PlanScore:
    """Score a raw model reply with the plan-mode rubric."""
    data, complete = parse_object(text)
    passed = {"valid_json": complete}
    passed.update({key: data is not None and check(data) for key, check in CHECKS.items()})
    items = {item.key: item.points if passed[item.key] else 0 for item in PLAN_RUBRIC}
    error = None if complete else _json_error(text, data)
    return PlanScore(sum(items.values()), items, complete, error)


def _json_error(text: str, data: dict[str, Any] | None) -> str:
    if not strip_reply(text):
        return "empty reply"
    return "invalid JSON (scored a repaired prefix)" if data is not None else "no JSON object"


def score_agent(text: str) -> ExecScore:
    """Parse, synthesise and validate: the execution-mode score of a raw reply."""
    from lam_bot.errors import GenerationError, InputError
    from lam_bot.plan import parse_plan
    from lam_bot.synthesize import agent_filename, synthesize
    from lam_bot.validator import check_text

    try:
        plan = parse_plan(text)
        synthesis = synthesize(plan)
    except (GenerationError, InputError) as exc:
        return ExecScore(0, False, None, {}, (), str(exc))
    result = check_text(synthesis.text, path=agent_filename(plan.agent.name), kind="agent")
    score = result.score or 0
    notes = tuple(f"{d.severity} {d.rule}: {d.message}" for d in result.diagnostics)
    passed = score >= PASS_SCORE and not result.errors
    items = {item.key: item.points for item in result.rubric}
    return ExecScore(score, passed, plan.agent.name, items, notes, None)
