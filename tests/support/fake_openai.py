"""A small OpenAI-compatible chat-completions server on 127.0.0.1 with canned replies.

Tests queue `Reply` values (a plan, a 500, a delay, a `<think>` prefix, prose that
ignores `response_format`); each request takes the next one, and the last one repeats
once the queue is down to it. Every request body is recorded in `requests`.

A request with `"stream": true` gets server-sent events (a few characters of content
each, `chunk_delay` apart, usage last when `stream_options.include_usage` asks, then
`data: [DONE]`), unless the reply says `stream=False` (as servers that only answer
plain JSON do); `stream=True` streams even when the request did not ask.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, NamedTuple

from tests.support.http import running
from tests.support.plans import EXAMPLE_PLAN


class Reply(NamedTuple):
    """One canned answer."""

    content: str | None = None
    status: int = 200
    delay: float = 0.0
    headers: dict[str, str] = {}  # noqa: RUF012 - never mutated
    finish_reason: str = "stop"
    body: bytes | None = None  # raw body, overrides everything else
    stream: bool | None = None  # None: stream when the request asks
    chunk_delay: float = 0.0  # seconds between streamed events
    events: tuple[str, ...] = ()  # extra raw `data:` payloads sent before the content


def plan_reply(plan: dict[str, Any] | None = None, *, style: str = "json") -> Reply:
    """A reply carrying `plan` as plain JSON, or styled: think, fenced, prose."""
    text = json.dumps(EXAMPLE_PLAN if plan is None else plan)
    styled = {
        "json": text,
        "think": f"<think>\nThe user wants a monitor.\n</think>\n\n{text}",
        "fenced": f"Here is the agent you asked for:\n\n```json\n{text}\n```\n",
        "prose": f"Sure! Here is a design. {text} Let me know if you want changes.",
    }
    return Reply(content=styled[style])


def error_reply(status: int, message: str = "server error", **extra: Any) -> Reply:
    """An OpenAI-style error answer."""
    body = json.dumps({"error": {"message": message, "type": "server_error"}}).encode()
    return Reply(status=status, body=body, **extra)


class FakeOpenAI:
    """The server state a test drives."""

    def __init__(self) -> None:
        self.replies: list[Reply] = [plan_reply()]
        self.requests: list[dict[str, Any]] = []
        self.headers: list[dict[str, str]] = []
        self.lock = threading.Lock()
        self.url = ""

    def queue(self, *replies: Reply) -> None:
        """Answer the next requests with `replies`, in order; the last one repeats."""
        with self.lock:
            self.replies = list(replies)

    def next_reply(self, body: dict[str, Any], headers: dict[str, str]) -> Reply:
        with self.lock:
            self.requests.append(body)
            self.headers.append(headers)
            return self.replies.pop(0) if len(self.replies) > 1 else self.replies[0]


def _completion_body(reply: Reply, request: dict[str, Any]) -> bytes:
    content = reply.content or ""
    payload = {
        "id": "chatcmpl-fake",
        "object": "chat.completion",
        "model": request.get("model", "fake"),
        "choices": [
            {
                "index": 0,
                "message": {"role": "assistant", "content": content},
                "finish_reason": reply.finish_reason,
            }
        ],
        "usage": _usage(reply, request),
    }
    return json.dumps(payload).encode()


CHUNK = 8  # characters of content per streamed event


def _usage(reply: Reply, request: dict[str, Any]) -> dict[str, int]:
    return {
        "prompt_tokens": sum(len(m.get("content", "")) // 4 for m in request["messages"]),
        "completion_tokens": len(reply.content or "") // 4,
    }


def _events(reply: Reply, request: dict[str, Any]) -> Iterator[str]:
    """The `data:` payloads of a streamed reply, in order."""
    yield from reply.events
    content = reply.content or ""
    pieces = [content[at : at + CHUNK] for at in range(0, len(content), CHUNK)]
    for number, piece in enumerate(pieces, 1):
        finish = reply.finish_reason if number == len(pieces) else None
        choice = {"index": 0, "delta": {"content": piece}, "finish_reason": finish}
        yield json.dumps({"object": "chat.completion.chunk", "choices": [choice]})
    if (request.get("stream_options") or {}).get("include_usage"):
        yield json.dumps({"choices": [], "usage": _usage(reply, request)})
    yield "[DONE]"


def _streams(reply: Reply, request: dict[str, Any]) -> bool:
    if reply.body is not None or reply.status != 200:
        return False
    return bool(request.get("stream")) if reply.stream is None else reply.stream


def _handler(state: FakeOpenAI) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:  # keep test output clean
            pass

        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            request = json.loads(self.rfile.read(length) or b"{}")
            if self.path != "/v1/chat/completions":
                self._send(error_reply(404, f"no route {self.path}"), request)
                return
            reply = state.next_reply(request, dict(self.headers))
            time.sleep(reply.delay)
            if _streams(reply, request):
                self._stream(reply, request)
            else:
                self._send(reply, request)

        def _stream(self, reply: Reply, request: dict[str, Any]) -> None:
            try:
                self.send_response(200)
                self.send_header("Content-Type", "text/event-stream")
                self.end_headers()  # HTTP/1.0: the body ends when the connection closes
                for payload in _events(reply, request):
                    self.wfile.write(f"data: {payload}\n\n".encode())
                    self.wfile.flush()
                    time.sleep(reply.chunk_delay)
            except (BrokenPipeError, ConnectionResetError):  # the client timed out
                pass

        def _send(self, reply: Reply, request: dict[str, Any]) -> None:
            body = reply.body if reply.body is not None else _completion_body(reply, request)
            try:
                self.send_response(reply.status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                for key, value in reply.headers.items():
                    self.send_header(key, value)
                self.end_headers()
                self.wfile.write(body)
            except (BrokenPipeError, ConnectionResetError):  # the client timed out
                pass

    return Handler


@contextmanager
def serve() -> Iterator[FakeOpenAI]:
    """Run a fake server on a free 127.0.0.1 port for the duration of the block."""
    state = FakeOpenAI()
    with running(ThreadingHTTPServer(("127.0.0.1", 0), _handler(state))) as url:
        state.url = f"{url}/v1"
        yield state
