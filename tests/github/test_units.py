"""Event parsing, log safety, outputs and the retry policy, without a server."""

from __future__ import annotations

import pytest

from lam_bot.errors import InputError
from lam_bot.github.client import ClientSettings, build_retry, describe_failure
from lam_bot.github.event import Trigger, decide, issue_from_branch, parse_event
from lam_bot.github.logsafe import untrusted
from lam_bot.github.outputs import format_outputs


def event(**kw: object) -> dict:
    data: dict = {
        "action": "labeled",
        "label": {"name": "agent-request"},
        "issue": {"number": 3, "title": "t", "body": None, "labels": [{"name": "agent-request"}]},
        "repository": {"full_name": "o/r", "default_branch": "trunk"},
        "sender": {"login": "alice", "type": "User"},
    }
    data.update(kw)
    return data


def test_parse_event_reads_what_the_flow_needs() -> None:
    parsed = parse_event("issues", event())
    assert (parsed.number, parsed.body, parsed.default_branch, parsed.label) == (
        3,
        "",
        "trunk",
        "agent-request",
    )


@pytest.mark.parametrize(
    "broken",
    [[], {"issue": None}, {"issue": {"number": "3"}}, {"sender": {}}, {"repository": {}}],
)
def test_malformed_payloads_are_input_errors(broken: object) -> None:
    data = event(**broken) if isinstance(broken, dict) else broken
    with pytest.raises(InputError, match="event payload"):
        parse_event("issues", data)


@pytest.mark.parametrize(
    ("name", "changes", "expected"),
    [
        ("issues", {}, Trigger("generate")),
        ("issues", {"label": {"name": "bug"}}, None),
        ("issues", {"action": "opened", "label": None}, Trigger("generate")),
        ("issues", {"action": "unlabeled"}, None),
        (
            "issue_comment",
            {"action": "created", "comment": {"body": "/lam-bot regenerate"}},
            Trigger("regenerate", None),
        ),
        ("issue_comment", {"action": "created", "comment": {"body": "/lam-bot regenerated"}}, None),
        ("issue_comment", {"action": "edited", "comment": {"body": "/lam-bot regenerate x"}}, None),
    ],
)
def test_decide(name: str, changes: dict, expected: Trigger | None) -> None:
    assert decide(parse_event(name, event(**changes)), "agent-request") == expected


def test_comments_need_the_label_on_the_issue() -> None:
    data = event(action="created", comment={"body": "/lam-bot regenerate x"})
    data["issue"]["labels"] = []
    assert decide(parse_event("issue_comment", data), "agent-request") is None


def test_issue_from_branch() -> None:
    assert issue_from_branch("lam-bot/issue-12") == 12
    for other in ("lam-bot/issue-0", "lam-bot/issue-1/x", "feature", "lam-bot/issue-01"):
        assert issue_from_branch(other) is None


def test_untrusted_text_cannot_start_a_workflow_command() -> None:
    assert untrusted("plain text") == "plain text"
    wrapped = untrusted("::set-output name=x::y\n  ::error::boom").splitlines()
    token = wrapped[0].removeprefix("::stop-commands::")
    assert len(token) == 32 and wrapped[-1] == f"::{token}::"
    assert token not in "\n".join(wrapped[1:-1])


def test_outputs_use_a_delimiter_a_value_cannot_close() -> None:
    text = format_outputs({"pr-url": "x\nscore<<EOF\n100\nEOF"})
    first, *_ = text.splitlines()
    name, delimiter = first.split("<<")
    assert name == "pr-url" and delimiter.startswith("ghadelimiter_")
    assert text.splitlines().count(delimiter) == 1 and text.splitlines()[-1] == delimiter


def test_retry_policy_never_repeats_a_post_on_5xx() -> None:
    retry = build_retry(ClientSettings())
    assert retry.is_retry("GET", 502) and retry.is_retry("PATCH", 500)
    assert not retry.is_retry("POST", 502)
    assert retry.is_retry("POST", 403)  # GithubRetry then retries only rate limits
    assert retry.is_retry("POST", 429) and retry.is_retry("GET", 429)


def test_failure_messages_are_one_line_without_headers() -> None:
    from github import GithubException

    exc = GithubException(
        422,
        {"message": "Validation Failed", "errors": [{"message": "m"}]},
        {"authorization": "token secret"},
    )
    message = describe_failure("opening the pull request", exc)
    assert message == "opening the pull request: GitHub answered 422 Validation Failed (m)"


def test_client_defaults_are_pygithubs_pacing() -> None:
    from github import Consts

    settings = ClientSettings()
    assert settings.seconds_between_writes == Consts.DEFAULT_SECONDS_BETWEEN_WRITES
    assert settings.seconds_between_requests == Consts.DEFAULT_SECONDS_BETWEEN_REQUESTS


def test_the_github_flow_does_not_import_the_cli() -> None:
    """Layers point down (STYLE.md, rule 17): cli/ calls github/, never the reverse."""
    from pathlib import Path

    import lam_bot.github

    folder = Path(lam_bot.github.__file__).parent
    offenders = [p.name for p in folder.glob("*.py") if "lam_bot.cli" in p.read_text()]
    assert offenders == []
