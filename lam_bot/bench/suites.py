"""The model card's two 10-prompt suites, loaded from `suites.json` (package data).

Plan mode scores the raw plan the model returns; execution mode turns the plan into
an agent file and scores that file with the validator.
"""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from typing import NamedTuple

SUITES = ("plan", "exec")
# `--suite` choices: one suite or both, in this order.
SUITE_CHOICES: dict[str, tuple[str, ...]] = {"plan": ("plan",), "exec": ("exec",), "all": SUITES}


class Prompt(NamedTuple):
    """One benchmark request."""

    suite: str
    id: str
    topic: str
    request: str


@cache
def load_suites() -> dict[str, tuple[Prompt, ...]]:
    """Every suite's prompts, in the card's order."""
    raw = json.loads(resources.files("lam_bot.bench").joinpath("suites.json").read_text("utf-8"))
    return {
        suite: tuple(
            Prompt(suite, item["id"], item["topic"], item["request"]) for item in raw[suite]
        )
        for suite in SUITES
    }


def select_prompts(choice: str) -> list[Prompt]:
    """The prompts of `--suite plan|exec|all`."""
    suites = load_suites()
    return [prompt for suite in SUITE_CHOICES[choice] for prompt in suites[suite]]
