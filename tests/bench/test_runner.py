"""The runner and the report against the fake OpenAI server's canned replies."""

from __future__ import annotations

from statistics import mean
from typing import Any

import pytest

from lam_bot.backends import Completion
from lam_bot.backends.openai import OpenAIBackend
from lam_bot.bench import BenchConfig, run_bench
from lam_bot.bench.runner import Result
from lam_bot.bench.scorers import PLAN_RUBRIC
from lam_bot.errors import GenerationError
from lam_bot.generate import GenerateSettings
from lam_bot.plan import MAX_PLAN_TOKENS
from tests.bench.canned import ALL_REPLIES, EXEC_PASSED, EXEC_SCORES, PLAN_SCORES
from tests.support.fake_openai import FakeOpenAI, plan_reply
from tests.support.plans import example_plan_json

RESULT_FIELDS = set(Result.__dataclass_fields__)


def _run(server: FakeOpenAI, **config: Any) -> dict[str, Any]:
    settings = GenerateSettings(backend="openai", model="lam", base_url=server.url, attempts=1)
    backend = OpenAIBackend(server.url, "lam", retries=0)
    return run_bench(BenchConfig(settings, **config), backend=backend)


@pytest.fixture
def report(openai_server: FakeOpenAI) -> dict[str, Any]:
    openai_server.queue(*ALL_REPLIES)
    return _run(openai_server)


def test_scores_follow_the_canned_replies(report: dict[str, Any]) -> None:
    results = report["results"]
    assert [r["score"] for r in results] == PLAN_SCORES + EXEC_SCORES
    assert [r["passed"] for r in results[10:]] == EXEC_PASSED
    assert all(r["passed"] is None for r in results[:10])


def test_summary_has_the_cards_key_results(report: dict[str, Any]) -> None:
    summary = report["summary"]["repeated"]
    assert summary["plan_average"] == mean(PLAN_SCORES)
    assert summary["plan_minimum"] == 0
    assert summary["pass_rate"] == 0.6 and summary["passed"] == 6
    # not valid JSON: the truncated plan, two refusals, the cut-off reply, the HTTP 400
    assert summary["valid_json_rate"] == 15 / 20
    assert summary["errors"] == 6
    assert summary["average_latency_seconds"] > 0


def test_every_result_has_every_field(report: dict[str, Any]) -> None:
    for result in report["results"]:
        assert set(result) == RESULT_FIELDS
    plan, agent = report["results"][0], report["results"][10]
    assert set(plan["items"]) == {item.key for item in PLAN_RUBRIC}
    assert len(agent["items"]) == 8 and sum(agent["items"].values()) == agent["score"] == 100
    assert plan["completion_tokens"] > 0 and plan["prompt_tokens"] > 0
    assert plan["attempts"] == 1 and plan["seed"] == 0


def test_errors_are_recorded_not_fatal(report: dict[str, Any]) -> None:
    errors = {r["prompt_id"]: r["error"] for r in report["results"] if r["error"]}
    assert errors["unit-tests"] == "invalid JSON (scored a repaired prefix)"
    assert errors["api-latency"] == "no JSON object"
    assert (
        errors["markdown-format"] == f"the model's output was cut off at {MAX_PLAN_TOKENS} tokens"
    )
    assert "HTTP 400: bad request" in errors["package-json-deps"]
    assert errors["readme-sync"].startswith("the plan does not match the schema")
    cut = next(r for r in report["results"] if r["prompt_id"] == "markdown-format")
    assert cut["cut_off"] is True


def test_report_keeps_settings_but_never_the_api_key(openai_server: FakeOpenAI) -> None:
    settings = GenerateSettings(
        backend="openai", model="lam", base_url=openai_server.url, api_key="sk-secret"
    )
    report = run_bench(BenchConfig(settings, suite="plan"))
    assert "sk-secret" not in repr(report)
    assert report["settings"]["model"] == "lam" and report["settings"]["suite"] == "plan"
    assert [p["suite"] for p in report["prompts"]] == ["plan"] * 10


def test_conditions_change_the_request(openai_server: FakeOpenAI) -> None:
    report = _run(openai_server, suite="exec", repeats=(False, True), constraints=(True, False))
    assert report["conditions"] == [
        "standard",
        "repeated",
        "standard, unconstrained",
        "repeated, unconstrained",
    ]
    requests = openai_server.requests
    assert len(requests) == 40
    repeated = ["Let me repeat" in r["messages"][-1]["content"] for r in requests]
    assert repeated == [False] * 10 + [True] * 10 + [False] * 10 + [True] * 10
    constrained = ["response_format" in r for r in requests]
    assert constrained == [True] * 20 + [False] * 20


def test_runs_and_seeds(openai_server: FakeOpenAI) -> None:
    report = _run(openai_server, suite="plan", runs=3)
    assert len(report["results"]) == 30
    assert [r["seed"] for r in report["results"][:3]] == [0, 1, 2]
    assert [r["seed"] for r in openai_server.requests[:3]] == [0, 1, 2]


def test_exec_retries_until_it_passes(openai_server: FakeOpenAI) -> None:
    openai_server.queue(*([ALL_REPLIES[12]] + [plan_reply()] * 10))
    settings = GenerateSettings(backend="openai", model="lam", base_url=openai_server.url)
    backend = OpenAIBackend(openai_server.url, "lam", retries=0)
    report = run_bench(BenchConfig(settings, suite="exec"), backend=backend)
    first = report["results"][0]
    assert (first["attempts"], first["passed"], first["error"]) == (2, True, None)
    assert [r["seed"] for r in openai_server.requests[:2]] == [0, 1000]
    assert report["summary"]["repeated"]["first_attempt_passed"] == 9


class _Truncating:
    """A backend that stops every reply at the token limit, as unconstrained mlx does."""

    name = "truncating"

    def complete(self, messages: Any, schema: Any, **options: Any) -> Completion:
        text = example_plan_json()[:-40]
        return Completion(text, 100, options["max_tokens"], 2.0, 0.5, cut_off=True)


def test_cut_off_replies_are_scored_on_what_arrived() -> None:
    settings = GenerateSettings(model="lam", max_tokens=300)
    report = run_bench(BenchConfig(settings, suite="plan"), backend=_Truncating())
    first = report["results"][0]
    assert first["cut_off"] is True
    assert first["error"] == "the model's output was cut off at 300 tokens"
    assert first["score"] == 80  # all but valid JSON: the first constraint arrived whole
    assert first["tokens_per_second"] == 300 / 1.5
    summary = report["summary"]["repeated"]
    assert summary["tokens_per_second"] == 200.0 and summary["first_token_seconds"] == 0.5


class _Raising:
    """A backend that still raises GenerationError on a cut-off reply (the older contract)."""

    name = "raising"

    def complete(self, messages: Any, schema: Any, **options: Any) -> Completion:
        raise GenerationError(f"the model's output was cut off at {options['max_tokens']} tokens")


def test_cut_off_raised_by_a_backend_is_recorded() -> None:
    settings = GenerateSettings(model="lam", max_tokens=300)
    report = run_bench(BenchConfig(settings, suite="exec"), backend=_Raising())
    first = report["results"][0]
    assert (first["cut_off"], first["passed"], first["score"]) == (True, False, 0)
    assert first["error"] == "the model's output was cut off at 300 tokens"
    assert len(report["results"]) == 10  # the run went on
