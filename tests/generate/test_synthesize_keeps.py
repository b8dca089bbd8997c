"""Synthesis loses nothing of a plan that parses: every tool, skill, step and constraint.

A property over random plans in the card's format (optional step keys, `input`
objects, free-string names): each item's text, folded to one line as synthesis
writes it, appears in the agent file, which still scores 100.
"""

from __future__ import annotations

import json
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lam_bot.plan import Plan, parse_plan
from lam_bot.synthesize import code, one_line, synthesize
from lam_bot.validator import check_text
from lam_bot.validator.rules.vacuous import VACUOUS_RULES
from tests.support.plans import card_plan_text

# Distinct words: no phrase repeats, so collapsing loops (test_synthesize_loops.py)
# never applies and every item must appear verbatim.
_VOCABULARY = [
    "alpha",
    "bravo",
    "charlie",
    "delta",
    "echo",
    "foxtrot",
    "golf",
    "hotel",
    "india",
    "juliet",
    "kilo",
    "lima",
    "mike",
    "november",
    "oscar",
    "papa",
    "quebec",
    "romeo",
    "sierra",
    "tango",
    "uniform",
    "victor",
    "whiskey",
    "xray",
]


@st.composite
def phrase(draw: st.DrawFn, words: int = 6) -> str:
    picked = draw(st.lists(st.sampled_from(_VOCABULARY), min_size=1, max_size=words, unique=True))
    return " ".join(picked).capitalize()


NAMES = st.one_of(
    st.from_regex(r"[a-z]{2,8}(_[a-z]{2,8}){0,2}", fullmatch=True),
    st.from_regex(r"[a-z]{2,8}(-[a-z]{2,8}){0,2}", fullmatch=True),
)


def parameter() -> st.SearchStrategy[dict[str, Any]]:
    return st.fixed_dictionaries(
        {
            "name": NAMES,
            "type": st.sampled_from(["string", "number", "boolean", "array", "object"]),
            "description": phrase(),
            "required": st.booleans(),
        }
    )


def step() -> st.SearchStrategy[dict[str, Any]]:
    return st.fixed_dictionaries(
        {"action": phrase(8)},
        optional={
            "tool": st.none() | NAMES,
            "input": st.dictionaries(NAMES, phrase(3) | st.integers(0, 999), max_size=3),
            "on_failure": phrase(),
        },
    )


@st.composite
def plans(draw: st.DrawFn) -> Plan:
    tools = st.fixed_dictionaries(
        {
            "name": NAMES,
            "description": phrase(8),
            "parameters": st.lists(parameter(), max_size=3, unique_by=lambda p: p["name"]),
            "returns": phrase(),
        }
    )
    skills = st.fixed_dictionaries(
        {
            "name": NAMES,
            "description": phrase(8),
            "trigger": phrase(),
            "inputs": st.lists(parameter(), max_size=3, unique_by=lambda p: p["name"]),
            "steps": st.lists(step(), min_size=1, max_size=8, unique_by=lambda s: s["action"]),
            "output": phrase(),
        }
    )
    agent = {
        "name": "plan-under-test",
        # A verb first: a description without one is description-vacuous (its "Use when"
        # clause's "use" is no verb), which costs score points.
        "description": "Checks " + draw(phrase(10)).lower(),
        "role": draw(phrase(4)),
        "tools": draw(st.lists(tools, min_size=1, max_size=8)),
        "skills": draw(st.lists(skills, min_size=1, max_size=6)),
        "constraints": draw(st.lists(phrase(8), min_size=1, max_size=10)),
    }
    return Plan.model_validate({"reasoning": draw(phrase(20)), "agent": agent})


def expected_pieces(plan: Plan) -> list[str]:
    """The text of every tool, skill, step (with its input) and constraint, as written."""
    pieces: list[str] = []
    for tool in plan.agent.tools:
        pieces += [f"### {code(tool.name)}", one_line(tool.description), one_line(tool.returns)]
        pieces += [f"{code(p.name)} ({p.type}" for p in tool.parameters]
    for skill in plan.agent.skills:
        pieces += [f"### {one_line(skill.name)}", one_line(skill.trigger), one_line(skill.output)]
        pieces += [f"{code(p.name)} ({p.type}" for p in skill.inputs]
        for item in skill.steps:
            pieces.append(one_line(item.action))
            pieces += [f"Use {code(item.tool)}."] if item.tool else []
            pieces += [one_line(item.on_failure)] if item.on_failure else []
            for key, value in (item.input or {}).items():
                shown = value if isinstance(value, str) else json.dumps(value)
                pieces.append(f"{code(key)} = {shown}")
    pieces += [one_line(constraint) for constraint in plan.agent.constraints]
    return pieces


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(plans())
def test_every_item_of_a_plan_reaches_the_agent_file(plan: Plan) -> None:
    text = synthesize(plan).text
    missing = [piece for piece in expected_pieces(plan) if piece not in text]
    assert missing == []
    result = check_text(text, "plan-under-test.md", kind="agent")
    assert result.errors == ()
    # Below 100 only for what the gate refuses (e.g. a parameter named twice), never for
    # something synthesis wrote badly.
    vacuous = [d for d in result.diagnostics if d.rule in VACUOUS_RULES]
    assert (result.score == 100) == (not vacuous), result.rubric


def test_the_cards_plan_keeps_every_item_and_scores_100() -> None:
    plan = parse_plan(card_plan_text())
    text = synthesize(plan).text
    assert [piece for piece in expected_pieces(plan) if piece not in text] == []
    assert "3. Send alert for breaches. Use `send_alert`." in text
    result = check_text(text, "docker-memory-monitor.md", kind="agent")
    assert (result.score, result.diagnostics) == (100, ())
