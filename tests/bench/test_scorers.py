"""Plan-mode scorer: the seed's example scores 100; each rubric item can be lost alone."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lam_bot.bench.scorers import PLAN_RUBRIC, design_elements, parse_object, score_plan
from tests.support.plans import example_plan, example_plan_json

Plan = dict[str, Any]
POINTS = {item.key: item.points for item in PLAN_RUBRIC}


def test_rubric_totals_100() -> None:
    assert sum(POINTS.values()) == 100


@pytest.mark.parametrize("indent", [None, 2])
def test_example_plan_scores_100(indent: int | None) -> None:
    scored = score_plan(json.dumps(example_plan(), indent=indent))
    assert scored.score == 100
    assert scored.valid_json and scored.error is None


def _no_why(plan: Plan) -> None:
    plan["reasoning"] = (
        "A focused monitor agent: Bash runs docker stats, Read checks thresholds in the "
        "config file."
    )


def _no_justification(plan: Plan) -> None:
    plan["reasoning"] = (
        "A focused monitor agent fits because the work is one loop: sample the stats, "
        "compare them with the limits, alert the user."
    )


def _no_description(plan: Plan) -> None:
    plan["agent"]["description"] = ""


def _tool_without_parameters(plan: Plan) -> None:
    plan["agent"]["tools"][1]["parameters"] = []


def _one_step_skill(plan: Plan) -> None:
    plan["agent"]["skills"][0]["steps"] = plan["agent"]["skills"][0]["steps"][:1]


def _no_constraints(plan: Plan) -> None:
    plan["agent"]["constraints"] = []


LOSSES: dict[str, Callable[[Plan], None]] = {
    "reasoning": _no_why,
    "justification": _no_justification,
    "identity": _no_description,
    "tools": _tool_without_parameters,
    "skills": _one_step_skill,
    "constraints": _no_constraints,
}


@pytest.mark.parametrize("key", sorted(LOSSES))
def test_each_item_is_lost_alone(key: str) -> None:
    plan = example_plan()
    LOSSES[key](plan)
    scored = score_plan(json.dumps(plan))
    assert scored.score == 100 - POINTS[key]
    assert [k for k, points in scored.items.items() if points == 0] == [key]


def test_invalid_json_loses_only_its_points() -> None:
    scored = score_plan(example_plan_json()[:-1])  # the closing brace is missing
    assert scored.score == 100 - POINTS["valid_json"]
    assert not scored.valid_json
    assert scored.error == "invalid JSON (scored a repaired prefix)"


@pytest.mark.parametrize(
    "reply",
    [
        "<think>\nThe user wants a monitor.\n</think>\n\n{plan}",
        "```json\n{plan}\n```",
        "Here is the agent:\n\n```json\n{plan}\n```\n",
        "Sure! {plan} Let me know.",
    ],
)
def test_wrapped_replies_score_100(reply: str) -> None:
    assert score_plan(reply.replace("{plan}", example_plan_json())).score == 100


@pytest.mark.parametrize(
    ("reply", "error"),
    [("", "empty reply"), ("<think>still thinking", "empty reply"), ("no plan", "no JSON object")],
)
def test_replies_without_json_score_0(reply: str, error: str) -> None:
    scored = score_plan(reply)
    assert (scored.score, scored.error) == (0, error)


def test_cut_off_plan_keeps_what_it_finished() -> None:
    text = example_plan_json()
    cut = text.index('"constraints"')
    scored = score_plan(text[:cut])
    assert scored.items["constraints"] == 0 and scored.items["valid_json"] == 0
    assert scored.score == 100 - POINTS["constraints"] - POINTS["valid_json"]


def test_top_level_array_is_not_a_plan() -> None:
    assert parse_object("[1, 2]") == (None, False)


@pytest.mark.parametrize(
    "written", ["check_container_stats", "check-container-stats", "Check container stats"]
)
def test_plan_tool_names_count_in_any_spelling(written: str) -> None:
    plan = example_plan()
    plan["reasoning"] = f"It uses {written}."
    assert design_elements(plan) == {"tools:check_container_stats"}


def test_design_words_count_once_each() -> None:
    plan = example_plan()
    plan["reasoning"] = "Tools, tool and TOOLS."
    assert design_elements(plan) == {"tool"}


@given(st.integers(min_value=0, max_value=len(example_plan_json())))
def test_every_prefix_scores_without_error(cut: int) -> None:
    scored = score_plan(example_plan_json()[:cut])
    assert 0 <= scored.score <= 100
    assert scored.score == sum(scored.items.values())


@given(st.text(alphabet='{}[]",:\\ ab1tn', max_size=200))
def test_junk_never_raises(text: str) -> None:
    scored = score_plan(text)
    assert scored.score == sum(scored.items.values())
