"""Vacuous-content rules: SmolLM2's 100/100 agent is refused, real prose is left alone."""

from __future__ import annotations

import pytest

from lam_bot.plan import Plan
from lam_bot.synthesize import synthesize
from lam_bot.validator import check_text
from lam_bot.validator.rules.vacuous import VACUOUS_RULES, description_problem
from tests.support.hostile import vacuous_plan
from tests.support.plans import example_plan
from tests.validator.helpers import agent_text, rules

HEAD = "name: reviewer\ndescription: Reviews code.\ntools: Read\n"
BODY = "You review code and explain each finding clearly.\n\n"


def body_rules(extra: str) -> set[str]:
    return rules(check_text(agent_text(HEAD, BODY + extra), kind="agent")) & VACUOUS_RULES


def test_smollm2s_agent_no_longer_scores_100() -> None:
    text = synthesize(Plan.model_validate(vacuous_plan())).text
    assert "description: docker-monitor-dcc-1. Use when 1." in text  # the file
    assert "1. 1. Use `docker_monitor_dcc_1`. If it fails: 1,." in text
    assert "- The service is a ,." in text
    result = check_text(text, "docker-monitor-dcc-1.md", kind="agent")
    assert rules(result) == VACUOUS_RULES - {"parameter-duplicate"}
    assert result.score is not None and result.score < 100
    lost = {item.key for item in result.rubric if item.points < item.max_points}
    assert lost == {"description", "no_degenerate"}


def test_the_cards_example_plan_is_not_vacuous() -> None:
    result = check_text(synthesize(Plan.model_validate(example_plan())).text, kind="agent")
    assert (result.score, result.diagnostics) == (100, ())


@pytest.mark.parametrize(
    ("description", "name", "vacuous"),
    [
        ("docker-monitor-dcc-1.", "docker-monitor-dcc-1", True),
        ("The docker monitor agent.", "docker-monitor", True),
        ("Python code, security and style.", "reviewer", True),  # no verb
        ("1.", "reviewer", True),
        ("Reviews Python code for security problems.", "reviewer", False),
        ("Expert Python developer. Use PROACTIVELY for refactoring.", "python-pro", False),
        ("Docker monitor. Use when containers run out of memory.", "docker-monitor", False),
        ("Generate release notes from merged pull requests.", "notes", False),
        # The "use" of "use when" is removed before the verb test, not counted as a verb.
        ("Use when: x", "reviewer", True),
        ("Use when x", "reviewer", True),
        ("Use when the x.", "reviewer", True),
        ("Use whenever the docker box.", "reviewer", True),
        ("Use when code changes.", "reviewer", False),
        ("Use this to review pull requests.", "reviewer", False),
    ],
)
def test_description(description: str, name: str, vacuous: bool) -> None:
    words = set(name.split("-"))
    assert (description_problem(description, words) is not None) is vacuous


@pytest.mark.parametrize(
    ("description", "fires"),
    [
        ("Reviews code. Use when 1.", True),
        ("Reviews code. Use when ,.", True),
        ("Reviews code. Use whenever.", True),
        ("Reviews code. Use when a pull request opens.", False),
        ("Reviews code. Use when: the build breaks.", False),
        ("Reviews code, e.g. style. Use if the user asks.", False),
    ],
)
def test_use_when_clause(description: str, fires: bool) -> None:
    text = agent_text(f"name: reviewer\ndescription: {description!r}\ntools: Read\n", BODY)
    assert ("description-trigger-empty" in rules(check_text(text, kind="agent"))) is fires


@pytest.mark.parametrize(
    ("extra", "expected"),
    [
        ("## Constraints\n\n- The service is a ,.\n", {"body-fragment"}),
        ("## Steps\n\n1. Run the tests.\n2. 3,.\n", {"body-fragment"}),
        ("## Steps\n\n1. Run the tests.\n2.\n", {"body-fragment"}),
        ("- 42\n", {"body-fragment"}),
        ("1. 1. Run the tests.\n", {"list-self-numbered"}),
        ("When: 1.\n", {"description-trigger-empty"}),
        (
            "### `stats`\n\n- Parameter `id` (string): one\n- Parameter `id` (string): two\n",
            {"parameter-duplicate"},
        ),
        ("- Input `x` (number): a\n- `x`: b\n", {"parameter-duplicate"}),
    ],
)
def test_body_fires(extra: str, expected: set[str]) -> None:
    assert body_rules(extra) == expected


@pytest.mark.parametrize(
    "extra",
    [
        "## Steps\n\n1. Run steps 1, 2 and 3.\n2. Phase 1:\n   - Run the tests.\n",
        "- Keep it under 1,000 lines.\n- Timeout: 30 seconds.\n",
        "1. 2024 was the first release; 2. is not a number here.\n",
        "1. 1.5x faster builds are the goal.\n",
        "- - -\n\n* * *\n",
        "```\n1. 1. inside code\n- ,.\n```\n",
        "### a\n\n- `id` (string): one\n\n### b\n\n- `id` (string): two\n",
        "When: the build breaks.\n",
        "- Use `x`; then `y`.\n",
    ],
)
def test_body_leaves_alone(extra: str) -> None:
    assert body_rules(extra) == set()


def test_vacuous_findings_are_warnings_that_cost_points() -> None:
    text = agent_text(HEAD, BODY + "## Process\n\n1. 1. Run the tests.\n")
    result = check_text(text, kind="agent")
    assert {d.severity for d in result.diagnostics} == {"warning"}
    clean = check_text(agent_text(HEAD, BODY + "## Process\n\n1. Run the tests.\n"), kind="agent")
    assert result.score == clean.score - 5  # the "no degenerate content" points


@pytest.mark.parametrize(
    ("extra", "expected"),
    [
        # Trailing off is read from the end of the line: markup after the last word is
        # dropped first, and the word must hold a `,` or `;`.
        ("- The service is a `,.`**\n", {"body-fragment"}),
        ("- Run it with 12;.__ \n", {"body-fragment"}),
        ("- Run it with 1;2.__ \n", set()),
        ("- Run it with a, b.\n", set()),
        ("  - `x`\n", set()),
        ("- **`1`**\n", {"body-fragment"}),
    ],
)
def test_body_fragment_edges(extra: str, expected: set[str]) -> None:
    assert body_rules(extra) == expected


def test_parameter_duplicates_name_the_first_line_in_a_long_body() -> None:
    items = "".join(f"- `p{n}`: input {n}\n" for n in range(200))
    text = agent_text(HEAD, BODY + items + "- `p7`: again\n")
    result = check_text(text, kind="agent")
    (finding,) = [d for d in result.diagnostics if d.rule == "parameter-duplicate"]
    lines = text.split("\n")
    assert lines[finding.line - 1] == "- `p7`: again"
    first = int(finding.message.rsplit("line ", 1)[1].rstrip(")"))
    assert lines[first - 1] == "- `p7`: input 7"
