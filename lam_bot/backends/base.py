"""The backend protocol and registry: prompt and JSON schema in, text and timings out.

Each backend lives in its own module and imports its heavy dependencies there, so
`validate` and the openai backend never pay for mlx or llguidance.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, NamedTuple, Protocol

from lam_bot.errors import MlxMissing, UsageError

if TYPE_CHECKING:
    from lam_bot.settings import GenerateSettings

Messages = list[dict[str, str]]


class Completion(NamedTuple):
    """One model reply and what it cost."""

    text: str
    prompt_tokens: int
    completion_tokens: int
    seconds: float
    first_token_seconds: float
    # The reply stopped at max_tokens before it was complete; `text` holds what arrived.
    cut_off: bool = False


class Backend(Protocol):
    """A model that completes chat messages, optionally constrained to a JSON schema."""

    name: str

    def complete(
        self,
        messages: Messages,
        schema: dict[str, Any] | None,
        *,
        seed: int | None,
        temperature: float | None,
        max_tokens: int,
    ) -> Completion:
        """Complete `messages`; `schema` None means unconstrained."""
        ...


def _mlx(settings: GenerateSettings) -> Backend:
    try:
        from lam_bot.backends.mlx import MlxBackend
    except MlxMissing as exc:
        raise MlxMissing(f"{exc}, or use --backend openai") from None

    return MlxBackend(settings.model, settings.adapter)


def _openai(settings: GenerateSettings) -> Backend:
    from lam_bot.backends.openai import OpenAIBackend

    if settings.adapter:
        raise UsageError("--adapter needs the mlx backend (a server loads its own adapters)")
    return OpenAIBackend.from_settings(settings)


BACKENDS: dict[str, Callable[[GenerateSettings], Backend]] = {"mlx": _mlx, "openai": _openai}

_CACHE: dict[tuple[str, str, str | None, str | None, float, str | None], Backend] = {}


def get_backend(settings: GenerateSettings) -> Backend:
    """The backend `settings` names, created once per process (the model loads once)."""
    factory = BACKENDS.get(settings.backend)
    if factory is None:
        choices = ", ".join(sorted(BACKENDS))
        raise UsageError(f"unknown backend {settings.backend!r} (choose from {choices})")
    key = (
        settings.backend,
        settings.model,
        settings.base_url,
        settings.api_key,
        settings.timeout,
        settings.adapter,
    )
    if key not in _CACHE:
        _CACHE[key] = factory(settings)
    return _CACHE[key]
