from __future__ import annotations

import json

import pytest

from lam_bot.errors import GenerationError
from lam_bot.plan import (
    LARGE_PLAN_TOKENS,
    MAX_PLAN_TOKENS,
    WINDOWS_RESERVED,
    WORST_CASE_TOKENS,
    Plan,
    is_windows_reserved,
    parse_plan,
    plan_json_schema,
    worst_case_plan,
)
from tests.support.plans import (
    EXAMPLE_PLAN,
    card_plan_text,
    example_plan,
    example_plan_json,
    large_plan,
)


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


def test_the_cards_example_plan_parses_as_printed() -> None:
    # ../shared/seed/example-plan.json: pretty-printed, a kebab-case skill name, steps
    # with only the keys they need, a step tool (`send_alert`) no tool declares.
    plan = parse_plan(card_plan_text())
    steps = plan.agent.skills[0].steps
    assert plan.agent.skills[0].name == "memory-check"
    assert [(s.tool, s.on_failure) for s in steps] == [
        ("check_container_stats", None),
        (None, "log and continue"),
        ("send_alert", None),
    ]
    assert plan.reasoning.endswith("...")


def test_the_card_plan_in_every_wrapper() -> None:
    card = card_plan_text()
    expected = parse_plan(card)
    for wrapped in (
        f"<think>\nPlanning.\n</think>\n\n{card}",
        f"```json\n{card}\n```",
        f"Here is the plan:\n\n{card}\n\nTell me if you want changes.",
    ):
        assert parse_plan(wrapped) == expected


def test_training_schema_keys_are_accepted() -> None:
    # chendren/lam-training src/schema.ts: tool nullable and optional, input a record,
    # on_failure optional.
    plan = example_plan()
    plan["agent"]["skills"][0]["steps"] = [
        {"action": "Probe", "tool": "check_container_stats", "input": {"container": "web"}},
        {"action": "Summarise", "input": {"limits": [80, 90], "mode": {"strict": True}}},
        {"action": "Report"},
    ]
    parsed = parse_plan(json.dumps(plan))
    assert parsed.agent.skills[0].steps[1].input == {"limits": [80, 90], "mode": {"strict": True}}
    assert parsed.agent.skills[0].steps[2].tool is None


def test_invisible_characters_are_removed_from_every_model_string() -> None:
    plan = example_plan()
    plan["reasoning"] = "Bash\u202e for \u200bstats\x07"
    plan["agent"]["constraints"] = ["Never\u2066 stop\u2069 containers"]
    plan["agent"]["skills"][0]["steps"][0]["input"] = {"na\u200bme": "we\u202eb"}
    parsed = parse_plan(json.dumps(plan))
    assert parsed.reasoning == "Bash for stats"
    assert parsed.agent.constraints == ["Never stop containers"]
    assert parsed.agent.skills[0].steps[0].input == {"name": "web"}


def test_a_string_of_only_invisible_characters_is_refused() -> None:
    plan = example_plan()
    plan["agent"]["role"] = "\u200b\u202e"
    with pytest.raises(GenerationError, match=r"agent\.role: Value error, only invisible"):
        parse_plan(json.dumps(plan))


@pytest.mark.parametrize("name", sorted(WINDOWS_RESERVED))
def test_windows_reserved_agent_names_are_refused(name: str) -> None:
    plan = example_plan()
    plan["agent"]["name"] = name
    with pytest.raises(GenerationError, match="reserved file name on Windows"):
        parse_plan(json.dumps(plan))


def test_schema_is_closed_and_keeps_the_cards_key_order() -> None:
    schema = plan_json_schema()
    defs = schema["$defs"]
    for node in [schema, *defs.values()]:
        assert node["additionalProperties"] is False
    assert list(defs["Step"]["properties"]) == ["action", "tool", "input", "on_failure"]
    assert defs["Step"]["required"] == ["action"]
    card = json.loads(card_plan_text())
    assert list(schema["properties"]) == list(card)
    assert list(defs["AgentSpec"]["properties"]) == list(card["agent"])
    assert list(defs["ToolSpec"]["properties"]) == list(card["agent"]["tools"][0])
    assert list(defs["Skill"]["properties"]) == list(card["agent"]["skills"][0])


def test_bounds_fit_realistic_plans() -> None:
    plan = Plan.model_validate(large_plan())
    assert (len(plan.agent.tools), len(plan.agent.skills)) == (8, 6)
    assert len(plan.agent.skills[0].steps) == 8 and len(plan.agent.constraints) == 10
    long_reasoning = example_plan() | {"reasoning": "x" * 1500}
    Plan.model_validate(long_reasoning)


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


def test_token_budget_figures() -> None:
    from tests.support.fixture_model import load_tokenizer

    def tokens(text: str) -> int:
        return len(load_tokenizer().encode(text))

    # The figures the plan module's docstring reasons with.
    card = json.loads(card_plan_text())
    assert tokens(card_plan_text()) == 355
    assert tokens(json.dumps(card, separators=(",", ":"))) == 245
    large = Plan.model_validate(large_plan()).model_dump_json(exclude_none=True)
    assert tokens(large) == LARGE_PLAN_TOKENS
    pretty = tokens(json.dumps(large_plan(), indent=2))
    assert pretty == 5411
    assert 1.4 * pretty < MAX_PLAN_TOKENS
    assert tokens(worst_case_plan().model_dump_json()) == WORST_CASE_TOKENS > 3 * MAX_PLAN_TOKENS


def test_reserved_names_with_any_extension_or_case() -> None:
    assert all(map(is_windows_reserved, ["CON.md", "nul.tar.gz", "Com1", "lpt9.txt", "aux"]))
    assert not any(map(is_windows_reserved, ["con-monitor", "com10", "lpt0", "console.md"]))


def test_keys_the_model_invents_reach_errors_inert() -> None:
    # Issue 9: a key like this came back inside pydantic's error location, one
    # workflow command per line.
    plan = example_plan()
    plan["agent"]["\n::warning title=INJECTED::x\n::add-mask::Monitors\n\x1b[2J"] = 1
    with pytest.raises(GenerationError) as info:
        parse_plan(json.dumps(plan))
    lines = [str(info.value), *info.value.reasons]
    assert all("\n" not in line and "\x1b" not in line for line in lines)
    assert "agent. ::warning title=INJECTED::x ::add-mask::Monitors [2J" in str(info.value)


def test_a_reply_without_json_keeps_an_inert_excerpt() -> None:
    with pytest.raises(GenerationError) as info:
        parse_plan("no plan\x1b]0;title\x07 here\u202e\n::error::x")
    assert info.value.reasons == ("no plan]0;title here ::error::x",)


def test_trailing_prose_after_the_plan_is_ignored() -> None:
    reply = card_plan_text() + "\n\nThis agent keeps containers healthy. {Let me know!}"
    assert parse_plan(reply) == parse_plan(card_plan_text())
