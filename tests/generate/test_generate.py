from __future__ import annotations

import os
from pathlib import Path

import pytest

from lam_bot.errors import GenerationError, InputError
from lam_bot.files import atomic_write
from lam_bot.generate import GenerateSettings, generate_agent, write_agent
from lam_bot.plan import plan_json_schema
from tests.support.fake_openai import FakeOpenAI, Reply, error_reply, plan_reply
from tests.support.plans import EXAMPLE_REQUEST, example_plan


def settings(server: FakeOpenAI, **changes: object) -> GenerateSettings:
    return GenerateSettings(backend="openai", model="lam", base_url=server.url, **changes)  # type: ignore[arg-type]


def test_generates_the_seed_example(openai_server: FakeOpenAI) -> None:
    messages: list[str] = []
    generated = generate_agent(EXAMPLE_REQUEST, settings(openai_server), progress=messages.append)
    assert generated.name == "docker-memory-monitor"
    assert generated.filename == "docker-memory-monitor.md"
    assert generated.result.score == 100
    assert (generated.attempts, generated.backend, generated.model) == (1, "openai", "lam")
    assert generated.tokens > 0
    body = openai_server.requests[0]
    assert body["response_format"]["json_schema"]["schema"] == plan_json_schema()
    assert "Let me repeat your instruction" in body["messages"][1]["content"]
    assert any("tokens in" in message for message in messages)


def test_retries_with_a_new_seed_after_a_bad_plan(openai_server: FakeOpenAI) -> None:
    broken = example_plan()
    del broken["agent"]["skills"]
    openai_server.queue(plan_reply(broken), plan_reply())
    generated = generate_agent("x", settings(openai_server, seed=10, repeat=False))
    assert generated.attempts == 2
    assert [r["seed"] for r in openai_server.requests] == [10, 11]
    assert "Let me repeat" not in openai_server.requests[0]["messages"][1]["content"]


def test_gives_up_with_reasons(openai_server: FakeOpenAI) -> None:
    cut = Reply(content='{"reasoning": "The user', finish_reason="length")
    openai_server.queue(Reply(content="no plan here"), cut)
    with pytest.raises(GenerationError, match=r"after 2 attempts: attempt 2: .*cut off") as info:
        generate_agent("x", settings(openai_server))
    assert len(info.value.reasons) == 2
    assert "no JSON object" in info.value.reasons[0]


def test_unconstrained_sends_no_schema(openai_server: FakeOpenAI) -> None:
    generate_agent("x", settings(openai_server, constrained=False))
    assert "response_format" not in openai_server.requests[0]


def test_backend_errors_are_not_retried(openai_server: FakeOpenAI) -> None:
    openai_server.queue(error_reply(401, "bad key"))
    with pytest.raises(Exception, match="HTTP 401: bad key"):
        generate_agent("x", settings(openai_server))
    assert len(openai_server.requests) == 1


def test_write_agent(openai_server: FakeOpenAI, tmp_path: Path) -> None:
    generated = generate_agent("x", settings(openai_server))
    out = tmp_path / "agents"
    path = write_agent(generated, out)
    assert path == out.resolve() / "docker-memory-monitor.md"
    assert path.read_text() == generated.text
    assert write_agent(generated, out) == path  # identical content: nothing to refuse
    path.write_text("hand-edited\n")
    with pytest.raises(InputError, match="exists and differs"):
        write_agent(generated, out)
    assert path.read_text() == "hand-edited\n"
    write_agent(generated, out, force=True)
    assert path.read_text() == generated.text
    assert sorted(os.listdir(out)) == ["docker-memory-monitor.md"]


def test_atomic_write_leaves_nothing_on_failure(tmp_path: Path) -> None:
    target = tmp_path / "a.md"
    target.write_text("old")
    with pytest.raises(TypeError):
        atomic_write(target, None)  # type: ignore[arg-type]
    assert target.read_text() == "old"
    assert os.listdir(tmp_path) == ["a.md"]
