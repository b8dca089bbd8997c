"""The plan schema: what the Large Action Model returns for a request.

One pydantic model is the source of the JSON schema for the grammar (mlx) and for
`response_format` (OpenAI-compatible servers), of parsing, of synthesis and of the
benchmark's plan scorer. Every string and list is bounded so the longest possible
plan fits the token budget (see `MAX_PLAN_TOKENS`); optional fields are
required-but-nullable so strict structured-output modes accept the same schema.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

AGENT_NAME_PATTERN = r"^[a-z0-9]+(-[a-z0-9]+)*$"
IDENTIFIER_PATTERN = r"^[a-z_][a-z0-9_]*$"


def _text(max_length: int) -> type[str]:
    return Annotated[str, StringConstraints(min_length=1, max_length=max_length)]  # type: ignore[return-value]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


ParamType = Literal["string", "integer", "number", "boolean", "array", "object"]


class Parameter(_Strict):
    name: Annotated[str, StringConstraints(pattern=IDENTIFIER_PATTERN, max_length=40)]
    type: ParamType
    description: _text(120)  # type: ignore[valid-type]
    required: bool


class ToolSpec(_Strict):
    name: Annotated[str, StringConstraints(pattern=IDENTIFIER_PATTERN, max_length=40)]
    description: _text(200)  # type: ignore[valid-type]
    parameters: list[Parameter] = Field(max_length=4)
    returns: _text(120)  # type: ignore[valid-type]


class Step(_Strict):
    action: _text(160)  # type: ignore[valid-type]
    tool: Annotated[str, StringConstraints(pattern=IDENTIFIER_PATTERN, max_length=40)] | None
    on_failure: _text(120) | None  # type: ignore[valid-type]


class Skill(_Strict):
    name: Annotated[str, StringConstraints(pattern=IDENTIFIER_PATTERN, max_length=40)]
    description: _text(200)  # type: ignore[valid-type]
    trigger: _text(160)  # type: ignore[valid-type]
    inputs: list[Parameter] = Field(max_length=3)
    steps: list[Step] = Field(min_length=1, max_length=6)
    output: _text(160)  # type: ignore[valid-type]


class AgentSpec(_Strict):
    name: Annotated[str, StringConstraints(pattern=AGENT_NAME_PATTERN, min_length=3, max_length=64)]
    description: _text(300)  # type: ignore[valid-type]
    role: _text(400)  # type: ignore[valid-type]
    tools: list[ToolSpec] = Field(min_length=1, max_length=5)
    skills: list[Skill] = Field(min_length=1, max_length=3)
    constraints: list[_text(160)] = Field(min_length=1, max_length=6)  # type: ignore[valid-type]


class Plan(_Strict):
    reasoning: _text(800)  # type: ignore[valid-type]
    agent: AgentSpec


def plan_json_schema() -> dict[str, object]:
    """The plan's JSON schema, as sent to grammars and structured-output servers."""
    return Plan.model_json_schema()
