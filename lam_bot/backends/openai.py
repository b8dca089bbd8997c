"""The openai backend: any OpenAI-compatible server (vLLM, SGLang, llama.cpp, LM Studio…).

Plain `urllib.request`, so no new dependency. Every request has a timeout, which
bounds the connection and each read (so a stream that stalls fails too); 429 and 5xx
answers, which come before any byte of the body, are retried a bounded number of
times with exponential backoff, honouring `Retry-After` up to a cap. The JSON schema
goes in `response_format` (strict, name `agent_plan`); servers that ignore it are
handled by `parse_plan`.

The API key goes to the configured host only: it is sent as a header urllib does not
copy onto redirects, and put back only when a redirect stays on the same scheme, host
and port. An error answer's detail is shown on one line, from OpenAI's
`{"error": {"message": …}}` or, for other servers, from the body itself (tags and
invisible characters removed, cut to 200 characters).

Replies are streamed (`"stream": true`, usage in the last event), so the time to the
first token is real. A server that answers with plain JSON instead (some do) is read
the same way as a non-streamed reply. A reply stopped by `max_tokens`
(`finish_reason: "length"`) keeps its text with `cut_off=True`.
"""

from __future__ import annotations

import email.utils
import http.client
import json
import re
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any, NamedTuple

from lam_bot.backends.base import Completion, Messages
from lam_bot.errors import BackendError, ConfigError
from lam_bot.prompt import strip_invisible

if TYPE_CHECKING:
    from lam_bot.settings import GenerateSettings

RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
MAX_RETRY_AFTER = 30.0
DETAIL_CHARS = 200


def _origin(url: str) -> tuple[str, str | None, int | None]:
    parts = urllib.parse.urlsplit(url)
    return parts.scheme, parts.hostname, parts.port


class _SameOriginRedirects(urllib.request.HTTPRedirectHandler):
    """Redirects that carry the API key only while they stay on the configured origin."""

    def redirect_request(
        self,
        req: urllib.request.Request,
        fp: Any,
        code: int,
        msg: str,
        headers: Any,
        newurl: str,
    ) -> urllib.request.Request | None:
        new = super().redirect_request(req, fp, code, msg, headers, newurl)
        key = req.unredirected_hdrs.get("Authorization")
        if new is not None and key and _origin(newurl) == _origin(req.full_url):
            new.add_unredirected_header("Authorization", key)
        return new


_OPENER = urllib.request.build_opener(_SameOriginRedirects)


class _Reply(NamedTuple):
    """What the server answered, streamed or not."""

    text: str
    finish_reason: str | None
    prompt_tokens: int
    completion_tokens: int
    first_token_seconds: float | None  # None: not streamed, the reply came all at once


