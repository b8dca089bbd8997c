"""Hypothesis strategies for plans in the form synthesis writes them back unchanged.

Every string is one to four words, each word used once in the whole plan (a plan
whose fields repeat each other is one synthesis rightly tidies: repeated phrases are
collapsed, duplicate steps and constraints dropped), without a trailing full stop.
"""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st

from lam_bot.plan import Plan

_SYLLABLES = [
    "ka",
    "lo",
    "mi",
    "nu",
    "pe",
    "ra",
    "so",
    "ti",
    "vu",
    "we",
    "xa",
    "yo",
    "zi",
    "bo",
    "de",
    "fu",
    "ga",
    "hi",
    "ju",
    "ne",
]
VOCABULARY = [a + b for a in _SYLLABLES for b in _SYLLABLES]  # 400 words, all distinct
PARAM_TYPES = ["string", "integer", "number", "boolean", "array", "object"]


class _Words:
    def __init__(self, order: list[str]) -> None:
        self.order, self.at = order, 0

    def take(self, count: int) -> list[str]:
        taken = self.order[self.at : self.at + count]
        self.at += count
        return taken


@st.composite
def canonical_plans(draw: st.DrawFn) -> Plan:
    """A schema-valid plan in canonical form (see the module docstring)."""
    words = _Words(draw(st.permutations(VOCABULARY)))

    def text(most: int = 4) -> str:
        return " ".join(words.take(draw(st.integers(1, most))))

    def ident(joiner: str = "_") -> str:
        return joiner.join(words.take(draw(st.integers(1, 2))))

    def tool_name() -> str:
        # Free strings since the card's format; a backtick makes synthesis widen the fence.
        return draw(st.sampled_from(["_", " ", "-", "`"])).join(words.take(2))

    def value() -> object:
        choices = st.sampled_from([words.take(1)[0], 3, 2.5, True, False, None])
        return draw(choices)

    def step_input() -> dict[str, object] | None:
        if draw(st.booleans()):
            return None
        return {key: value() for key in words.take(draw(st.integers(1, 3)))}

    def parameter() -> dict[str, Any]:
        kind = draw(st.sampled_from(PARAM_TYPES))
        return {
            "name": ident(),
            "type": kind,
            "description": text(),
            "required": draw(st.booleans()),
        }

    def step() -> dict[str, Any]:
        tool = tool_name() if draw(st.booleans()) else None
        failure = text() if draw(st.booleans()) else None
        return {"action": text(), "tool": tool, "input": step_input(), "on_failure": failure}

    def count(low: int, high: int) -> int:
        return draw(st.integers(low, high))

    tools = [
        {
            "name": tool_name(),
            "description": text(),
            "parameters": [parameter() for _ in range(count(0, 3))],
            "returns": text(),
        }
        for _ in range(count(1, 4))
    ]
    skills = [
        {
            "name": ident("-"),
            "description": text(),
            "trigger": text(),
            "inputs": [parameter() for _ in range(count(0, 2))],
            "steps": [step() for _ in range(count(1, 6))],
            "output": text(),
        }
        for _ in range(count(1, 3))
    ]
    agent = {
        "name": "-".join(["agent", *words.take(count(1, 2))]),
        "description": text(),
        "role": text(),
        "tools": tools,
        "skills": skills,
        "constraints": [text() for _ in range(count(1, 4))],
    }
    return Plan.model_validate({"reasoning": text(8), "agent": agent})
