"""The generator's gate: vacuous agents are refused, risky ones kept for the reviewer."""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest
from click.testing import Result

from lam_bot.errors import GenerationError
from lam_bot.generate import GenerateSettings, generate_agent
from tests.support.fake_openai import FakeOpenAI, plan_reply
from tests.support.hostile import hostile_plan, vacuous_plan


def settings(server: FakeOpenAI, **changes: object) -> GenerateSettings:
    return GenerateSettings(backend="openai", model="lam", base_url=server.url, **changes)  # type: ignore[arg-type]


def test_a_vacuous_agent_gets_a_new_seed(openai_server: FakeOpenAI) -> None:
    openai_server.queue(plan_reply(vacuous_plan()), plan_reply())
    generated = generate_agent("x", settings(openai_server, seed=5))
    assert generated.attempts == 2
    assert [r["seed"] for r in openai_server.requests] == [5, 6]
    assert generated.result.score == 100


def test_only_vacuous_agents_fail_with_the_reasons(openai_server: FakeOpenAI) -> None:
    openai_server.queue(plan_reply(vacuous_plan()))
    with pytest.raises(GenerationError, match="no acceptable agent after 2 attempts") as info:
        generate_agent("x", settings(openai_server, attempts=2))
    assert len(info.value.reasons) == 2
    assert all("description-" in reason for reason in info.value.reasons)


def test_a_risky_agent_is_kept_with_its_findings(openai_server: FakeOpenAI) -> None:
    # Risk is the reviewer's call (the PR's "Review before merging"), not a reason to retry.
    openai_server.queue(plan_reply(hostile_plan()))
    generated = generate_agent("x", settings(openai_server))
    assert generated.attempts == 1
    found = {d.rule for d in generated.result.diagnostics}
    assert {"risk-pipe-to-shell", "risk-credential-send", "risk-override-instructions"} <= found
    assert "risk-hidden-content" in found
    assert all(rule.startswith("risk-") for rule in found)


def test_the_cli_reports_risk_findings_on_stderr(
    openai_server: FakeOpenAI, run_lam_bot: Callable[..., Result]
) -> None:
    openai_server.queue(plan_reply(hostile_plan()))
    result = run_lam_bot("generate", "-q", "x")
    assert result.exit_code == 0
    path = ".claude/agents/docker-memory-monitor.md"
    assert f"{path}:" in result.stderr and "warning risk-pipe-to-shell" in result.stderr
    assert path in result.stdout and "score 100/100" in result.stdout
    json_result = run_lam_bot("generate", "-q", "--plan-only", "--format", "json", "x")
    risks = json.loads(json_result.stdout)["risks"]
    assert {"risk-pipe-to-shell", "risk-override-instructions"} <= {r["rule"] for r in risks}
