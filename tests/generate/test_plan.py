from __future__ import annotations

import json

import pytest

from lam_bot.errors import GenerationError
from lam_bot.plan import (
    MAX_PLAN_TOKENS,
    WORST_CASE_TOKENS,
    Plan,
    parse_plan,
    plan_json_schema,
    worst_case_plan,
)
from tests.support.plans import EXAMPLE_PLAN, example_plan, example_plan_json


def test_example_plan_parses() -> None:
    plan = parse_plan(example_plan_json())
    assert plan.agent.name == "docker-memory-monitor"
    assert plan.agent.skills[0].steps[2].tool is None


@pytest.mark.parametrize(
    "wrap",
    [
        "<think>\nplanning…\n</think>\n\n{}",
        "```json\n{}\n```",
        "Here you go:\n```\n{}\n```\nanything else?",
        "Sure, the plan is {} and that is all.",
        "  {}  ",
    ],
)
def test_parse_plan_strips_wrappers(wrap: str) -> None:
    plan = parse_plan(wrap.replace("{}", example_plan_json()))
    assert plan == Plan.model_validate(EXAMPLE_PLAN)


def test_parse_plan_no_json_is_one_line_error() -> None:
    with pytest.raises(GenerationError, match="no JSON object") as info:
        parse_plan("I cannot help with that.")
    assert "\n" not in str(info.value)


def test_parse_plan_reports_first_schema_error() -> None:
    plan = example_plan()
    plan["agent"]["name"] = "Docker Monitor"
    plan["agent"]["colour"] = "red"
    with pytest.raises(GenerationError, match=r"2 errors; first: agent.name") as info:
        parse_plan(json.dumps(plan))
    assert any("colour" in reason for reason in info.value.reasons)
    assert "\n" not in str(info.value)


def test_parse_plan_truncated_json() -> None:
    with pytest.raises(GenerationError, match="not valid JSON"):
        parse_plan(example_plan_json()[:-40])


def test_schema_is_closed_and_strict() -> None:
    schema = plan_json_schema()
    objects = [schema, *schema["$defs"].values()]
    for node in objects:
        assert node["additionalProperties"] is False
        assert set(node["required"]) == set(node["properties"])


def test_schema_bounds_every_string_and_list() -> None:
    def walk(node: object) -> None:
        if isinstance(node, dict):
            if node.get("type") == "string" and "enum" not in node:
                assert "maxLength" in node, node
            if node.get("type") == "array":
                assert "maxItems" in node, node
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(plan_json_schema())


def test_worst_case_plan_is_within_budget() -> None:
    from tests.support.fixture_model import load_tokenizer

    text = worst_case_plan().model_dump_json()
    tokens = len(load_tokenizer().encode(text))
    assert tokens == WORST_CASE_TOKENS  # the figure the plan module's docstring reasons with
    assert 2 * tokens < MAX_PLAN_TOKENS
