"""Real event sequences and real token identities: one issue, one generation, one comment, one PR.

GitHub sends `opened` and then `labeled` for an issue created with the label (issue forms);
maintainers re-label, edit and re-run workflows. Tokens: a personal access token acts as its
user; a GitHub App installation token as `<slug>[bot]`; the workflow's GITHUB_TOKEN as
`github-actions[bot]` (docs.github.com: "Automatic token authentication").
"""

from __future__ import annotations

from typing import Any

import pytest

from lam_bot.github.client import connect
from lam_bot.github.comment import MARKER
from lam_bot.github.event import parse_event
from lam_bot.github.flow import Flow, FlowSettings
from lam_bot.github.repo import Repo
from tests.github.conftest import BRANCH, TOKEN, fast_settings, make_draft, payload
from tests.support.fake_github import FakeGitHub

IDENTITIES = {
    "workflow token": "github-actions[bot]",
    "GitHub App token": "lam-bot-app[bot]",
    "personal access token": "octo-maintainer",
}


class Counter:
    """A generate callable that counts its calls."""

    def __init__(self) -> None:
        self.calls = 0

    def __call__(self, request: str, feedback: str | None) -> Any:
        self.calls += 1
        return make_draft(text=make_draft().text + f"\nVersion {self.calls}.\n")


def run(fake: FakeGitHub, data: dict, generate: Any) -> str:
    event = parse_event("issue_comment" if "comment" in data else "issues", data)
    repo = Repo(connect(fast_settings(fake)), fake.full_name)
    return Flow(repo, generate, FlowSettings(), lambda _: None).run(event).status


def opened(fake: FakeGitHub, **kw: Any) -> dict:
    fake.issues[1]["labels_names"] = ["agent-request"]  # created by an issue form
    return payload(fake, action="opened", **kw)


def edited(fake: FakeGitHub) -> dict:
    return payload(fake, action="edited")


def unlabeled(fake: FakeGitHub) -> dict:
    fake.issues[1]["labels_names"].remove("agent-request")
    data = payload(fake, action="unlabeled")
    data["label"] = {"name": "agent-request"}
    return data


SEQUENCES = {
    "issue form: opened, labeled": [opened, payload],
    "opened, labeled, each re-run": [opened, payload, opened, payload],
    "labeled, edited, unlabeled, labeled again": [payload, edited, unlabeled, payload],
    "labeled, re-labeled by a triager": [payload, lambda f: payload(f, sender="tess")],
}


@pytest.mark.parametrize("token_kind", IDENTITIES)
@pytest.mark.parametrize("sequence", SEQUENCES)
def test_any_event_sequence_generates_once(
    github: FakeGitHub, sequence: str, token_kind: str
) -> None:
    github.tokens[TOKEN] = IDENTITIES[token_kind]
    generate = Counter()

    statuses = [run(github, make(github), generate) for make in SEQUENCES[sequence]]

    assert statuses[0] == "published" and "published" not in statuses[1:]
    assert generate.calls == 1
    assert [p["head"]["ref"] for p in github.pulls.values()] == [BRANCH]
    assert github.pulls[2]["user"]["login"] == IDENTITIES[token_kind]
    (status,) = github.issue_comments(1)
    assert status["user"]["login"] == IDENTITIES[token_kind] and "✅" in status["body"]
    assert github.commit_count(BRANCH) == 1


@pytest.mark.parametrize("token_kind", IDENTITIES)
def test_each_identity_finds_its_own_comment_and_pull_request(
    github: FakeGitHub, token_kind: str
) -> None:
    login = IDENTITIES[token_kind]
    github.tokens[TOKEN] = login
    # Look-alikes: the marker pasted by a person and by another app.
    github.add_comment(1, f"{MARKER}\nnot mine", "mallory")
    github.add_comment(1, f"{MARKER}\nnot mine either", "other-app[bot]")
    generate = Counter()

    run(github, payload(github), generate)
    regenerate = payload(github, action="created", comment="/lam-bot regenerate shorter")
    assert run(github, regenerate, generate) == "published"

    assert generate.calls == 2 and len(github.pulls) == 1
    mine = [c for c in github.issue_comments(1) if c["user"]["login"] == login]
    assert len(mine) == 1 and len(github.issue_comments(1)) == 3
    assert github.commit_count(BRANCH) == 2


def test_without_graphql_a_personal_token_is_known_from_get_user(github: FakeGitHub) -> None:
    github.graphql_enabled = False
    github.tokens[TOKEN] = "octo-maintainer"
    generate = Counter()
    run(github, payload(github), generate)
    assert run(github, payload(github), generate) == "ignored"
    assert "GET /user" in github.calls() and generate.calls == 1


def test_a_rerun_of_a_regenerate_comment_generates_once(github: FakeGitHub) -> None:
    generate = Counter()
    run(github, payload(github), generate)
    comment = payload(github, action="created", comment="/lam-bot regenerate stricter")
    assert [run(github, comment, generate) for _ in range(2)] == ["published", "ignored"]
    assert generate.calls == 2


def test_a_reader_comment_changes_nothing(github: FakeGitHub) -> None:
    run(github, payload(github), Counter())
    before = github.issue_comments(1)[0]["body"]
    github.requests.clear()
    data = payload(github, action="created", comment="/lam-bot regenerate x", sender="rita")

    assert run(github, data, Counter()) == "refused"

    assert github.issue_comments(1)[0]["body"] == before
    assert {r.method for r in github.requests} == {"GET"}


def test_a_triager_label_after_success_keeps_the_status(github: FakeGitHub) -> None:
    run(github, payload(github), Counter())
    before = github.issue_comments(1)[0]["body"]
    assert run(github, payload(github, sender="tess"), Counter()) == "refused"
    assert github.issue_comments(1)[0]["body"] == before


@pytest.mark.parametrize(
    ("fork", "author"),
    [("mallory/demo", "mallory"), (None, "mallory"), ("mallory/demo", "github-actions[bot]")],
)
def test_a_look_alike_pull_request_is_not_the_bot_s(
    github: FakeGitHub, fork: str | None, author: str
) -> None:
    github.add_issue("Issue 30", "an agent please", "reporter")
    number = github.add_pull("lam-bot/issue-30", author, fork=fork)
    github.issues[number]["labels_names"].append("agent-request")
    generate = Counter()
    data = payload(github, number, action="created", comment="/lam-bot regenerate")

    assert run(github, data, generate) == "ignored"
    assert generate.calls == 0 and github.comments == {}
    assert not [r for r in github.requests if r.method != "GET" and r.path != "/graphql"]
