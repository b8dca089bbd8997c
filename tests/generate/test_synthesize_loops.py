"""A complete plan always yields a file the validator scores 100 with no diagnostic.

Random schema-valid plans whose strings loop the way a model does: phrases repeated
back to back, duplicate constraints and steps, mixed case and unicode.
"""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lam_bot.plan import AGENT_NAME_PATTERN, Plan
from lam_bot.prompt import strip_invisible
from lam_bot.synthesize import collapse_repeats, synthesize
from lam_bot.validator import check_text
from lam_bot.validator.content import PHRASE_MAX_WORDS, find_degenerate
from tests.support.plans import example_plan

WORDS = st.sampled_from(["fix", "the", "bug", "Fix", "run", "docker", "ok", "é", "日本", "-"])
WORD = st.one_of(WORDS, st.text(min_size=1, max_size=6))


@st.composite
def looping_text(draw: st.DrawFn, max_length: int) -> str:
    """Words, with one phrase repeated back to back somewhere, cut to `max_length`."""
    before = draw(st.lists(WORD, max_size=4))
    phrase = draw(st.lists(WORD, min_size=1, max_size=PHRASE_MAX_WORDS))
    after = draw(st.lists(WORD, max_size=4))
    copies = draw(st.integers(1, 8))
    text = " ".join(before + phrase * copies + after)[:max_length]
    return text if text else "x"


def visible(text: str) -> bool:
    """Plan strings of invisible characters only are refused at parse (plan.py)."""
    return bool(strip_invisible(text))


def text(max_length: int) -> st.SearchStrategy[str]:
    plain = st.text(min_size=1, max_size=max_length).filter(visible)
    return st.one_of(looping_text(max_length).filter(visible), plain)


# Names are free strings (chendren/lam-training src/schema.ts): snake, kebab, anything.
IDENT = st.one_of(
    st.from_regex(r"[a-z_][a-z0-9_]{0,23}", fullmatch=True),
    st.from_regex(r"[a-z]{1,8}(-[a-z0-9]{1,8}){0,3}", fullmatch=True),
    st.text(min_size=1, max_size=24).filter(lambda name: strip_invisible(name).strip() != ""),
)
NAME = st.from_regex(AGENT_NAME_PATTERN, fullmatch=True).filter(lambda s: 3 <= len(s) <= 64)


def parameters() -> st.SearchStrategy[list[dict[str, Any]]]:
    parameter = st.fixed_dictionaries(
        {
            "name": IDENT,
            "type": st.sampled_from(["string", "integer", "boolean"]),
            "description": text(80),
            "required": st.booleans(),
        }
    )
    return st.lists(parameter, max_size=2)


def steps() -> st.SearchStrategy[list[dict[str, Any]]]:
    step = st.fixed_dictionaries(
        {"action": text(100)},
        optional={
            "tool": st.none() | IDENT,
            "input": st.dictionaries(IDENT, st.none() | text(40) | st.integers(), max_size=3),
            "on_failure": st.none() | text(80),
        },
    )
    # A looping model writes the same step again: repeat one of them.
    return st.one_of(st.lists(step, min_size=1, max_size=4), step.map(lambda s: [s] * 4))


def skill() -> st.SearchStrategy[dict[str, Any]]:
    return st.fixed_dictionaries(
        {
            "name": IDENT,
            "description": text(120),
            "trigger": text(100),
            "inputs": parameters(),
            "steps": steps(),
            "output": text(100),
        }
    )


def tool() -> st.SearchStrategy[dict[str, Any]]:
    return st.fixed_dictionaries(
        {"name": IDENT, "description": text(120), "parameters": parameters(), "returns": text(80)}
    )


def constraints() -> st.SearchStrategy[list[str]]:
    return st.one_of(st.lists(text(100), min_size=1, max_size=4), text(100).map(lambda c: [c] * 4))


@st.composite
def plans(draw: st.DrawFn) -> Plan:
    one_skill = skill()
    skills = draw(
        st.one_of(st.lists(one_skill, min_size=1, max_size=3), one_skill.map(lambda s: [s] * 3))
    )
    agent = {
        "name": draw(NAME),
        "description": draw(text(160)),
        "role": draw(text(80)),
        "tools": draw(st.lists(tool(), min_size=1, max_size=3)),
        "skills": skills,
        "constraints": draw(constraints()),
    }
    return Plan.model_validate({"reasoning": draw(text(400)), "agent": agent})


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(plans())
def test_any_plan_scores_100_without_diagnostics(plan: Plan) -> None:
    result = check_text(synthesize(plan).text, f"{plan.agent.name}.md", kind="agent")
    assert result.diagnostics == ()
    assert result.score == 100


@given(st.lists(st.sampled_from(["a", "b", "A", "c"]), max_size=60))
def test_collapsed_words_never_repeat_three_times(words: list[str]) -> None:
    line = " ".join(collapse_repeats(words))
    assert find_degenerate(line) is None
    assert collapse_repeats(line.split()) == line.split()  # already a fixpoint
    assert find_degenerate(" ".join(collapse_repeats(line.split() * 4))) is None


def words(text: str) -> list[str]:
    return text.split()


def test_a_runaway_phrase_keeps_one_copy() -> None:
    looping = words("check it fix the bug fix the bug FIX THE BUG fix the bug now")
    assert collapse_repeats(looping) == words("check it fix the bug now")
    assert collapse_repeats(words("fix the bug fix the bug")) == words("fix the bug fix the bug")


def test_fields_joined_on_one_line_cannot_add_up_to_a_runaway() -> None:
    plan = example_plan()
    looping = {"action": "if it fails: z. if it fails: z", "tool": None}
    plan["agent"]["skills"][0]["steps"][0] = {**looping, "on_failure": "z. if it fails: z"}
    text = synthesize(Plan.model_validate(plan)).text
    assert "\n1. if it fails: z.\n" in text  # the joined line collapsed to one copy
    assert check_text(text, "x.md").diagnostics == ()


@pytest.mark.parametrize("fence", ["```", "~~~", "```python"])
def test_plan_text_cannot_open_a_code_fence(fence: str) -> None:
    # A fence at the start of a line would turn the rest of the prompt into code.
    plan = example_plan()
    plan["agent"]["description"] = fence
    plan["agent"]["tools"][0]["description"] = f"{fence} then the rest"
    plan["agent"]["skills"][0]["description"] = fence
    text = synthesize(Plan.model_validate(plan)).text
    assert not any(line.startswith(("```", "~~~")) for line in text.splitlines())
    result = check_text(text, "x.md")
    assert (result.score, result.diagnostics) == (100, ())
