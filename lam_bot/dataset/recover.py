"""The inverse of synthesis: an agent file back to the plan that made it.

`recover_plan` reads the layout `lam_bot.synthesize` writes (role line, description
paragraph, `## Tools` with one `### \\`tool\\`` section each, `## Process` with one
`### skill` section each, `## Constraints`, `## Output`) and returns the plan, so for
the generator's own output `recover_plan(synthesize(plan).text) == plan` whenever the
plan's strings are already in the form synthesis writes them (one line, no trailing
full stop; see tests/dataset/test_recover.py). The reasoning is not part of the file:
unless a `## Reasoning` section carries it, it is rebuilt from the tool grants.

Files written by people have no such layout: `guess_plan` makes a best-effort plan
from the frontmatter (name, description, tools) and the body (the `You are …` line,
subsections with lists as skills, rule-like bullets as constraints), or returns None
when the file has no list to turn into steps.
"""

from __future__ import annotations

import json
import re
from functools import cache
from typing import Any

from pydantic import ValidationError

from lam_bot.plan import AGENT_NAME_PATTERN, Plan, plan_json_schema
from lam_bot.synthesize import one_line

_ROLE = re.compile(r"^You are (?P<name>[a-z0-9-]+), acting as: (?P<role>.*)\.$")
# `synthesize.code`: a code span whose fence is one backtick longer than any run inside.
_CODE = r"(?P<{0}>(?P<{0}_fence>`+).+?(?P={0}_fence))"
_TYPES = "string|integer|number|boolean|array|object"
_PARAM = re.compile(
    rf"^- (?:Parameter|Input) {_CODE.format('name')} \((?P<type>{_TYPES}), "
    r"(?P<need>required|optional)\): (?P<description>.*)$"
)
_STEP = re.compile(
    rf"^\d+\. (?P<action>.*?)\.(?: Use {_CODE.format('tool')}\.)?(?: Input: (?P<input>.*?)\.)?"
    r"(?: If it fails: (?P<on_failure>.*)\.)?$"
)
_ENTRY = re.compile(rf"^{_CODE.format('key')} = (?P<value>.*)$", re.DOTALL)
_GRANT = re.compile(r"^- (?P<tool>[A-Za-z]+): (?P<reason>.*)$")


def _uncode(span: str) -> str:
    """The text `synthesize.code` put in a code span."""
    fence = len(span) - len(span.lstrip("`"))
    inner = span[fence:-fence]
    return inner[1:-1] if fence > 1 else inner


def _unsentence(line: str) -> str:
    """The text `synthesize._paragraph` turned into this sentence."""
    if line.startswith(("\\```", "\\~~~")):
        line = line[1:]
    return line.removesuffix(".")


def _sections(body: str, level: str) -> dict[str, list[str]]:
    """Lines under each `level` heading (e.g. '## '), keyed by heading text."""
    sections: dict[str, list[str]] = {}
    current: list[str] | None = None
    for line in body.split("\n"):
        if line.startswith(level) and not line.startswith(level + "#"):
            current = sections.setdefault(line[len(level) :].strip(), [])
        elif current is not None:
            current.append(line)
    return sections


def _blocks(lines: list[str]) -> list[list[str]]:
    """The `### ` subsections of a section, each with its heading line first."""
    blocks: list[list[str]] = []
    for line in lines:
        if line.startswith("### "):
            blocks.append([line])
        elif blocks:
            blocks[-1].append(line)
    return blocks


def _texts(lines: list[str]) -> list[str]:
    return [line for line in lines if line.strip()]


def _parameter(line: str) -> dict[str, Any] | None:
    match = _PARAM.match(line)
    if match is None:
        return None
    found = match.groupdict()
    return {
        "name": _uncode(found["name"]),
        "type": found["type"],
        "description": found["description"],
        "required": found["need"] == "required",
    }


def _tool(block: list[str]) -> dict[str, Any]:
    lines = _texts(block)
    returns = next(line[len("- Returns: ") :] for line in lines if line.startswith("- Returns: "))
    return {
        "name": _uncode(lines[0][len("### ") :]),
        "description": _unsentence(lines[1]),
        "parameters": [p for p in map(_parameter, lines[2:]) if p],
        "returns": returns,
    }


def _value(text: str) -> Any:
    """A step input's value: JSON for what synthesis dumped as JSON, else the string."""
    try:
        value = json.loads(text)
    except ValueError:
        return text
    return text if isinstance(value, str) else value


def _input(text: str | None) -> dict[str, Any] | None:
    if text is None:
        return None
    entries = [_ENTRY.match(entry) for entry in re.split(r"; (?=`)", text)]
    return {_uncode(e.group("key")): _value(e.group("value")) for e in entries if e}


def _step(line: str) -> dict[str, Any] | None:
    match = _STEP.match(line)
    if match is None:
        return None
    found = match.groupdict()
    return {
        "action": found["action"],
        "tool": _uncode(found["tool"]) if found["tool"] else None,
        "input": _input(found["input"]),
        "on_failure": found["on_failure"],
    }


