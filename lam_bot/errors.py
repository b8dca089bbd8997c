"""One error hierarchy; every message is written for the user and fits on one line."""

from __future__ import annotations


class LamBotError(Exception):
    """A known failure: the CLI prints `Error: <message>` and exits 1."""

    exit_code = 1


class UsageError(LamBotError):
    """The command line or configuration is wrong (exit 2)."""

    exit_code = 2


class InputError(LamBotError):
    """A file or request that cannot be used as given."""


class ConfigError(LamBotError):
    """A `[tool.lam-bot]` table or environment setting that cannot be used."""


class BackendError(LamBotError):
    """A model backend failed: not installed, not found, unreachable, out of memory."""


class MlxMissing(BackendError):
    """The `[mlx]` extra is not installed; the message says how to install it."""


class GenerationError(LamBotError):
    """Generation finished but produced no acceptable agent; `reasons` says why."""

    def __init__(self, message: str, reasons: tuple[str, ...] = ()) -> None:
        super().__init__(message)
        self.reasons = reasons


class GitHubError(LamBotError):
    """A GitHub request failed after its retries."""
