"""The plan schema: what the Large Action Model returns for a request.

One pydantic model is the source of the JSON schema for the grammar (mlx) and for
`response_format` (OpenAI-compatible servers), of parsing, of synthesis and of the
benchmark's plan scorer. It follows the schema the model was fine-tuned on
(chendren/lam-training, `src/schema.ts`) and the model card's example plan
(`../shared/seed/example-plan.json`): names are free strings (the card writes
snake_case tools and kebab-case skills), a step carries `action` and only the keys it
needs (`tool`, optional and nullable; `input`, an object; `on_failure`, optional), and
keys come in the card's order, which the grammar keeps. Only the agent's name has a
pattern, because it becomes the file name and Claude Code's agent name.
`extra="forbid"` closes every object, so a grammar never lets the model invent keys.

Bounds come from realistic plans, not from the random-weight worst case: the training
data asks for 1-5 tools and 1-4 skills of at least 2 steps (src/generate.ts), and the
bounds leave room above that (8 tools, 6 skills, 8 steps a skill, 10 constraints,
1,500 characters of reasoning, 6 parameters a tool or skill, 6 input entries a step).

Token budget (Qwen3 tokens, measured in tests/generate/test_plan.py). The card's example
plan is 245 tokens compact, 355 as printed (pretty, the training data's layout:
src/generate.ts writes `JSON.stringify(…, null, 2)`). `large_plan()`
(tests/support/plans.py), a plan at every count bound (8 tools of 3 parameters, 6
skills of 8 steps and 3 inputs, 10 constraints) with realistic field lengths, is
LARGE_PLAN_TOKENS compact and 5,411 pretty. `MAX_PLAN_TOKENS` (8,192) is 1.5 times the
pretty figure, so a server that ignores `response_format` and writes the trained
layout is not cut off either. The worst case, every string at maxLength and every list
at maxItems (`worst_case_plan()`), is WORST_CASE_TOKENS tokens of English words: over
three times the budget and not what it is sized for. A plan that long, like the noise
of a random-weight model that keeps opening list items, stops at `max_tokens` with a
clean "cut off" error (generate.py) rather than a half-parsed plan;
tests/generate/test_mlx.py checks every random-weight run ends one way or the other.
"""

from __future__ import annotations

import json
import re
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationError,
    WithJsonSchema,
)

from lam_bot.errors import GenerationError
from lam_bot.prompt import strip_invisible

AGENT_NAME_PATTERN = r"^[a-z0-9]+(-[a-z0-9]+)*$"

# Budget for the model's output (see the module docstring).
MAX_PLAN_TOKENS = 8192
# `large_plan()` and `worst_case_plan()` as compact JSON, in Qwen3 tokens
# (tests/generate/test_plan.py measures both).
LARGE_PLAN_TOKENS = 3732
WORST_CASE_TOKENS = 27343

MAX_INPUT_ENTRIES = 6
INPUT_KEY_LENGTH = 40
INPUT_VALUE_LENGTH = 160


def _clean(text: str) -> str:
    """Model text without bidi, zero-width or control characters (as the request is)."""
    cleaned = strip_invisible(text)
    if text and not cleaned:
        raise ValueError("only invisible characters")
    return cleaned


def _text(max_length: int) -> type[str]:
    constraint = StringConstraints(min_length=1, max_length=max_length)
    return Annotated[str, AfterValidator(_clean), constraint]  # type: ignore[return-value]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


# The training schema's types plus "integer", which JSON Schema authors write too.
ParamType = Literal["string", "integer", "number", "boolean", "array", "object"]


class Parameter(_Strict):
    name: _text(64)  # type: ignore[valid-type]
    type: ParamType
    description: _text(200)  # type: ignore[valid-type]
    required: bool


class ToolSpec(_Strict):
    name: _text(64)  # type: ignore[valid-type]
    description: _text(240)  # type: ignore[valid-type]
    parameters: list[Parameter] = Field(max_length=6)
    returns: _text(200)  # type: ignore[valid-type]


Scalar = str | int | float | bool | None

