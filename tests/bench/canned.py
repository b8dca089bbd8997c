"""Canned server replies for the 20 prompts of `--suite all`, with the scores they earn.

Requests arrive plan suite first, then exec, in `suites.json` order; each takes the
next reply. The plan-suite replies lose one rubric item each (see test_scorers).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from tests.support.fake_openai import Reply, error_reply, plan_reply
from tests.support.plans import example_plan, example_plan_json


def _plan(change: Callable[[dict[str, Any]], None]) -> Reply:
    plan = example_plan()
    change(plan)
    return plan_reply(plan)


def _set(path: tuple[str, ...], value: Any) -> Callable[[dict[str, Any]], None]:
    def change(plan: dict[str, Any]) -> None:
        node = plan
        for key in path[:-1]:
            node = node[key]
        node[path[-1]] = value

    return change


NO_WHY = "A focused monitor agent: Bash runs docker stats, Read checks the config thresholds."
NO_DESIGN = "A focused monitor agent fits because the job is one loop: sample, compare, alert."

# (reply, plan-mode score or exec-mode score, passed)
PLAN_REPLIES: list[tuple[Reply, int]] = [
    (plan_reply(), 100),
    (_plan(_set(("reasoning",), NO_WHY)), 80),
    (_plan(_set(("reasoning",), NO_DESIGN)), 90),
    (_plan(_set(("agent", "description"), "")), 90),
    (_plan(_set(("agent", "constraints"), [])), 90),
    (_plan(lambda p: p["agent"]["skills"][0]["steps"].pop()), 100),  # 2 steps still multi-step
    (
        _plan(lambda p: p["agent"]["skills"][0].update(steps=p["agent"]["skills"][0]["steps"][:1])),
        85,
    ),
    (Reply(content=example_plan_json()[:-1]), 80),
    (plan_reply(style="think"), 100),
    (Reply(content="I cannot design that agent."), 0),
]
EXEC_REPLIES: list[tuple[Reply, int, bool]] = [
    (plan_reply(), 100, True),
    (plan_reply(style="fenced"), 100, True),
    (Reply(content="Sorry, no."), 0, False),
    (Reply(content=json.dumps({"reasoning": "short", "agent": {}})), 0, False),
    # Cut off: scored on what arrived, a plan without its end, which cannot be synthesised.
    (Reply(content=example_plan_json()[:-40], finish_reason="length"), 0, False),
    (error_reply(400, "bad request"), 0, False),
    (plan_reply(), 100, True),
    (plan_reply(), 100, True),
    (plan_reply(), 100, True),
    (plan_reply(), 100, True),
]

ALL_REPLIES = [reply for reply, _ in PLAN_REPLIES] + [reply for reply, _, _ in EXEC_REPLIES]
PLAN_SCORES = [score for _, score in PLAN_REPLIES]
EXEC_SCORES = [score for _, score, _ in EXEC_REPLIES]
EXEC_PASSED = [passed for _, _, passed in EXEC_REPLIES]
