"""The plan schema: what the Large Action Model returns for a request.

One pydantic model is the source of the JSON schema for the grammar (mlx) and for
`response_format` (OpenAI-compatible servers), of parsing, of synthesis and of the
benchmark's plan scorer. Optional fields (`tool`, `on_failure`) are required but
nullable, so strict structured-output modes accept the same schema; `extra="forbid"`
closes every object, so a grammar never lets the model invent keys.

Token budget. Every string and list is bounded so the longest possible plan fits
`MAX_PLAN_TOKENS`. The worst case (`worst_case_plan()`: every string at maxLength,
every list at maxItems), in characters of compact JSON, keys and punctuation included:

    reasoning 400                                                     402
    name 64 + description 160 + role 80                               310
    tools      3 x (name 32 + description 120 + returns 80
                    + 2 parameters x (name 24 + description 80) = 164)  3 x 618 = 1,858
    skills     3 x (name 32 + description 120 + trigger 100 + output 100
                    + 2 inputs x 164
                    + 4 steps x (action 100 + tool 32 + on_failure 80) = 251)
                                                                     3 x 1,764 = 5,296
    constraints 4 x 100                                               413
    total                                                           8,368 characters

Filled with English words that is 1,588 tokens of the real Qwen3 tokenizer (5.3
characters per token; denser prose runs ~4, so ~2,100), and `MAX_PLAN_TOKENS` (4,096)
is about twice that: a plan is never cut off. A random-weight model, which writes every
string to its maxLength in noise tokens, stays under it too (measured over 20 seeds in
tests/generate/test_mlx.py). The bounds are about twice what the model card's example
plans use (the seed's example is ~350 tokens compact), and small because decoding
time is linear in them: they decide how long the worst case takes.
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
)

from lam_bot.errors import GenerationError

AGENT_NAME_PATTERN = r"^[a-z0-9]+(-[a-z0-9]+)*$"
IDENTIFIER_PATTERN = r"^[a-z_][a-z0-9_]*$"
# Base names Windows reserves whatever the extension, so `con.md` cannot be checked out there
# (learn.microsoft.com, "Naming Files, Paths, and Namespaces"); the only ones AGENT_NAME_PATTERN
# admits.
WINDOWS_RESERVED_NAMES = frozenset(
    ["con", "prn", "aux", "nul"] + [f"{port}{n}" for port in ("com", "lpt") for n in range(1, 10)]
)

# Budget for the model's output; about twice the worst case measured below.
MAX_PLAN_TOKENS = 4096
# `worst_case_plan()` as compact JSON, in Qwen3 tokens (tests/generate/test_plan.py).
WORST_CASE_TOKENS = 1588


def _text(max_length: int) -> type[str]:
    return Annotated[str, StringConstraints(min_length=1, max_length=max_length)]  # type: ignore[return-value]


def _ident(max_length: int) -> type[str]:
    constraint = StringConstraints(pattern=IDENTIFIER_PATTERN, min_length=1, max_length=max_length)
    return Annotated[str, constraint]  # type: ignore[return-value]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


ParamType = Literal["string", "integer", "number", "boolean", "array", "object"]


class Parameter(_Strict):
    name: _ident(24)  # type: ignore[valid-type]
    type: ParamType
    description: _text(80)  # type: ignore[valid-type]
    required: bool


class ToolSpec(_Strict):
    name: _ident(32)  # type: ignore[valid-type]
    description: _text(120)  # type: ignore[valid-type]
    parameters: list[Parameter] = Field(max_length=2)
    returns: _text(80)  # type: ignore[valid-type]


class Step(_Strict):
    action: _text(100)  # type: ignore[valid-type]
    tool: _ident(32) | None  # type: ignore[valid-type]
    on_failure: _text(80) | None  # type: ignore[valid-type]


class Skill(_Strict):
    name: _ident(32)  # type: ignore[valid-type]
    description: _text(120)  # type: ignore[valid-type]
    trigger: _text(100)  # type: ignore[valid-type]
    inputs: list[Parameter] = Field(max_length=2)
    steps: list[Step] = Field(min_length=1, max_length=4)
    output: _text(100)  # type: ignore[valid-type]


def check_not_reserved(name: str) -> str:
    """`name`, unless Windows reserves it as a file name (ValueError)."""
    if name in WINDOWS_RESERVED_NAMES:
        raise ValueError(f"{name!r} is a reserved file name on Windows")
    return name


AgentName = Annotated[
    str,
    StringConstraints(pattern=AGENT_NAME_PATTERN, min_length=3, max_length=64),
    AfterValidator(check_not_reserved),
]


class AgentSpec(_Strict):
    name: AgentName
    description: _text(160)  # type: ignore[valid-type]
    role: _text(80)  # type: ignore[valid-type]
    tools: list[ToolSpec] = Field(min_length=1, max_length=3)
    skills: list[Skill] = Field(min_length=1, max_length=3)
    constraints: list[_text(100)] = Field(min_length=1, max_length=4)  # type: ignore[valid-type]


class Plan(_Strict):
    reasoning: _text(400)  # type: ignore[valid-type]
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


def extract_json(text: str) -> str:
    """The plan's JSON from a reply: strips `<think>…</think>`, code fences and prose."""
    body = _THINK.sub("", text, count=1).strip()
    if body.startswith("{"):
        return body
    fenced = _FENCE.search(body)
    if fenced:
        return fenced.group(1)
    found = _json_object(body)
    if found is None:
        raise GenerationError("the model's reply contains no JSON object", (body[:200],))
    return found


def _first_error(exc: ValidationError) -> str:
    error = exc.errors()[0]
    where = ".".join(str(part) for part in error["loc"]) or "plan"
    return f"{where}: {error['msg']}"


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
        reasons = tuple(
            f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in exc.errors()[:10]
        )
        message = f"the plan does not match the schema ({exc.error_count()} errors; "
        raise GenerationError(message + f"first: {_first_error(exc)})", reasons) from None


def _filler(length: int) -> str:
    words = "the agent checks each container and reports memory use over the limit "
    return (words * (length // len(words) + 1))[:length].strip().ljust(length, "x")


def worst_case_plan() -> Plan:
    """A plan with every string at its maxLength and every list at maxItems."""
    schema = plan_json_schema()
    return Plan.model_validate(_fill(schema, schema))


def _fill(node: dict[str, Any], schema: dict[str, Any]) -> Any:
    if "$ref" in node:
        return _fill(schema["$defs"][node["$ref"].rsplit("/", 1)[-1]], schema)
    if "anyOf" in node:
        return _fill(node["anyOf"][0], schema)
    kind = node.get("type")
    if kind == "object":
        return {key: _fill(sub, schema) for key, sub in node["properties"].items()}
    if kind == "array":
        return [_fill(node["items"], schema) for _ in range(node.get("maxItems", 3))]
    if "enum" in node:
        return node["enum"][0]
    if kind == "boolean":
        return True
    if node.get("pattern") == AGENT_NAME_PATTERN:
        return ("memory-monitor-" * 5)[: node["maxLength"]].strip("-")
    if node.get("pattern") == IDENTIFIER_PATTERN:
        return ("check_container_" * 4)[: node["maxLength"]]
    return _filler(node["maxLength"])