# What the grammar lets a model write in a step's `input`: a flat object of short
# scalars (the training data writes `{"param": "value_source"}`). Parsing accepts any
# JSON values (`z.record(z.any())` in the training schema), bounded in size.
_INPUT_SCHEMA: dict[str, Any] = {
    "type": "object",
    "patternProperties": {
        rf"^[A-Za-z_][A-Za-z0-9_.-]{{0,{INPUT_KEY_LENGTH - 1}}}$": {
            "anyOf": [
                {"type": "string", "maxLength": INPUT_VALUE_LENGTH},
                {"type": "number"},
                {"type": "boolean"},
                {"type": "null"},
            ]
        }
    },
    "additionalProperties": False,
    "maxProperties": MAX_INPUT_ENTRIES,
}


def _input_value(value: Any) -> Any:
    if isinstance(value, str):
        return _clean(value)
    if isinstance(value, list):
        return [_input_value(item) for item in value]
    if isinstance(value, dict):
        return {_clean(str(k)): _input_value(v) for k, v in value.items()}
    return value


def _check_input(value: dict[str, Any]) -> dict[str, Any]:
    if len(value) > MAX_INPUT_ENTRIES:
        raise ValueError(f"at most {MAX_INPUT_ENTRIES} input entries")
    # Twice what the grammar can write, so escapes and nested values have room.
    limit = 2 * MAX_INPUT_ENTRIES * (INPUT_KEY_LENGTH + INPUT_VALUE_LENGTH + 6)
    if len(json.dumps(value, ensure_ascii=False)) > limit:
        raise ValueError("the input object is too long")
    return {_clean(key): _input_value(item) for key, item in value.items()}


StepInput = Annotated[dict[str, Any], AfterValidator(_check_input), WithJsonSchema(_INPUT_SCHEMA)]


class Step(_Strict):
    action: _text(240)  # type: ignore[valid-type]
    tool: _text(64) | None = None  # type: ignore[valid-type]
    input: StepInput | None = None
    on_failure: _text(200) | None = None  # type: ignore[valid-type]


class Skill(_Strict):
    name: _text(64)  # type: ignore[valid-type]
    description: _text(240)  # type: ignore[valid-type]
    trigger: _text(200)  # type: ignore[valid-type]
    inputs: list[Parameter] = Field(max_length=6)
    steps: list[Step] = Field(min_length=1, max_length=8)
    output: _text(200)  # type: ignore[valid-type]


# Device names Windows reserves in every folder, with or without an extension, in any
# case (learn.microsoft.com, "Naming Files, Paths, and Namespaces"): a Windows
# checkout cannot hold `con.md`.
WINDOWS_RESERVED = frozenset(
    ["con", "prn", "aux", "nul"]
    + [f"{port}{digit}" for port in ("com", "lpt") for digit in "123456789"]
)


def is_windows_reserved(name: str) -> bool:
    """True when `name` (a file name, extension or not, any case) is a Windows device name."""
    return name.split(".", 1)[0].strip().lower() in WINDOWS_RESERVED


def _not_reserved(name: str) -> str:
    if is_windows_reserved(name):
        raise ValueError(f"{name!r} is a reserved file name on Windows")
    return name


AgentName = Annotated[
    str,
    StringConstraints(pattern=AGENT_NAME_PATTERN, min_length=3, max_length=64),
    AfterValidator(_not_reserved),
]


class AgentSpec(_Strict):
    name: AgentName
    description: _text(300)  # type: ignore[valid-type]
    role: _text(160)  # type: ignore[valid-type]
    tools: list[ToolSpec] = Field(min_length=1, max_length=8)
    skills: list[Skill] = Field(min_length=1, max_length=6)
    constraints: list[_text(200)] = Field(min_length=1, max_length=10)  # type: ignore[valid-type]


class Plan(_Strict):
    reasoning: _text(1500)  # type: ignore[valid-type]
    agent: AgentSpec


def plan_json_schema() -> dict[str, Any]:
    """The plan's JSON schema, as sent to grammars and structured-output servers."""
    return Plan.model_json_schema()


_THINK = re.compile(r"^\s*<think>.*?</think>\s*", re.DOTALL)
_FENCE = re.compile(r"```(?:json)?\s*(\{.*\})\s*```", re.DOTALL)


