"""The execution-mode score and the body tests it rests on."""

from __future__ import annotations

import pytest

from lam_bot.validator import check_text
from lam_bot.validator.content import find_degenerate, has_constraints, has_process
from lam_bot.validator.score import RUBRIC
from tests.validator.helpers import GOOD_AGENT, agent_text

HEAD = "name: reviewer\ndescription: Reviews code.\n"


def _points(text: str) -> dict[str, int]:
    return {item.key: item.points for item in check_text(text).rubric}


def test_rubric_weights_sum_to_100() -> None:
    assert sum(points for _, _, points in RUBRIC) == 100
    assert [key for key, _, _ in RUBRIC] == [
        "frontmatter", "name", "description", "tools", "body", "process", "constraints",
        "no_degenerate",
    ]  # fmt: skip


def test_good_agent_scores_100() -> None:
    result = check_text(GOOD_AGENT.read_text())
    assert result.score == 100
    assert all(item.points == item.max_points for item in result.rubric)


@pytest.mark.parametrize(
    ("frontmatter", "lost"),
    [
        (HEAD, "tools"),
        (HEAD + "tools:\n  - Read\n", "tools"),
        (HEAD + "tools: Read, Task\n", "tools"),
        ("description: Reviews code.\ntools: Read\n", "name"),
        ("name: reviewer\ntools: Read\n", "description"),
    ],
)
def test_each_item_can_be_lost(frontmatter: str, lost: str) -> None:
    points = _points(agent_text(frontmatter))
    assert points[lost] == 0
    assert points["frontmatter"] == 25


def test_broken_yaml_loses_the_frontmatter_points() -> None:
    points = _points("---\nname: a\ndescription: Use when\n  user: x\n---\n\n" + "x" * 60)
    assert points["frontmatter"] == points["name"] == 0


def test_unreadable_agent_scores_zero() -> None:
    assert check_text("").score == 0


@pytest.mark.parametrize(
    "body",
    [
        "## Workflow\nLook first.",
        "When invoked:\n- look",
        "1. Read\n2. Think\n\n3. Write",
        "**Steps:**\n- one",
    ],
)
def test_process_recognised(body: str) -> None:
    assert has_process(body)


@pytest.mark.parametrize(
    "body", ["1. Read\n2. Think", "We process data quickly.", "```\n## Steps\n```"]
)
def test_no_process(body: str) -> None:
    assert not has_process(body)


@pytest.mark.parametrize(
    "body",
    [
        "## Constraints\n- be kind",
        "Guardrails:\n- stay in scope",
        "- Never delete files.\n- Do not push.",
        "Avoid large diffs.\nOnly comment when the risk is real.",
    ],
)
def test_constraints_recognised(body: str) -> None:
    assert has_constraints(body)


@pytest.mark.parametrize("body", ["- Never delete files.", "Be helpful and kind."])
def test_no_constraints(body: str) -> None:
    assert not has_constraints(body)


@pytest.mark.parametrize(
    ("body", "offset"),
    [
        ("a\nRepeat this line\n\nRepeat this line\nRepeat this line\n", 1),
        ("intro\n| a | b |\n| :--- | ---: |\n", 2),
        ("x\nfix the bug " * 1 + "fix the bug " * 4, 1),
        ("go " * 8, 0),
    ],
)
def test_degenerate_found_at_its_line(body: str, offset: int) -> None:
    found = find_degenerate(body)
    assert found is not None
    assert found.offset == offset


@pytest.mark.parametrize(
    "body",
    [
        "}\n}\n}\n",  # short lines such as closing braces repeat naturally
        "```\nsame line here\nsame line here\nsame line here\n```",
        "---\ntext\n---",
        "very very very good",
        "Check A. Check B. Check C.",
    ],
)
def test_not_degenerate(body: str) -> None:
    assert find_degenerate(body) is None
