from __future__ import annotations

import json
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, ClassVar

import pytest

from lam_bot.backends.openai import OpenAIBackend
from lam_bot.errors import BackendError, ConfigError, GenerationError
from lam_bot.plan import parse_plan, plan_json_schema
from lam_bot.prompt import build_messages
from lam_bot.settings import DEFAULT_TIMEOUT, GenerateSettings
from tests.support.fake_openai import FakeOpenAI, Reply, error_reply, plan_reply
from tests.support.http import running

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


class _Recorder(BaseHTTPRequestHandler):
    """A second loopback server: records each request's headers, redirects `/hop/…`
    to its own `/v1/chat/completions`, and answers a plan there."""

    seen: ClassVar[list[tuple[str, dict[str, str]]]] = []

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def _answer(self) -> None:
        self.seen.append((self.path, dict(self.headers)))
        if self.path.startswith("/hop/"):
            self.send_response(302)
            self.send_header("Location", "/v1/chat/completions")
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        body = json.dumps({"choices": [{"message": {"content": "{}"}}]}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_GET = do_POST = _answer


@pytest.fixture
def other_host() -> Iterator[str]:
    _Recorder.seen = []
    with running(ThreadingHTTPServer(("127.0.0.1", 0), _Recorder)) as url:
        yield url


def test_api_key_is_not_sent_to_another_host_after_a_redirect(
    openai_server: FakeOpenAI, other_host: str
) -> None:
    # Another port on loopback is another origin, as another host name would be.
    target = f"{other_host}/v1/chat/completions"
    openai_server.queue(Reply(status=302, headers={"Location": target}, body=b""))
    complete(openai_server)
    assert openai_server.headers[0]["Authorization"] == "Bearer sk-test"
    [(path, headers)] = _Recorder.seen
    assert path == "/v1/chat/completions"
    assert "Authorization" not in headers
    assert "sk-test" not in json.dumps(headers)


def test_api_key_follows_a_redirect_on_the_same_host(other_host: str) -> None:
    server = OpenAIBackend(f"{other_host}/hop", "lam", "sk-test")
    server.complete(MESSAGES, None, seed=None, temperature=None, max_tokens=64)
    assert [path for path, _ in _Recorder.seen] == ["/hop/chat/completions", "/v1/chat/completions"]
    assert all(headers["Authorization"] == "Bearer sk-test" for _, headers in _Recorder.seen)


def test_404_from_a_base_url_without_v1_says_so(openai_server: FakeOpenAI) -> None:
    root = openai_server.url.removesuffix("/v1")
    server = OpenAIBackend(root, "lam", backoff=0.01)
    with pytest.raises(BackendError) as info:
        server.complete(MESSAGES, None, seed=None, temperature=None, max_tokens=64)
    message = str(info.value)
    assert "HTTP 404" in message
    assert f"the base URL usually ends in /v1: try --base-url {root}/v1" in message


def test_404_with_v1_has_no_hint(openai_server: FakeOpenAI) -> None:
    openai_server.queue(error_reply(404, "model 'lam' not found"))
    with pytest.raises(BackendError) as info:
        complete(openai_server)
    assert "/v1:" not in str(info.value)


@pytest.mark.parametrize(
    ("body", "shown"),
    [
        (b"<html><body><h1>502 Bad Gateway</h1>\n<hr>nginx</body></html>", "502 Bad Gateway nginx"),
        (b'{"detail": "Not Found"}', '{"detail": "Not Found"}'),
        (b"upstream \x1b[31mfailed\x1b[0m\r\nbye", "upstream [31mfailed[0m bye"),
        (("x" * 500).encode(), "x" * 199 + "…"),
    ],
)
def test_error_bodies_that_are_not_openai_shaped_are_shown(
    openai_server: FakeOpenAI, body: bytes, shown: str
) -> None:
    openai_server.queue(Reply(status=400, body=body))
    with pytest.raises(BackendError) as info:
        complete(openai_server)
    assert str(info.value) == f"{openai_server.url}/chat/completions: HTTP 400: {shown}"


def test_timeout_comes_from_the_settings(openai_server: FakeOpenAI) -> None:
    settings = GenerateSettings(backend="openai", model="lam", base_url=openai_server.url)
    assert OpenAIBackend.from_settings(settings).timeout == DEFAULT_TIMEOUT == 300.0
    quick = GenerateSettings(backend="openai", model="lam", base_url="http://x/v1", timeout=2.5)
    assert OpenAIBackend.from_settings(quick).timeout == 2.5
