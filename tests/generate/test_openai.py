from __future__ import annotations

import json

import pytest

from lam_bot.backends.openai import OpenAIBackend
from lam_bot.errors import BackendError, ConfigError, GenerationError
from lam_bot.plan import parse_plan, plan_json_schema
from lam_bot.prompt import build_messages
from tests.support.fake_openai import FakeOpenAI, Reply, error_reply, plan_reply

MESSAGES = build_messages("Monitor docker memory")


def backend(server: FakeOpenAI, **options: float) -> OpenAIBackend:
    options.setdefault("backoff", 0.01)
    return OpenAIBackend(server.url, "lam", "sk-test", **options)  # type: ignore[arg-type]


def complete(server: FakeOpenAI, **options: float) -> str:
    result = backend(server, **options).complete(
        MESSAGES, plan_json_schema(), seed=7, temperature=0.7, max_tokens=512
    )
    return result.text


def test_request_carries_schema_and_options(openai_server: FakeOpenAI) -> None:
    result = backend(openai_server).complete(
        MESSAGES, plan_json_schema(), seed=7, temperature=0.5, max_tokens=512
    )
    parse_plan(result.text)
    body = openai_server.requests[0]
    assert body["response_format"]["type"] == "json_schema"
    assert body["response_format"]["json_schema"]["name"] == "agent_plan"
    assert body["response_format"]["json_schema"]["strict"] is True
    assert body["chat_template_kwargs"] == {"enable_thinking": False}
    assert (body["seed"], body["temperature"], body["max_tokens"]) == (7, 0.5, 512)
    assert openai_server.headers[0]["Authorization"] == "Bearer sk-test"
    assert result.completion_tokens > 0 and result.prompt_tokens > 0


def test_unconstrained_sends_no_response_format(openai_server: FakeOpenAI) -> None:
    backend(openai_server).complete(MESSAGES, None, seed=None, temperature=None, max_tokens=64)
    body = openai_server.requests[0]
    assert "response_format" not in body and "seed" not in body and "temperature" not in body


def test_retries_500_then_succeeds(openai_server: FakeOpenAI) -> None:
    openai_server.queue(error_reply(500), error_reply(503), plan_reply())
    parse_plan(complete(openai_server))
    assert len(openai_server.requests) == 3


def test_gives_up_after_bounded_retries(openai_server: FakeOpenAI) -> None:
    openai_server.queue(error_reply(500, "model crashed"))
    with pytest.raises(BackendError, match="HTTP 500: model crashed"):
        complete(openai_server, retries=2)
    assert len(openai_server.requests) == 3


def test_429_honours_retry_after(openai_server: FakeOpenAI) -> None:
    openai_server.queue(error_reply(429, headers={"Retry-After": "0.05"}), plan_reply())
    parse_plan(complete(openai_server, backoff=100))  # a 100 s backoff would hang here
    assert len(openai_server.requests) == 2


def test_4xx_is_not_retried(openai_server: FakeOpenAI) -> None:
    openai_server.queue(error_reply(404, "model 'lam' not found"))
    with pytest.raises(BackendError, match="HTTP 404: model 'lam' not found"):
        complete(openai_server)
    assert len(openai_server.requests) == 1


def test_timeout_is_a_backend_error(openai_server: FakeOpenAI) -> None:
    openai_server.queue(Reply(content="{}", delay=1.0))
    with pytest.raises(BackendError, match=r"no answer within 0\.2s"):
        complete(openai_server, timeout=0.2)


@pytest.mark.parametrize("style", ["think", "fenced", "prose"])
def test_server_ignoring_response_format_is_repaired(openai_server: FakeOpenAI, style: str) -> None:
    openai_server.queue(plan_reply(style=style))
    assert parse_plan(complete(openai_server)).agent.name == "docker-memory-monitor"


def test_prose_without_json_is_a_generation_error(openai_server: FakeOpenAI) -> None:
    openai_server.queue(Reply(content="I would build a monitor agent with two tools."))
    with pytest.raises(GenerationError, match="no JSON object"):
        parse_plan(complete(openai_server))


