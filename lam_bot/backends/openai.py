"""The openai backend: any OpenAI-compatible server (vLLM, SGLang, llama.cpp, LM Studio…).

Plain `urllib.request`, so no new dependency. Every request has a timeout; 429 and
5xx answers are retried a bounded number of times with exponential backoff,
honouring `Retry-After` up to a cap. The JSON schema goes in `response_format`
(strict, name `agent_plan`); servers that ignore it are handled by `parse_plan`.
"""

from __future__ import annotations

import email.utils
import json
import time
import urllib.error
import urllib.request
from typing import TYPE_CHECKING, Any

from lam_bot.backends.base import Completion, Messages
from lam_bot.errors import BackendError, ConfigError, GenerationError

if TYPE_CHECKING:
    from lam_bot.generate import GenerateSettings

RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
MAX_RETRY_AFTER = 30.0


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
        """The backend for `--base-url`, `--model` and `--api-key`."""
        if not settings.base_url:
            raise ConfigError("the openai backend needs --base-url or LAM_BOT_BASE_URL")
        return cls(settings.base_url, settings.model, settings.api_key)

    def complete(
        self,
        messages: Messages,
        schema: dict[str, Any] | None,
        *,
        seed: int | None,
        temperature: float | None,
        max_tokens: int,
    ) -> Completion:
        """POST the messages; raise BackendError after the retries, GenerationError if cut off."""
        body = self._body(messages, schema, seed, temperature, max_tokens)
        start = time.perf_counter()
        reply = self._post(body)
        seconds = time.perf_counter() - start
        return _completion(reply, seconds, max_tokens)

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

    def _post(self, body: dict[str, Any]) -> dict[str, Any]:
        data = json.dumps(body).encode()
        for attempt in range(self.retries + 1):
            try:
                return self._send(data)
            except urllib.error.HTTPError as exc:
                if exc.code not in RETRY_STATUSES or attempt == self.retries:
                    raise BackendError(self._http_message(exc)) from None
                time.sleep(self._delay(attempt, exc.headers.get("Retry-After")))
        raise AssertionError("unreachable")  # the loop returns or raises

    def _send(self, data: bytes) -> dict[str, Any]:
        request = urllib.request.Request(self.url, data=data, headers=self._headers())
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                raw = response.read()
        except urllib.error.HTTPError:
            raise
        except (urllib.error.URLError, OSError) as exc:
            reason = getattr(exc, "reason", exc)
            if isinstance(reason, TimeoutError):
                raise BackendError(f"{self.url}: no answer within {self.timeout:g}s") from None
            raise BackendError(f"cannot reach {self.url}: {reason}") from None
        try:
            reply: dict[str, Any] = json.loads(raw)
        except json.JSONDecodeError:
            raise BackendError(f"{self.url}: the answer is not JSON") from None
        return reply

    def _headers(self) -> dict[str, str]:
        headers = {"Content-Type": "application/json", "Accept": "application/json"}
        if self.api_key:
            headers["Authorization"] = f"Bearer {self.api_key}"
        return headers

    def _delay(self, attempt: int, retry_after: str | None) -> float:
        wanted = _retry_after_seconds(retry_after)
        if wanted is None:
            wanted = self.backoff * 2**attempt
        return min(max(wanted, 0.0), MAX_RETRY_AFTER)

    def _http_message(self, exc: urllib.error.HTTPError) -> str:
        detail = _error_detail(exc)
        return f"{self.url}: HTTP {exc.code}{': ' + detail if detail else ''}"


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
    try:
        payload = json.loads(exc.read() or b"{}")
    except (json.JSONDecodeError, OSError):
        return ""
    error = payload.get("error") if isinstance(payload, dict) else None
    message = error.get("message") if isinstance(error, dict) else error
    return " ".join(str(message).split())[:200] if message else ""


def _completion(reply: dict[str, Any], seconds: float, max_tokens: int) -> Completion:
    try:
        choice = reply["choices"][0]
        text = choice["message"]["content"] or ""
    except (KeyError, IndexError, TypeError):
        raise BackendError("the server's answer has no choices[0].message.content") from None
    if choice.get("finish_reason") == "length":
        raise GenerationError(f"the model's output was cut off at {max_tokens} tokens")
    usage = reply.get("usage") or {}
    return Completion(
        text=text,
        prompt_tokens=int(usage.get("prompt_tokens") or 0),
        completion_tokens=int(usage.get("completion_tokens") or 0),
        seconds=seconds,
        # Not streamed: the whole reply arrives at once.
        first_token_seconds=seconds,
    )