class OpenAIBackend:
    """Chat completions over HTTP with structured output."""

    name = "openai"

    def __init__(
        self,
        base_url: str,
        model: str,
        api_key: str | None = None,
        *,
        timeout: float = 300.0,
        retries: int = 3,
        backoff: float = 1.0,
    ) -> None:
        if not base_url.startswith(("http://", "https://")):
            raise ConfigError(f"base URL must start with http:// or https://: {base_url!r}")
        self.url = base_url.rstrip("/") + "/chat/completions"
        self.model = model
        self.api_key = api_key
        self.timeout = timeout
        self.retries = retries
        self.backoff = backoff

    @classmethod
    def from_settings(cls, settings: GenerateSettings) -> OpenAIBackend:
        """The backend for `--base-url`, `--model`, `--api-key` and `--timeout`."""
        if not settings.base_url:
            raise ConfigError("the openai backend needs --base-url or LAM_BOT_BASE_URL")
        return cls(settings.base_url, settings.model, settings.api_key, timeout=settings.timeout)

    def complete(
        self,
        messages: Messages,
        schema: dict[str, Any] | None,
        *,
        seed: int | None,
        temperature: float | None,
        max_tokens: int,
    ) -> Completion:
        """POST the messages and read the reply; BackendError after the retries."""
        body = self._body(messages, schema, seed, temperature, max_tokens)
        start = time.perf_counter()
        reply = self._post(body, start)
        seconds = time.perf_counter() - start
        first = reply.first_token_seconds
        return Completion(
            text=reply.text,
            prompt_tokens=reply.prompt_tokens,
            completion_tokens=reply.completion_tokens,
            seconds=seconds,
            first_token_seconds=seconds if first is None else first,
            cut_off=reply.finish_reason == "length",
        )

    def _body(
        self,
        messages: Messages,
        schema: dict[str, Any] | None,
        seed: int | None,
        temperature: float | None,
        max_tokens: int,
    ) -> dict[str, Any]:
        body: dict[str, Any] = {
            "model": self.model,
            "messages": messages,
            "max_tokens": max_tokens,
            "stream": True,
            "stream_options": {"include_usage": True},
            # Qwen3 servers otherwise spend the budget on a <think> block.
            "chat_template_kwargs": {"enable_thinking": False},
        }
        if schema is not None:
            spec = {"name": "agent_plan", "schema": schema, "strict": True}
            body["response_format"] = {"type": "json_schema", "json_schema": spec}
        if seed is not None:
            body["seed"] = seed
        if temperature is not None:
            body["temperature"] = temperature
        return body

    def _post(self, body: dict[str, Any], start: float) -> _Reply:
        data = json.dumps(body).encode()
        for attempt in range(self.retries + 1):
            try:
                return self._send(data, start)
            except urllib.error.HTTPError as exc:
                if exc.code not in RETRY_STATUSES or attempt == self.retries:
                    raise BackendError(self._http_message(exc)) from None
                time.sleep(self._delay(attempt, exc.headers.get("Retry-After")))
        raise AssertionError("unreachable")  # the loop returns or raises

    def _send(self, data: bytes, start: float) -> _Reply:
        request = urllib.request.Request(self.url, data=data, headers=self._headers())
        if self.api_key:  # not copied onto redirects (see _SameOriginRedirects)
            request.add_unredirected_header("Authorization", f"Bearer {self.api_key}")
        try:
            with _OPENER.open(request, timeout=self.timeout) as response:
                if response.headers.get_content_type() == "text/event-stream":
                    return self._events(response, start)
                return self._plain(response.read())
        except urllib.error.HTTPError:
            raise
        except http.client.HTTPException as exc:  # the connection broke mid-reply
            raise BackendError(f"{self.url}: the reply broke off ({type(exc).__name__})") from None
        except (urllib.error.URLError, OSError) as exc:
            reason = getattr(exc, "reason", exc)
            if isinstance(reason, TimeoutError):
                raise BackendError(f"{self.url}: no answer within {self.timeout:g}s") from None
            raise BackendError(f"cannot reach {self.url}: {reason}") from None

    def _plain(self, raw: bytes) -> _Reply:
        try:
            reply: dict[str, Any] = json.loads(raw)
        except json.JSONDecodeError:
            raise BackendError(f"{self.url}: the answer is not JSON") from None
        return _plain_reply(reply)

    def _events(self, lines: Iterable[bytes], start: float) -> _Reply:
        stream = _Stream()
        for payload in _sse_data(lines):
            if payload == "[DONE]":
                break
            try:
                event = json.loads(payload)
            except json.JSONDecodeError:
                raise BackendError(f"{self.url}: a streamed event is not JSON") from None
            stream.add(event, time.perf_counter() - start)
        return stream.reply()

    def _headers(self) -> dict[str, str]:
        return {"Content-Type": "application/json", "Accept": "application/json"}

    def _delay(self, attempt: int, retry_after: str | None) -> float:
        wanted = _retry_after_seconds(retry_after)
        if wanted is None:
            wanted = self.backoff * 2**attempt
        return min(max(wanted, 0.0), MAX_RETRY_AFTER)

    def _http_message(self, exc: urllib.error.HTTPError) -> str:
        detail = _error_detail(exc)
        message = f"{self.url}: HTTP {exc.code}{': ' + detail if detail else ''}"
        base = self.url.removesuffix("/chat/completions")
        if exc.code == 404 and not base.endswith("/v1"):
            message += f" (the base URL usually ends in /v1: try --base-url {base}/v1)"
        return message