def _json_object(text: str) -> str | None:
    """The first complete top-level JSON object in `text`, if there is one."""
    decoder = json.JSONDecoder()
    for match in re.finditer(r"\{", text):
        try:
            _, end = decoder.raw_decode(text, match.start())
        except json.JSONDecodeError:
            continue
        return text[match.start() : end]
    return None


def _leading_object(body: str) -> str:
    try:
        _, end = json.JSONDecoder().raw_decode(body)
    except json.JSONDecodeError:
        return body  # parse_plan reports where it broke
    return body[:end]


def extract_json(text: str) -> str:
    """The plan's JSON from a reply: strips `<think>…</think>`, code fences and prose."""
    body = _THINK.sub("", text, count=1).strip()
    if body.startswith("{"):  # the object without prose after it; all of it if broken
        return _leading_object(body)
    fenced = _FENCE.search(body)
    if fenced:
        return fenced.group(1)
    found = _json_object(body)
    if found is None:
        raise GenerationError("the model's reply contains no JSON object", (_inert(body[:200]),))
    return found


def _inert(text: str) -> str:
    """Model text fit for one log line: no control, bidi or zero-width characters."""
    return " ".join(strip_invisible(text).split())


def _where(error: Any) -> str:
    """An error's location; keys the model invented are model text, so made inert."""
    return _inert(".".join(str(part) for part in error["loc"])) or "plan"


def _first_error(exc: ValidationError) -> str:
    error = exc.errors()[0]
    return f"{_where(error)}: {error['msg']}"


def parse_plan(text: str) -> Plan:
    """Parse and validate a model reply; raise GenerationError with a one-line message."""
    raw = extract_json(text)
    try:
        data = json.loads(raw)
    except json.JSONDecodeError as exc:
        raise GenerationError(f"the model's reply is not valid JSON: {exc}") from None
    try:
        return Plan.model_validate(data)
    except ValidationError as exc:
        reasons = tuple(f"{_where(e)}: {e['msg']}" for e in exc.errors()[:10])
        message = f"the plan does not match the schema ({exc.error_count()} errors; "
        raise GenerationError(message + f"first: {_first_error(exc)})", reasons) from None


def _filler(length: int) -> str:
    words = "the agent checks each container and reports memory use over the limit "
    return (words * (length // len(words) + 1))[:length].strip().ljust(length, "x")


def worst_case_plan(schema: dict[str, Any] | None = None) -> Plan:
    """A plan with every string at its maxLength and every list at maxItems.

    `schema` defaults to `plan_json_schema()`; a tighter one (lam_bot/profile.py) gives
    that schema's worst case. Raises pydantic's ValidationError if the result does not
    parse, i.e. if `schema` allows more than `Plan` does.
    """
    schema = schema or plan_json_schema()
    return Plan.model_validate(_fill(schema, schema))


def _fill(node: dict[str, Any], schema: dict[str, Any]) -> Any:
    if "$ref" in node:
        return _fill(schema["$defs"][node["$ref"].rsplit("/", 1)[-1]], schema)
    if "anyOf" in node:
        return _fill(node["anyOf"][0], schema)
    kind = node.get("type")
    if kind == "object" and "properties" in node:
        return {key: _fill(sub, schema) for key, sub in node["properties"].items()}
    if kind == "object":  # a step's input: the most entries, longest keys and values
        (entry,) = node["patternProperties"].values()
        value = _filler(entry["anyOf"][0]["maxLength"])
        count = node.get("maxProperties", MAX_INPUT_ENTRIES)
        return {f"k{i}".ljust(INPUT_KEY_LENGTH, "k"): value for i in range(count)}
    if kind == "array":
        return [_fill(node["items"], schema) for _ in range(node.get("maxItems", 3))]
    if "enum" in node:
        return node["enum"][0]
    if kind == "boolean":
        return True
    if node.get("pattern") == AGENT_NAME_PATTERN:
        return ("memory-monitor-" * 5)[: node["maxLength"]].strip("-")
    return _filler(node["maxLength"])