def _skill(block: list[str], output: str) -> dict[str, Any]:
    lines = _texts(block)
    name = lines[0][len("### ") :]
    trigger = next(line[len("When: ") :] for line in lines if line.startswith("When: "))
    steps_at = lines.index("Steps:")
    return {
        "name": name,
        "description": _unsentence(lines[1]),
        "trigger": _unsentence(trigger),
        "inputs": [p for p in map(_parameter, lines[2:steps_at]) if p],
        "steps": [s for s in map(_step, lines[steps_at + 1 :]) if s],
        "output": _unsentence(output.removeprefix(f"{name}: ")),
    }


def _bullets(lines: list[str]) -> list[str]:
    return [line[2:] for line in lines if line.startswith("- ")]


def _reasoning(sections: dict[str, list[str]], tools: list[str]) -> str:
    written = " ".join(_texts(sections.get("Reasoning", [])))
    if written:
        return written
    grants = [m.group("tool", "reason") for m in map(_GRANT.match, tools) if m]
    text = "; ".join(f"{tool} ({reason})" for tool, reason in grants)
    granted = f"The agent is granted {text}." if text else "The agent reads the project."
    return _fit_field(granted, "Plan.reasoning")


def synthesized_plan(text: str) -> dict[str, Any] | None:
    """The plan dictionary behind a file in synthesis' layout, or None for another layout."""
    body = text.split("\n---\n", 1)[-1].strip("\n")
    lines = body.split("\n")
    role = _ROLE.match(lines[0]) if lines else None
    sections = _sections(body, "## ")
    if role is None or not {"Tools", "Process", "Constraints", "Output"} <= set(sections):
        return None
    try:
        agent = {
            "name": role.group("name"),
            "description": _unsentence(_texts(lines[1:])[0]),
            "role": role.group("role"),
            "tools": [_tool(block) for block in _blocks(sections["Tools"])],
            "skills": [
                _skill(block, output)
                for block, output in zip(
                    _blocks(sections["Process"]), _bullets(sections["Output"]), strict=True
                )
            ],
            "constraints": [_unsentence(c) for c in _bullets(sections["Constraints"])],
        }
    except (StopIteration, ValueError, IndexError):
        return None
    return {"reasoning": _reasoning(sections, sections["Tools"]), "agent": agent}


def recover_plan(text: str, fields: dict[str, Any] | None = None, stem: str = "") -> Plan | None:
    """The plan for an agent file: exact for synthesis' layout, else a best-effort guess
    (`fields`: the parsed frontmatter if already at hand; `stem`: the file name without
    `.md`, the name of last resort)."""
    data = synthesized_plan(text)
    if data is not None:
        try:
            return Plan.model_validate(data)
        except ValidationError:
            pass
    return guess_plan(text, fields, stem)


# --- files written by people -------------------------------------------------------

_WORD = re.compile(r"[a-z0-9]+")
# A hand-written file's skills and constraints: the first few, as a model would write.
MAX_GUESSED_SKILLS = 4
MAX_GUESSED_CONSTRAINTS = 6
_EXAMPLE = re.compile(r"<(example|commentary)>.*?(</\1>|$)", re.DOTALL | re.IGNORECASE)
_YOU_ARE = re.compile(r"^You are (?:an? |the )?(?P<role>[^.\n]+)", re.MULTILINE)
_RULE_HEADING = re.compile(
    r"constraint|rule|guideline|boundar|limit|never|don't|do not|safety|principle|trait"
    r"|best practice|standard|checklist",
    re.I,
)
_RULE_WORDS = re.compile(
    r"\b(never|always|do not|don't|must|only|avoid|ensure|prefer|should)\b", re.IGNORECASE
)
_LIST_ITEM = re.compile(r"^\s{0,3}(?:[-*+]|\d+[.)])\s+(?P<text>\S.*)$")
_USE_WHEN = re.compile(r"\b(?:use (?:this agent )?(?:proactively )?(?:when|for|after)\b.*)", re.I)


def _fit(text: str, limit: int) -> str:
    """`text` on one line, cut to at most `limit` characters: at a sentence end if one
    falls in the second half, else at a word boundary."""
    text = one_line(text.replace("**", "").replace("`", ""))
    if len(text) <= limit:
        return text
    sentence = text[: limit + 1].rfind(". ")
    if sentence > limit // 2:
        return text[:sentence]
    cut = text[:limit].rsplit(" ", 1)[0]
    return cut.rstrip(" ,;:-") or text[:limit]


@cache
def _limits() -> dict[str, int]:
    """maxLength / maxItems of every plan field, as `Model.field` (`Model.field[]`: each
    item of a list of strings), read from the plan schema."""
    schema = plan_json_schema()
    found = {f"Plan.{k}": v.get("maxLength", 0) for k, v in schema["properties"].items()}
    for model, node in schema["$defs"].items():
        for field, spec in node["properties"].items():
            options = [spec, *spec.get("anyOf", [])]
            sizes = [o.get("maxLength") or o.get("maxItems") for o in options]
            found[f"{model}.{field}"] = max((size for size in sizes if size), default=0)
            if "maxLength" in spec.get("items", {}):  # a list of strings: each item's limit
                found[f"{model}.{field}[]"] = spec["items"]["maxLength"]
    return found


