"""`lam-bot bench` end to end against the fake OpenAI server."""

from __future__ import annotations

import json
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

import pytest
from click.testing import Result

from lam_bot.backends import Completion
from tests.bench.canned import ALL_REPLIES
from tests.support.fake_openai import FakeOpenAI, error_reply, plan_reply
from tests.support.plans import example_plan_json

Invoke = Callable[..., Result]


@pytest.fixture
def run(run_lam_bot: Invoke) -> Invoke:
    return partial(run_lam_bot, "bench")


def test_tables_on_stdout_reports_on_disk(run: Invoke, openai_server: FakeOpenAI) -> None:
    openai_server.queue(*ALL_REPLIES)
    result = run("--out", "report.json", "--markdown", "report.md", "-q")
    assert result.exit_code == 0, result.output
    assert result.stderr == ""
    for title in ("Key results", "Per-prompt scores", "Agent generation pass rate", "Errors"):
        assert title in result.stdout
    assert "Plan mode avg score         81.5/100" in result.stdout
    assert "Agent generation pass rate  60% (6/10)" in result.stdout
    report = json.loads(Path("report.json").read_text())
    assert len(report["results"]) == 20
    markdown = Path("report.md").read_text()
    assert "| Plan mode avg score | 81.5/100 |" in markdown
    assert sorted(p.name for p in Path().iterdir()) == ["report.json", "report.md"]


def test_progress_counts_on_stderr(run: Invoke) -> None:
    result = run("--suite", "plan")
    assert result.exit_code == 0
    lines = result.stderr.splitlines()
    assert len(lines) == 10
    assert lines[0] == "[1/10] plan s3-monitoring (repeated, run 0): score 100"


def test_compare_repetition_fills_the_matrix(run: Invoke, openai_server: FakeOpenAI) -> None:
    result = run("--suite", "exec", "--compare-repetition", "--unconstrained", "-q")
    assert result.exit_code == 0
    assert "lam (unconstrained)  100% (10/10)     100% (10/10)" in result.stdout
    assert "Standard prompt  + Instruction repetition" in result.stdout
    assert not any("response_format" in r for r in openai_server.requests)


def test_attempts_default_to_one(run: Invoke, openai_server: FakeOpenAI) -> None:
    openai_server.queue(ALL_REPLIES[12], plan_reply())  # a refusal, then the example
    assert run("--suite", "exec", "-q", "--out", "once.json").exit_code == 0
    openai_server.queue(ALL_REPLIES[12], plan_reply())
    assert run("--suite", "exec", "-q", "--attempts", "2", "--out", "twice.json").exit_code == 0
    once = json.loads(Path("once.json").read_text())
    twice = json.loads(Path("twice.json").read_text())
    assert [(r["attempts"], r["passed"]) for r in once["results"][:2]] == [(1, False), (1, True)]
    assert (twice["results"][0]["attempts"], twice["results"][0]["passed"]) == (2, True)
    assert (once["settings"]["attempts"], twice["settings"]["attempts"]) == (1, 2)


def test_missing_output_folder_fails_before_running(run: Invoke, openai_server: FakeOpenAI) -> None:
    result = run("--out", "no/such/report.json")
    assert result.exit_code == 1
    assert result.stderr == "Error: no/such/report.json: folder no/such does not exist\n"
    assert openai_server.requests == []


def test_unknown_suite_is_a_usage_error(run: Invoke) -> None:
    result = run("--suite", "nope")
    assert result.exit_code == 2
    assert "Invalid value for '--suite'" in result.stderr


def test_backend_configuration_errors_are_one_line(
    run: Invoke, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("LAM_BOT_BASE_URL")
    result = run("--suite", "plan")
    assert result.exit_code == 1
    assert result.stderr == "Error: the openai backend needs --base-url or LAM_BOT_BASE_URL\n"


class _Interrupting:
    """Answers twice with the example plan, then the user presses Ctrl-C."""

    name = "interrupting"

    def __init__(self) -> None:
        self.calls = 0

    def complete(self, messages: Any, schema: Any, **options: Any) -> Completion:
        self.calls += 1
        if self.calls > 2:
            raise KeyboardInterrupt
        return Completion(example_plan_json(), 100, 300, 2.0, 0.5)


def test_ctrl_c_keeps_what_finished(run: Invoke, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("lam_bot.backends.get_backend", lambda settings: _Interrupting())
    result = run("--out", "report.json", "--markdown", "report.md")
    assert result.exit_code == 130
    assert result.stderr.endswith("Interrupted: 2 results kept.\n")
    report = json.loads(Path("report.json").read_text())
    assert report["interrupted"] is True
    assert [r["score"] for r in report["results"]] == [100, 100]
    assert "plan   Slack standup bot                 100" in result.stdout
    assert "plan   PR SQL-injection review           -" in result.stdout
    assert Path("report.md").is_file()


@pytest.mark.parametrize(("command", "default"), [("bench", 1), ("generate", 2)])
def test_attempts_help_states_each_commands_default(
    run_lam_bot: Invoke, command: str, default: int
) -> None:
    help_text = " ".join(run_lam_bot(command, "--help").stdout.split())
    assert (
        f"before giving up. [env var: LAM_BOT_ATTEMPTS; default: {default}; 1<=x<=10]" in help_text
    )


def test_no_reply_at_all_exits_1_after_the_tables(run: Invoke, openai_server: FakeOpenAI) -> None:
    openai_server.queue(error_reply(404, "model 'lam' not found"))
    result = run("--suite", "plan", "-q", "--out", "report.json")
    assert result.exit_code == 1
    assert "Key results" in result.stdout  # the tables and report still show what happened
    assert result.stderr == (
        "Error: no prompt got a reply from the model (first error: "
        f"{openai_server.url}/chat/completions: HTTP 404: model 'lam' not found)\n"
    )
    assert len(json.loads(Path("report.json").read_text())["results"]) == 10


def test_one_reply_is_enough_to_succeed(run: Invoke, openai_server: FakeOpenAI) -> None:
    openai_server.queue(plan_reply(), error_reply(400, "bad"))
    assert run("--suite", "plan", "-q").exit_code == 0
