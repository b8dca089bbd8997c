"""Fault injection at every API call of the happy path: no duplicates, ever.

Each call in turn gets each fault (500, 502, secondary-rate-limit 403, timeout with the
write applied, lost answer with the write applied). The run must complete with exactly
one pull request or end with a one-line GitHubError; a re-run must then complete with
exactly one pull request, one bot branch and one status comment.

The matrix runs with fast client settings; `LAM_BOT_FAULTS_AT_DEFAULTS=1` runs it at
lam-bot's (and PyGithub's) default pacing, timeout and backoff instead (about 20 minutes).
"""

from __future__ import annotations

import os
from collections import Counter

import pytest

from lam_bot.errors import GitHubError
from lam_bot.github.client import ClientSettings, connect
from lam_bot.github.event import parse_event
from lam_bot.github.flow import Flow, FlowSettings
from lam_bot.github.repo import Repo
from tests.github.conftest import BRANCH, HAPPY_CALLS, TOKEN, make_draft, payload, repo_for
from tests.support.fake_github import FAULT_KINDS, FakeGitHub

DRAFT = make_draft()
AT_DEFAULTS = os.environ.get("LAM_BOT_FAULTS_AT_DEFAULTS") == "1"


def _repo(fake: FakeGitHub) -> Repo:
    if not AT_DEFAULTS:
        return repo_for(fake)
    fake.timeout_sleep = ClientSettings().timeout + 1  # a real timeout at the default
    return Repo(connect(ClientSettings(api_url=fake.base_url, token=TOKEN)), fake.full_name)


def _cells() -> list[tuple[str, int, str]]:
    seen: Counter[str] = Counter()
    cells = []
    for call in HAPPY_CALLS:
        seen[call] += 1
        cells.extend((call, seen[call], kind) for kind in FAULT_KINDS)
    return cells


def _run(fake: FakeGitHub, comment: str | None = None) -> str:
    data = payload(fake) if comment is None else payload(fake, action="created", comment=comment)
    event = parse_event("issues" if comment is None else "issue_comment", data)
    flow = Flow(_repo(fake), lambda _r, _f: DRAFT, FlowSettings(), lambda _: None)
    try:
        return flow.run(event).status
    except GitHubError as exc:
        assert "\n" not in str(exc) and str(exc)
        return "error"


@pytest.mark.parametrize(("call", "nth", "kind"), _cells(), ids=lambda v: str(v))
def test_fault_then_rerun_leaves_exactly_one_of_everything(
    github: FakeGitHub, call: str, nth: int, kind: str
) -> None:
    method, path = call.split(" ", 1)
    github.fail(method, "^" + path.replace(".", r"\.") + "$", kind, nth)

    first = _run(github)

    assert github.faults[0].fired
    assert first in ("published", "error")
    assert len(github.pulls) == (1 if first == "published" else len(github.pulls))
    assert len(github.pulls) <= 1 and len(github.issue_comments(1)) <= 1

    # The second event finds a finished run (nothing to do) or finishes the failed one.
    assert _run(github) == ("ignored" if first == "published" else "published")
    assert [p["head"]["ref"] for p in github.pulls.values()] == [BRANCH]
    assert sorted(github.refs) == [BRANCH, "main"]
    assert len(github.issue_comments(1)) == 1
    assert github.commit_count(BRANCH) == 1
    assert github.file(".claude/agents/docker-memory-monitor.md", BRANCH) == DRAFT.text
    assert github.issues[2]["labels_names"] == ["agent-request"]
    assert len(github.pulls[2]["requested_reviewers"]) == 1


def _rerun_cells() -> list[tuple[str, int, str]]:
    # The calls only a regeneration makes: the pull request look-up and update, the file on
    # the branch, the account behind the status comment.
    extra = [("GET /repos/octo/demo/pulls", 1), ("PATCH /repos/octo/demo/pulls/2", 1)]
    extra.append(("GET /repos/octo/demo/contents/.claude/agents/docker-memory-monitor.md", 2))
    extra.append(("POST /graphql", 1))
    return [(call, nth, kind) for call, nth in extra for kind in FAULT_KINDS]


@pytest.mark.parametrize(("call", "nth", "kind"), _rerun_cells(), ids=lambda v: str(v))
def test_faults_in_a_regeneration_change_nothing(
    github: FakeGitHub, call: str, nth: int, kind: str
) -> None:
    assert _run(github) == "published"
    method, path = call.split(" ", 1)
    github.fail(method, "^" + path.replace(".", r"\.") + "$", kind, nth)

    first = _run(github, "/lam-bot regenerate")
    assert first in ("published", "error")
    assert github.faults[0].fired
    # A re-run of the same comment's workflow: done already, or finishing the failed run.
    assert _run(github, "/lam-bot regenerate") == (
        "ignored" if first == "published" else "published"
    )
    assert list(github.pulls) == [2] and sorted(github.refs) == [BRANCH, "main"]
    assert len(github.issue_comments(1)) == 1 and github.commit_count(BRANCH) == 1