def _fit_field(text: str, field: str) -> str:
    return _fit(text, _limits()[field])


def _identifier(text: str, limit: int, joiner: str = "_") -> str:
    """Lowercase words of `text` joined by `joiner` (tools snake_case, skills kebab-case)."""
    name = joiner.join(_WORD.findall(text.lower()))[:limit].strip(joiner)
    return name or "step"


def _agent_name(name: Any, fallback: str) -> str:
    candidate = str(name or "")
    if re.fullmatch(AGENT_NAME_PATTERN, candidate) and 3 <= len(candidate) <= 64:
        return candidate
    slug = "-".join(_WORD.findall((candidate or fallback).lower()))[:64].strip("-")
    return slug if len(slug) >= 3 else f"agent-{slug}".strip("-")


def _list_blocks(body: str) -> list[tuple[str, list[str]]]:
    """(heading, list items) for every heading whose section holds a list."""
    found: list[tuple[str, list[str]]] = []
    heading = ""
    for line in body.split("\n"):
        if line.startswith("#"):
            heading = line.lstrip("#").strip()
            found.append((heading, []))
            continue
        item = _LIST_ITEM.match(line)
        if item and found:
            found[-1][1].append(item.group("text"))
    return [(title, items) for title, items in found if items and title]


def _guess_skill(title: str, items: list[str], trigger: str) -> dict[str, Any]:
    steps = items[: _limits()["Skill.steps"]]
    return {
        "name": _identifier(title, _limits()["Skill.name"], "-"),
        "description": _fit_field(title, "Skill.description"),
        "trigger": _fit_field(trigger, "Skill.trigger"),
        "inputs": [],
        "steps": [{"action": _fit_field(item, "Step.action")} for item in steps],
        "output": _fit_field(f"The outcome of {title.lower()}", "Skill.output"),
    }


def _guess_tool(tool: str) -> dict[str, Any]:
    return {
        "name": _identifier(tool, _limits()["ToolSpec.name"]),
        "description": _fit_field(
            f"Uses Claude Code's {tool} tool for the agent's work", "ToolSpec.description"
        ),
        "parameters": [],
        "returns": _fit_field(f"What {tool} reports", "ToolSpec.returns"),
    }


def _guess_constraints(blocks: list[tuple[str, list[str]]]) -> list[str]:
    ruled = [item for title, items in blocks if _RULE_HEADING.search(title) for item in items]
    ruled += [item for _, items in blocks for item in items if _RULE_WORDS.search(item)]
    fitted = (_fit_field(item, "AgentSpec.constraints[]") for item in ruled)
    return list(dict.fromkeys(item for item in fitted if item))[:MAX_GUESSED_CONSTRAINTS]


def _tool_names(value: Any) -> list[str]:
    if isinstance(value, str):
        value = value.split(",")
    if not isinstance(value, list):
        return ["Read", "Grep", "Glob"]
    names = [re.sub(r"\(.*", "", str(item)).strip() for item in value]
    return [name for name in names if name][:3] or ["Read", "Grep", "Glob"]


def guess_plan(text: str, fields: dict[str, Any] | None = None, stem: str = "") -> Plan | None:
    """A best-effort plan for a hand-written agent file, or None when none fits the schema."""
    from lam_bot.validator.frontmatter import parse_document

    document = parse_document(text)
    values = fields if fields is not None else {k: f.value for k, f in document.fields.items()}
    description = _fit_field(
        _EXAMPLE.sub(" ", str(values.get("description") or "")), "AgentSpec.description"
    )
    blocks = _list_blocks(document.body)
    constraints = _guess_constraints(blocks)
    skills_from = [(title, items) for title, items in blocks if not _RULE_HEADING.search(title)]
    if not description or not skills_from or not constraints:
        return None
    you_are = _YOU_ARE.search(document.body)
    role = _fit_field(you_are.group("role") if you_are else description, "AgentSpec.role")
    use_when = _USE_WHEN.search(str(values.get("description") or ""))
    trigger = use_when.group(0) if use_when else f"the user needs {role}"
    tools = _tool_names(values.get("tools") or values.get("allowed-tools"))
    data = {
        "reasoning": _fit_field(
            f"{description}. It works as {role} with {', '.join(tools)}.", "Plan.reasoning"
        ),
        "agent": {
            "name": _agent_name(values.get("name"), stem),
            "description": description,
            "role": role,
            "tools": [_guess_tool(tool) for tool in tools],
            "skills": [
                _guess_skill(t, items, trigger) for t, items in skills_from[:MAX_GUESSED_SKILLS]
            ],
            "constraints": constraints,
        },
    }
    try:
        return Plan.model_validate(data)
    except ValidationError:
        return None
