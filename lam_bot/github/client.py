"""PyGithub, set up for an unattended bot: base URL, timeouts, bounded retries, counted requests.

Counting. PyGithub asks its `Auth` object to add the Authorization header once for each
request it sends (`Auth.authentication`, PyGithub's public extension point for
authentication methods), so a token `Auth` that also counts sees every API request,
whatever PyGithub's throttle and logging settings; urllib3's transparent retries of one
request are not counted again.

Retry policy. urllib3 retries idempotent methods (GET, PUT, PATCH, DELETE) on 5xx and on
lost or timed-out answers, and every method on a rate-limit 403 (GitHub writes nothing
then). A POST that failed in any other way may still have landed (GitHub can answer 502
after creating a pull request), so it is never retried blindly: the caller looks the
object up again first (see `flow.ensure`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from github import Auth, Github, GithubException, GithubRetry

from lam_bot.errors import GitHubError

T = TypeVar("T")
IDEMPOTENT_METHODS = frozenset({"GET", "HEAD", "PUT", "PATCH", "DELETE", "OPTIONS"})
RETRY_STATUSES = (429, 500, 502, 503, 504)
RATE_LIMIT_STATUSES = (403, 429)  # GitHub writes nothing when it answers with a rate limit
# Answers after which a create may or may not have happened: look again before retrying.
UNCERTAIN_STATUSES = frozenset({409, 422, 500, 502, 503, 504})


class UncertainWriteError(GitHubError):
    """A write whose outcome is unknown (no answer, 5xx, or a conflict): look it up again."""


@dataclass(frozen=True)
class ClientSettings:
    """How lam-bot talks to the GitHub API."""

    api_url: str = "https://api.github.com"
    token: str | None = None
    timeout: int = 30
    retries: int = 4
    backoff: float = 1.0
    seconds_between_requests: float = 0.25
    seconds_between_writes: float = 1.0
    secondary_rate_wait: float = 60.0
    max_rate_limit_wait: float = 300.0


class _Retry(GithubRetry):
    """GithubRetry, but a POST is retried only on a rate limit (403 or 429: nothing written)."""

    def is_retry(self, method: str, status_code: int, has_retry_after: bool = False) -> bool:
        if status_code in RATE_LIMIT_STATUSES:  # GithubRetry retries a 403 only if rate-limited
            method = "GET"
        return bool(super().is_retry(method, status_code, has_retry_after))


def build_retry(settings: ClientSettings) -> _Retry:
    """The urllib3 retry policy for `settings`."""
    return _Retry(
        total=settings.retries,
        backoff_factor=settings.backoff,
        status_forcelist=list(RETRY_STATUSES),
        allowed_methods=IDEMPOTENT_METHODS,
        secondary_rate_wait=settings.secondary_rate_wait,
        max_rate_limit_wait=settings.max_rate_limit_wait,
        raise_on_status=False,
    )


@dataclass
class RequestCount:
    """How many API requests a client sent (each counted once, however often urllib3 retried)."""

    sent: int = 0


class CountingToken(Auth.Token):
    """A token `Auth` that counts the requests PyGithub authenticates with it."""

    def __init__(self, token: str, count: RequestCount) -> None:
        super().__init__(token)
        self.count = count

    def authentication(self, headers: dict[str, Any]) -> None:
        self.count.sent += 1
        super().authentication(headers)


def connect(settings: ClientSettings, count: RequestCount | None = None) -> Github:
    """A lazy PyGithub client: objects built from known URLs send no request until used.

    Requests sent with a token are added to `count` when one is given.
    """
    auth = CountingToken(settings.token, count or RequestCount()) if settings.token else None
    return Github(
        auth=auth,
        base_url=settings.api_url.rstrip("/"),
        timeout=settings.timeout,
        retry=build_retry(settings),
        seconds_between_requests=settings.seconds_between_requests,
        seconds_between_writes=settings.seconds_between_writes,
        user_agent="lam-bot",
        per_page=100,
        lazy=True,
    )


# GitHub answers whose fix is a repository setting, not a retry.
HINTS = {
    "not permitted to create or approve pull requests": (
        "allow it in Settings → Actions → General → Workflow permissions"
    ),
    "Resource not accessible by integration": (
        "the token lacks a permission: the job needs contents, pull-requests and issues: write"
    ),
}


def describe_failure(what: str, exc: Exception) -> str:
    """One line for a failed GitHub call; never includes headers (the token)."""
    if isinstance(exc, GithubException):
        data = exc.data if isinstance(exc.data, dict) else {}
        message = str(data.get("message") or "no message").splitlines()[0]
        details = [e.get("message", "") for e in data.get("errors", []) if isinstance(e, dict)]
        extra = f" ({'; '.join(d for d in details if d)})" if any(details) else ""
        hint = next((f"; {h}" for key, h in HINTS.items() if key in message), "")
        return f"{what}: GitHub answered {exc.status} {message}{extra}{hint}"
    return f"{what}: no usable answer from GitHub ({type(exc).__name__})"


def call(what: str, function: Callable[..., T], *args: Any, write: bool = False, **kw: Any) -> T:
    """Run one PyGithub call, turning its failures into GitHubError (or UncertainWriteError)."""
    import requests

    try:
        return function(*args, **kw)
    except GithubException as exc:
        uncertain = write and exc.status in UNCERTAIN_STATUSES
        error = UncertainWriteError if uncertain else GitHubError
        raise error(describe_failure(what, exc)) from None
    except requests.RequestException as exc:
        error = UncertainWriteError if write else GitHubError
        raise error(describe_failure(what, exc)) from None
