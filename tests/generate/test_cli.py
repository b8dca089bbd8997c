from __future__ import annotations

import json
from collections.abc import Callable
from functools import partial
from pathlib import Path

import pytest
from click.testing import Result

from tests.support.fake_openai import FakeOpenAI, Reply, error_reply
from tests.support.plans import EXAMPLE_PLAN, card_plan_text

Invoke = Callable[..., Result]


@pytest.fixture
def run(run_lam_bot: Invoke) -> Invoke:
    return partial(run_lam_bot, "generate")


def test_writes_the_agent_and_prints_one_line(run: Invoke, tmp_path: Path) -> None:
    result = run("Monitor docker memory", "-q")
    assert result.exit_code == 0, result.output
    path = Path(".claude/agents/docker-memory-monitor.md")
    assert (tmp_path / path).is_file()
    line = result.stdout.strip()
    assert line.startswith(f"{path}  score 100/100  ")  # relative, as the README shows
    assert line.endswith("s") and " tokens  " in line
    assert result.stderr == ""


def test_a_path_outside_the_current_folder_is_printed_whole(
    run: Invoke, tmp_path_factory: pytest.TempPathFactory
) -> None:
    elsewhere = tmp_path_factory.mktemp("elsewhere")
    result = run("Monitor docker memory", "-q", "--out", str(elsewhere))
    assert result.exit_code == 0, result.output
    written = (elsewhere / "docker-memory-monitor.md").resolve()
    assert written.is_file()
    assert result.stdout.startswith(f"{written}  score 100/100  ")


def test_progress_goes_to_stderr(run: Invoke) -> None:
    result = run("Monitor docker memory", "--plan-only")
    assert result.exit_code == 0
    assert "attempt 1/2" in result.stderr
    assert json.loads(result.stdout) == EXAMPLE_PLAN
    assert not Path(".claude").exists()


def test_stdin_and_json_format(run: Invoke, openai_server: FakeOpenAI) -> None:
    result = run("-", "--format", "json", "-q", "--out", "agents", stdin="Watch memory\n")
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    assert set(data) == {
        "path",
        "name",
        "score",
        "tokens",
        "seconds",
        "attempts",
        "backend",
        "model",
        "tools",
        "risks",
        "plan",
    }
    assert data["path"].endswith("agents/docker-memory-monitor.md")
    assert data["tools"][0] == {"tool": "Read", "reason": data["tools"][0]["reason"]}
    assert "User request: Watch memory" in openai_server.requests[0]["messages"][1]["content"]


def test_refuses_to_overwrite_without_force(run: Invoke) -> None:
    target = Path(".claude/agents/docker-memory-monitor.md")
    target.parent.mkdir(parents=True)
    target.write_text("mine\n")
    result = run("Monitor docker memory", "-q")
    assert result.exit_code == 1
    assert "exists and differs (use --force" in result.stderr
    assert target.read_text() == "mine\n"
    assert run("Monitor docker memory", "-q", "--force").exit_code == 0


def test_generation_failure_exits_1_with_reasons(run: Invoke, openai_server: FakeOpenAI) -> None:
    openai_server.queue(Reply(content="Sorry, no."))
    result = run("x", "--attempts", "3", "-q")
    assert result.exit_code == 1
    assert result.stderr.count("attempt ") == 4  # three reasons and the summary line
    assert result.stderr.strip().splitlines()[-1].startswith("Error: no acceptable agent after 3")
    assert "Traceback" not in result.output


