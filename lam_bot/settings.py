"""How to generate: the settings every backend and every generation flow reads.

The lowest module that needs the type: `backends/base.py` builds backends from it and
`generate.py` runs with it, so neither imports the other for it.
"""

from __future__ import annotations

from dataclasses import dataclass

from lam_bot.plan import MAX_PLAN_TOKENS

__all__ = ["DEFAULT_MODEL", "DEFAULT_TIMEOUT", "MAX_PLAN_TOKENS", "GenerateSettings"]

DEFAULT_MODEL = "chendren/Qwen3-8B-LAM-v4"
# Seconds the openai backend waits for the connection and for each read of the reply.
DEFAULT_TIMEOUT = 300.0


@dataclass(frozen=True)
class GenerateSettings:
    """How to generate: which backend and model, and the sampling options."""

    backend: str = "mlx"
    model: str = DEFAULT_MODEL
    adapter: str | None = None  # a LoRA adapter folder (`lam-bot finetune`), mlx only
    base_url: str | None = None
    api_key: str | None = None
    repeat: bool = True
    attempts: int = 2
    temperature: float | None = None  # None: the backend's default (Qwen3: 0.7)
    seed: int | None = None  # None: a fresh random seed per attempt
    max_tokens: int | None = None  # None: the profile's budget (lam_bot/profile.py)
    profile: str = "auto"  # auto, full or small (lam_bot/profile.py)
    constrained: bool = True
    timeout: float = DEFAULT_TIMEOUT  # openai backend: seconds per connection and read