def _retry_after_seconds(value: str | None) -> float | None:
    if not value:
        return None
    try:
        return float(value)
    except ValueError:
        pass
    try:  # the HTTP-date form
        return email.utils.parsedate_to_datetime(value).timestamp() - time.time()
    except (TypeError, ValueError):
        return None


def _error_detail(exc: urllib.error.HTTPError) -> str:
    """What the server said: OpenAI's error message, else the body itself, on one line."""
    try:
        raw = exc.read(64 * 1024) or b""
    except OSError:
        return ""
    text = raw.decode("utf-8", errors="replace")
    try:
        payload = json.loads(text)
    except json.JSONDecodeError:
        return _shown(re.sub(r"<[^>]*>", " ", text))  # an HTML error page, or plain text
    error = payload.get("error") if isinstance(payload, dict) else None
    return _message(error) or _shown(json.dumps(payload, ensure_ascii=False))


def _shown(text: str) -> str:
    """Untrusted server text made safe for one terminal line: visible, short."""
    line = " ".join(strip_invisible(text).split())
    return line if len(line) <= DETAIL_CHARS else line[: DETAIL_CHARS - 1] + "…"


def _message(error: Any) -> str:
    """An OpenAI-style error's message on one short line ("" when there is none)."""
    message = error.get("message") if isinstance(error, dict) else error
    return _shown(str(message)) if message else ""


def _sse_data(lines: Iterable[bytes]) -> Iterable[str]:
    """The `data:` payloads of a server-sent event stream (comments and blanks skipped)."""
    for raw in lines:
        line = raw.decode("utf-8", errors="replace").strip()
        if line.startswith("data:"):
            yield line[5:].strip()


class _Stream:
    """The streamed reply as it arrives: text pieces, finish reason, usage, first token."""

    def __init__(self) -> None:
        self.pieces: list[str] = []
        self.finish_reason: str | None = None
        self.usage: dict[str, Any] = {}
        self.first: float | None = None

    def add(self, event: Any, elapsed: float) -> None:
        if not isinstance(event, dict):
            raise BackendError("the server streamed an event that is not an object")
        if event.get("error"):
            detail = _message(event["error"]) or "no detail"
            raise BackendError(f"the server failed mid-reply: {detail}")
        self.usage = event.get("usage") or self.usage
        for choice in event.get("choices") or []:
            if not isinstance(choice, dict):
                continue
            piece = (choice.get("delta") or {}).get("content") or ""
            if piece:
                self.pieces.append(piece)
                self.first = elapsed if self.first is None else self.first
            self.finish_reason = choice.get("finish_reason") or self.finish_reason

    def reply(self) -> _Reply:
        # Without usage (some servers omit it) each content event is about one token.
        tokens = int(self.usage.get("completion_tokens") or len(self.pieces))
        return _Reply(
            "".join(self.pieces),
            self.finish_reason,
            int(self.usage.get("prompt_tokens") or 0),
            tokens,
            self.first,  # None when no content came: timed like a plain reply
        )


def _plain_reply(reply: dict[str, Any]) -> _Reply:
    try:
        choice = reply["choices"][0]
        text = choice["message"]["content"] or ""
    except (KeyError, IndexError, TypeError):
        raise BackendError("the server's answer has no choices[0].message.content") from None
    usage = reply.get("usage") or {}
    return _Reply(
        text,
        choice.get("finish_reason"),
        int(usage.get("prompt_tokens") or 0),
        int(usage.get("completion_tokens") or 0),
        None,
    )