@pytest.mark.parametrize("stream", [True, False])
def test_cut_off_output_keeps_its_text(openai_server: FakeOpenAI, stream: bool) -> None:
    openai_server.queue(Reply(content='{"reasoning": "x', finish_reason="length", stream=stream))
    completion = backend(openai_server).complete(
        MESSAGES, None, seed=None, temperature=None, max_tokens=512
    )
    assert completion.cut_off is True
    assert completion.text == '{"reasoning": "x'


def test_complete_reply_is_not_cut_off(openai_server: FakeOpenAI) -> None:
    assert (
        backend(openai_server)
        .complete(MESSAGES, None, seed=None, temperature=None, max_tokens=512)
        .cut_off
        is False
    )


def test_server_unreachable() -> None:
    dead = OpenAIBackend("http://127.0.0.1:9/v1", "lam", retries=0)
    with pytest.raises(BackendError, match=r"cannot reach http://127\.0\.0\.1:9/v1"):
        dead.complete(MESSAGES, None, seed=None, temperature=None, max_tokens=8)


def test_malformed_answer(openai_server: FakeOpenAI) -> None:
    openai_server.queue(Reply(body=json.dumps({"object": "list"}).encode()))
    with pytest.raises(BackendError, match="no choices"):
        complete(openai_server)


def test_bad_base_url() -> None:
    with pytest.raises(ConfigError, match="http:// or https://"):
        OpenAIBackend("localhost:8000/v1", "lam")


def test_streams_and_measures_the_first_token(openai_server: FakeOpenAI) -> None:
    openai_server.queue(plan_reply()._replace(chunk_delay=0.002))
    result = backend(openai_server).complete(
        MESSAGES, plan_json_schema(), seed=7, temperature=None, max_tokens=512
    )
    body = openai_server.requests[0]
    assert body["stream"] is True and body["stream_options"] == {"include_usage": True}
    assert parse_plan(result.text).agent.name == "docker-memory-monitor"
    assert result.completion_tokens == len(result.text) // 4  # the usage event's figure
    # Many events came after the first one, each at least chunk_delay later.
    assert 0 < result.first_token_seconds < result.seconds


def test_plain_json_answer_to_a_stream_request(openai_server: FakeOpenAI) -> None:
    openai_server.queue(plan_reply()._replace(stream=False))
    result = backend(openai_server).complete(
        MESSAGES, plan_json_schema(), seed=7, temperature=None, max_tokens=512
    )
    assert parse_plan(result.text).agent.name == "docker-memory-monitor"
    assert result.first_token_seconds == result.seconds


def test_stream_without_usage_counts_events(openai_server: FakeOpenAI) -> None:
    openai_server.queue(Reply(content="x" * 40, stream=True))
    server_backend = backend(openai_server)
    body = server_backend._body(MESSAGES, None, None, None, 64)
    del body["stream_options"]
    reply = server_backend._post(body, 0.0)
    assert (reply.text, reply.completion_tokens) == ("x" * 40, 5)  # 5 events of 8 characters


@pytest.mark.parametrize(
    ("event", "message"),
    [
        ('{"error": {"message": "GPU   fell over"}}', "failed mid-reply: GPU fell over"),
        ("not json", "a streamed event is not JSON"),
        ("[1, 2]", "not an object"),
    ],
)
def test_bad_stream_event_is_one_line(openai_server: FakeOpenAI, event: str, message: str) -> None:
    openai_server.queue(plan_reply()._replace(events=(event,)))
    with pytest.raises(BackendError, match=message):
        complete(openai_server)
    assert len(openai_server.requests) == 1  # the body had started: not retried


def test_stalled_stream_times_out(openai_server: FakeOpenAI) -> None:
    openai_server.queue(Reply(content="x" * 64, chunk_delay=0.5))
    with pytest.raises(BackendError, match=r"no answer within 0\.1s"):
        complete(openai_server, timeout=0.1, retries=0)