def test_server_unreachable_is_one_line(run: Invoke, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LAM_BOT_BASE_URL", "http://127.0.0.1:9/v1")
    result = run("x", "-q")
    assert result.exit_code == 1
    assert result.stderr.strip().count("\n") == 0
    assert result.stderr.startswith("Error: cannot reach http://127.0.0.1:9/v1")


def test_cut_off_output(run: Invoke, openai_server: FakeOpenAI) -> None:
    openai_server.queue(Reply(content='{"reasoning": "', finish_reason="length"))
    result = run("x", "-q", "--attempts", "1", "--max-tokens", "64")
    assert result.exit_code == 1
    assert "cut off at 64 tokens" in result.stderr


def test_empty_request_and_bad_options(run: Invoke) -> None:
    assert run("   ", "-q").exit_code == 1
    assert run("x", "--backend", "nope").exit_code == 2
    assert run("x", "--attempts", "0").exit_code == 2


def test_openai_backend_needs_a_base_url(run: Invoke, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("LAM_BOT_BASE_URL")
    result = run("x", "-q")
    assert result.exit_code == 1
    assert "needs --base-url or LAM_BOT_BASE_URL" in result.stderr


def test_server_error_exit_1(run: Invoke, openai_server: FakeOpenAI) -> None:
    openai_server.queue(error_reply(404, "model 'lam' not found"))
    result = run("x", "-q")
    assert result.exit_code == 1
    assert "model 'lam' not found" in result.stderr


def test_mlx_model_not_found_is_one_line(run: Invoke, tmp_path: Path) -> None:
    missing = tmp_path / "missing"
    result = run("x", "-q", "--backend", "mlx", "--model", str(missing))
    assert result.exit_code == 1
    assert result.stderr == f"Error: --model {missing}: no such file or folder\n"


def test_mlx_default_model_offline_is_one_line(run: Invoke) -> None:
    result = run("x", "-q", "--backend", "mlx", "--model", "chendren/Qwen3-8B-LAM-v4")
    assert result.exit_code == 1
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and "(about 16 GB)" in lines[0] and "--model smollm2" in lines[0]


@pytest.mark.parametrize(
    "wrap",
    [
        "{}",
        "<think>\nA Docker monitor.\n</think>\n\n{}",
        "```json\n{}\n```",
        "Here is the agent:\n\n{}\n\nWant changes?",
    ],
)
def test_the_cards_plan_as_printed_becomes_a_file_scoring_100(
    run: Invoke, openai_server: FakeOpenAI, wrap: str
) -> None:
    # What a server that ignores response_format (mlx_lm.server) returns from the
    # fine-tuned model: the card's layout, pretty-printed, wrapped as models do.
    openai_server.queue(Reply(content=wrap.replace("{}", card_plan_text())))
    result = run("Monitor docker memory", "-q", "--format", "json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["score"] == 100 and data["attempts"] == 1
    assert data["plan"] == json.loads(card_plan_text())  # the keys the card wrote, no more
    text = Path(data["path"]).read_text()
    assert "3. Send alert for breaches. Use `send_alert`." in text


def test_a_windows_reserved_agent_name_is_regenerated_then_refused(
    run: Invoke, openai_server: FakeOpenAI
) -> None:
    plan = json.loads(card_plan_text())
    plan["agent"]["name"] = "con"
    openai_server.queue(Reply(content=json.dumps(plan)))
    result = run("Monitor docker memory", "-q")
    assert result.exit_code == 1
    assert "agent.name: Value error, 'con' is a reserved file name on Windows" in result.stderr
    assert len(openai_server.requests) == 2 and not Path(".claude").exists()


def test_help_shows_the_environment_variables(run: Invoke) -> None:
    text = " ".join(run("--help").stdout.split())
    for name in (
        "LAM_BOT_BACKEND",
        "LAM_BOT_MODEL",
        "LAM_BOT_BASE_URL",
        "LAM_BOT_API_KEY",
        "LAM_BOT_TIMEOUT",
        "LAM_BOT_ATTEMPTS",
        "LAM_BOT_REPEAT",
        "HF_HUB_OFFLINE",
    ):
        assert name in text
    assert "[env var: LAM_BOT_TIMEOUT; default: 300.0;" in text


def test_timeout_option_reaches_the_backend(run: Invoke, openai_server: FakeOpenAI) -> None:
    openai_server.queue(Reply(content=card_plan_text(), delay=1.0))
    result = run("Monitor docker memory", "-q", "--timeout", "0.3", "--attempts", "1")
    assert result.exit_code == 1
    assert result.stderr.endswith("no answer within 0.3s\n")
