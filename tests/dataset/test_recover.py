"""The inverse of synthesis: plan → agent file → recovered plan."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings

from lam_bot.dataset.recover import guess_plan, recover_plan, synthesized_plan
from lam_bot.plan import Plan, parse_plan
from lam_bot.synthesize import synthesize
from tests.support.plan_strategies import canonical_plans
from tests.support.plans import card_plan_text, example_plan

CORPUS = Path(__file__).resolve().parents[3] / "shared" / "corpus"


def test_the_example_plan_round_trips() -> None:
    plan = Plan.model_validate(example_plan())
    recovered = recover_plan(synthesize(plan).text)
    assert recovered is not None
    # The file does not carry the reasoning; it is rebuilt from the tool grants.
    assert recovered.agent == plan.agent


@settings(max_examples=150, deadline=None)
@given(canonical_plans())
def test_every_canonical_plan_round_trips(plan: Plan) -> None:
    recovered = recover_plan(synthesize(plan).text)
    assert recovered is not None
    assert recovered.agent == plan.agent


@settings(max_examples=50, deadline=None)
@given(canonical_plans())
def test_synthesis_of_the_recovered_plan_gives_the_same_body(plan: Plan) -> None:
    text = synthesize(plan).text
    recovered = recover_plan(text)
    assert recovered is not None
    again = synthesize(recovered).text
    # Only the grants' reasons may differ: they quote the reasoning.
    assert _without_grants(again) == _without_grants(text)


def _without_grants(text: str) -> str:
    return "\n".join(line for line in text.split("\n") if not line.startswith("- ") or "`" in line)


def test_a_plan_with_full_stops_and_spacing_recovers_in_synthesis_form() -> None:
    data = example_plan()
    data["agent"]["description"] = "Watches   memory.  "
    data["agent"]["constraints"] = ["Never restart anything."]
    recovered = recover_plan(synthesize(Plan.model_validate(data)).text)
    assert recovered is not None
    assert recovered.agent.description == "Watches memory"
    assert recovered.agent.constraints == ["Never restart anything"]


def test_a_hand_written_file_is_not_read_as_synthesis_output() -> None:
    text = "---\nname: helper\ndescription: Helps\n---\n\nYou are a helper.\n\n## Steps\n\n- one\n"
    assert synthesized_plan(text) is None


def test_a_hand_written_agent_gets_a_schema_valid_guess() -> None:
    text = (
        "---\nname: db-tuner\ndescription: Tunes slow SQL queries. Use when a query is slow."
        "\ntools: Read, Bash(psql:*)\n---\n\nYou are a database tuning expert.\n\n"
        "## Workflow\n\n1. Read the slow query log\n2. Explain the worst query\n\n"
        "## Rules\n\n- Never drop an index without asking\n"
    )
    plan = guess_plan(text)
    assert plan is not None
    assert plan.agent.name == "db-tuner"
    assert plan.agent.role == "database tuning expert"
    assert [tool.name for tool in plan.agent.tools] == ["read", "bash"]
    assert [step.action for step in plan.agent.skills[0].steps] == [
        "Read the slow query log",
        "Explain the worst query",
    ]
    assert plan.agent.skills[0].trigger == "Use when a query is slow."
    assert plan.agent.constraints == ["Never drop an index without asking"]


def test_a_file_without_lists_or_rules_has_no_plan() -> None:
    assert guess_plan("---\nname: bare\ndescription: Does things\n---\n\nJust prose.\n") is None


@pytest.mark.skipif(not CORPUS.is_dir(), reason="../shared/corpus is absent")
def test_most_real_agents_get_a_plan() -> None:
    files = sorted(CORPUS.glob("wshobson/plugins/*/agents/*.md"))
    assert len(files) > 50
    plans = [recover_plan(path.read_text(encoding="utf-8")) for path in files]
    assert sum(plan is not None for plan in plans) / len(files) > 0.7


def test_the_cards_example_plan_round_trips() -> None:
    plan = parse_plan(card_plan_text())
    recovered = recover_plan(synthesize(plan).text)
    assert recovered is not None
    assert recovered.agent == plan.agent
