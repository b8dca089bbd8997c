"""Fixtures for the GitHub flow: a served fake GitHub, event payloads, a fast client."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from lam_bot.github.client import ClientSettings, connect
from lam_bot.github.repo import Repo
from tests.support.fake_github import FakeGitHub, serve
from tests.support.plans import EXAMPLE_REQUEST, example_plan

TOKEN = "ghs_testtoken0123456789abcdefSECRET"
LABELLER = "alice"
PATH = ".claude/agents/docker-memory-monitor.md"
BRANCH = "lam-bot/issue-1"
# The API requests of a first run for a labelled issue, in order (12).
HAPPY_CALLS = [
    "GET /repos/octo/demo/collaborators/alice/permission",
    "GET /repos/octo/demo/issues/1/comments",
    "POST /repos/octo/demo/issues/1/comments",
    f"GET /repos/octo/demo/contents/{PATH}",
    f"GET /repos/octo/demo/git/ref/heads/{BRANCH}",
    "GET /repos/octo/demo/git/ref/heads/main",
    "POST /repos/octo/demo/git/refs",
    f"PUT /repos/octo/demo/contents/{PATH}",
    "POST /repos/octo/demo/pulls",
    "POST /repos/octo/demo/issues/2/labels",
    "POST /repos/octo/demo/pulls/2/requested_reviewers",
    "PATCH /repos/octo/demo/issues/comments/1001",
]


@pytest.fixture
def github() -> Iterator[FakeGitHub]:
    """A fake GitHub repository octo/demo with one writer, one triager and issue #1."""
    fake = FakeGitHub(roles={LABELLER: "maintain", "tess": "triage", "rita": "read"})
    fake.add_issue(EXAMPLE_REQUEST, "Alert above 80% of the limit.", "reporter")
    with serve(fake):
        yield fake


def fast_settings(fake: FakeGitHub, **overrides: Any) -> ClientSettings:
    """Client settings for tests: no pacing, tiny backoff, short timeouts."""
    values: dict[str, Any] = dict(
        api_url=fake.base_url,
        token=TOKEN,
        timeout=1,
        retries=3,
        backoff=0.01,
        seconds_between_requests=0,
        seconds_between_writes=0,
        secondary_rate_wait=0,
    )
    values.update(overrides)
    return ClientSettings(**values)


def repo_for(fake: FakeGitHub) -> Repo:
    return Repo(connect(fast_settings(fake)), fake.full_name)


def payload(fake: FakeGitHub, number: int = 1, *, action: str = "labeled", **kw: Any) -> dict:
    """An `issues` (or, with `comment=`, `issue_comment`) payload for issue `number`."""
    issue = fake._issue_json(number)
    label_name = kw.pop("label", "agent-request")
    if action == "labeled" and label_name not in fake.issues[number]["labels_names"]:
        fake.issues[number]["labels_names"].append(label_name)
        issue = fake._issue_json(number)
    body: dict[str, Any] = {
        "action": action,
        "issue": issue,
        "repository": {"full_name": fake.full_name, "default_branch": fake.default_branch},
        "sender": {"login": kw.pop("sender", LABELLER), "type": kw.pop("sender_type", "User")},
    }
    if action == "labeled":
        body["label"] = {"name": label_name}
    if "comment" in kw:
        body["comment"] = {"body": kw.pop("comment"), "id": 1}
    return body


def write_event(tmp_path: Path, data: dict) -> Path:
    path = tmp_path / "event.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def make_draft(plan: dict | None = None, **extra: Any) -> SimpleNamespace:
    """A deterministic stand-in for `Generated`, built by the real synthesis and validator."""
    from lam_bot.plan import Plan
    from lam_bot.synthesize import agent_filename, synthesize
    from lam_bot.validator import check_text

    parsed = Plan.model_validate(plan or example_plan())
    synthesis = synthesize(parsed)
    fields = dict(
        plan=parsed,
        name=parsed.agent.name,
        filename=agent_filename(parsed.agent.name),
        text=synthesis.text,
        grants=synthesis.grants,
        result=check_text(synthesis.text, kind="agent"),
        backend="fake",
        model="test-model",
        seconds=1.5,
        tokens=321,
        attempts=1,
    )
    fields.update(extra)
    return SimpleNamespace(**fields)
