"""The issue → pull request flow against the fake GitHub, with a deterministic generator."""

from __future__ import annotations

import re
from typing import Any

import pytest

from lam_bot.errors import ConfigError, GenerationError, GitHubError, InputError
from lam_bot.github.comment import MARKER
from lam_bot.github.event import parse_event
from lam_bot.github.flow import Flow, FlowSettings, agent_repo_path, check_agents_dir
from tests.github.conftest import BRANCH, HAPPY_CALLS, LABELLER, PATH, make_draft, payload, repo_for
from tests.support.fake_github import FakeGitHub
from tests.support.plans import example_plan


class Recorder:
    """A generate callable returning fixed drafts and recording its calls."""

    def __init__(self, *drafts: Any, error: Exception | None = None) -> None:
        self.drafts = list(drafts) or [make_draft()]
        self.error = error
        self.calls: list[tuple[str, str | None]] = []

    def __call__(self, request: str, feedback: str | None) -> Any:
        self.calls.append((request, feedback))
        if self.error is not None:
            raise self.error
        return self.drafts.pop(0) if len(self.drafts) > 1 else self.drafts[0]


def run(fake: FakeGitHub, data: dict, generate: Any = None, **settings: Any) -> Any:
    event = parse_event("issue_comment" if "comment" in data else "issues", data)
    flow = Flow(repo_for(fake), generate or Recorder(), FlowSettings(**settings), lambda _: None)
    return flow.run(event)


def assert_one_of_each(fake: FakeGitHub) -> None:
    assert [p["head"]["ref"] for p in fake.pulls.values()] == [BRANCH]
    assert sorted(fake.refs) == [BRANCH, "main"]
    assert len(fake.issue_comments(1)) == 1


def test_happy_path_opens_one_draft_pull_request(github: FakeGitHub) -> None:
    generate = Recorder()
    outcome = run(github, payload(github), generate, run_url="https://ci/run/7")

    assert outcome.status == "published"
    assert github.calls() == HAPPY_CALLS
    assert_one_of_each(github)
    pull = github.pulls[2]
    assert pull["draft"] is True
    assert pull["title"] == "Add docker-memory-monitor agent"
    assert github.issues[2]["labels_names"] == ["agent-request"]
    assert [r["login"] for r in pull["requested_reviewers"]] == [LABELLER]
    assert github.file(PATH, BRANCH) == make_draft().text
    assert github.file(PATH, "main") is None
    assert github.commit_count(BRANCH) == 1
    status = github.issue_comments(1)[0]["body"]
    assert status.startswith(MARKER) and "#2" in status and "https://ci/run/7" in status
    request, feedback = generate.calls[0]
    assert request.startswith("Monitor my Docker containers") and feedback is None
    assert (outcome.agent_path, outcome.agent_name, outcome.pull.number) == (
        PATH,
        "docker-memory-monitor",
        2,
    )


def test_body_has_what_a_reviewer_needs(github: FakeGitHub) -> None:
    run(github, payload(github))
    body = github.pulls[2]["body"]
    for expected in (
        "> Monitor my Docker containers",
        "### Why this design",
        "| `Bash` |",
        "**memory_check**",
        "Never stop, restart or remove containers",
        "### Validation: 100/100",
        "| fake | `test-model` | 1.5 | 321 | 1 |",
        "Closes #1",
    ):
        assert expected in body
    assert len(re.findall(r"^\| [^|]+ \| \d+/\d+ \|$", body, re.MULTILINE)) == 8


def test_a_second_label_event_changes_nothing(github: FakeGitHub) -> None:
    run(github, payload(github))
    github.pulls[2]["body"] = "edited by hand"
    github.requests.clear()
    generate = Recorder()

    outcome = run(github, payload(github), generate)

    assert outcome.status == "ignored" and "#2 already answers #1" in outcome.message
    assert generate.calls == []
    assert_one_of_each(github)
    assert github.pulls[2]["body"] == "edited by hand"
    assert github.calls() == ANSWERED_CALLS


def test_regenerate_with_a_changed_agent_commits_once_more(github: FakeGitHub) -> None:
    run(github, payload(github))
    changed = make_draft(text=make_draft().text + "\nOne more line.\n")
    data = payload(github, action="created", comment="/lam-bot regenerate more")
    run(github, data, Recorder(changed))
    assert github.commit_count(BRANCH) == 2
    assert github.file(PATH, BRANCH) == changed.text
    assert_one_of_each(github)


def test_ready_opens_a_ready_pull_request(github: FakeGitHub) -> None:
    run(github, payload(github), draft=False)
    assert github.pulls[2]["draft"] is False


def test_triage_labeller_is_refused_with_a_status_comment(github: FakeGitHub) -> None:
    generate = Recorder()
    outcome = run(github, payload(github, sender="tess"), generate)

    assert outcome.status == "refused"
    assert generate.calls == []
    assert github.pulls == {} and list(github.refs) == ["main"]
    (status,) = github.issue_comments(1)
    assert "`triage` role" in status["body"] and "`write` or higher" in status["body"]


def test_min_permission_is_configurable(github: FakeGitHub) -> None:
    outcome = run(github, payload(github), min_permission="admin")
    assert outcome.status == "refused"


def test_another_label_is_ignored_without_a_request(github: FakeGitHub) -> None:
    outcome = run(github, payload(github, label="bug"))
    assert outcome.status == "ignored"
    assert github.requests == []


def test_bots_are_ignored(github: FakeGitHub) -> None:
    outcome = run(github, payload(github, sender="github-actions[bot]", sender_type="Bot"))
    assert outcome.status == "ignored" and github.requests == []


def test_name_clash_on_the_default_branch_is_not_overwritten(github: FakeGitHub) -> None:
    github.add_file(PATH, "---\nname: docker-memory-monitor\n---\nmine\n")
    with pytest.raises(InputError, match="already exists"):
        run(github, payload(github))
    assert github.file(PATH, "main") == "---\nname: docker-memory-monitor\n---\nmine\n"
    assert github.pulls == {} and list(github.refs) == ["main"]
    (status,) = github.issue_comments(1)
    assert "already exists" in status["body"]


def test_generation_failure_reports_reasons_and_writes_nothing(github: FakeGitHub) -> None:
    error = GenerationError("no valid agent after 2 attempts", ("score 40 < 70", "bad JSON"))
    with pytest.raises(GenerationError):
        run(github, payload(github), Recorder(error=error))
    assert github.pulls == {} and list(github.refs) == ["main"]
    (status,) = github.issue_comments(1)
    assert "no valid agent after 2 attempts" in status["body"]
    assert "- score 40 &lt; 70" in status["body"] and "- bad JSON" in status["body"]


def test_regenerate_on_the_issue_passes_feedback(github: FakeGitHub) -> None:
    run(github, payload(github))
    generate = Recorder(make_draft(text=make_draft().text + "\nTighter.\n"))
    data = payload(github, action="created", comment="/lam-bot regenerate  make it stricter\n")

    outcome = run(github, data, generate)

    assert generate.calls[0][1] == "make it stricter"
    assert outcome.pull.number == 2
    assert github.commit_count(BRANCH) == 2
    assert "make it stricter" in github.pulls[2]["body"]
    assert_one_of_each(github)


def test_regenerate_on_the_bot_pull_request_finds_the_issue(github: FakeGitHub) -> None:
    run(github, payload(github))
    generate = Recorder()
    data = payload(github, 2, action="created", comment="/lam-bot regenerate use Grep")

    outcome = run(github, data, generate)

    assert outcome.status == "published"
    assert generate.calls[0] == (generate.calls[0][0], "use Grep")
    assert generate.calls[0][0].startswith("Monitor my Docker containers")
    assert_one_of_each(github)
    assert github.issue_comments(2) == []


def test_regenerate_from_a_reader_is_refused(github: FakeGitHub) -> None:
    run(github, payload(github))
    data = payload(github, action="created", comment="/lam-bot regenerate x", sender="rita")
    assert run(github, data).status == "refused"


def test_other_comments_are_ignored(github: FakeGitHub) -> None:
    run(github, payload(github))
    github.requests.clear()
    data = payload(github, action="created", comment="looks good! /lam-bot regenerate")
    assert run(github, data).status == "ignored"
    assert github.requests == []


def test_paths_cannot_leave_the_agents_folder() -> None:
    assert agent_repo_path("./.claude//agents/", "x-y") == ".claude/agents/x-y.md"
    with pytest.raises(InputError):
        agent_repo_path(".claude/agents", "../../.github/workflows/x")
    for bad in ("../x", "/etc", ".github/agents", ".GitHub", "a/../../b", "", "C:/x"):
        with pytest.raises(ConfigError):
            check_agents_dir(bad)


def test_a_plan_named_like_a_path_opens_nothing(github: FakeGitHub) -> None:
    evil = make_draft(name="../../.github/workflows/x")
    with pytest.raises(InputError):
        run(github, payload(github), Recorder(evil))
    assert github.pulls == {} and list(github.refs) == ["main"]
    assert all(".github" not in path for c in github.commits.values() for path in c["tree"])


ANSWERED_CALLS = [
    "GET /repos/octo/demo/collaborators/alice/permission",
    "GET /repos/octo/demo/issues/1/comments",
    "POST /graphql",  # whose comment is it? (the token's account)
    "GET /repos/octo/demo/pulls",
]
# A run after a failed one (the status comment says so): generate, find everything again.
RERUN_CALLS = [
    "GET /repos/octo/demo/collaborators/alice/permission",
    "GET /repos/octo/demo/issues/1/comments",
    "POST /graphql",
    "PATCH /repos/octo/demo/issues/comments/1001",
    f"GET /repos/octo/demo/contents/{PATH}",
    f"GET /repos/octo/demo/git/ref/heads/{BRANCH}",
    "GET /repos/octo/demo/pulls",
    f"GET /repos/octo/demo/contents/{PATH}",
    "PATCH /repos/octo/demo/pulls/2",
    "PATCH /repos/octo/demo/issues/comments/1001",
]


def test_rerun_after_a_failure_request_list(github: FakeGitHub) -> None:
    github.fail("POST", "/labels$", "502", times=2)
    with pytest.raises(GitHubError):
        run(github, payload(github))
    github.requests.clear()
    assert run(github, payload(github)).status == "published"
    assert github.calls() == [*RERUN_CALLS[:-1], *LABEL_AND_REVIEW, RERUN_CALLS[-1]]


LABEL_AND_REVIEW = [
    "POST /repos/octo/demo/issues/2/labels",
    "POST /repos/octo/demo/pulls/2/requested_reviewers",
]


def test_a_renamed_agent_replaces_the_old_file_in_the_same_pull_request(
    github: FakeGitHub,
) -> None:
    run(github, payload(github))
    plan = example_plan()
    plan["agent"]["name"] = "container-memory-watch"
    data = payload(github, action="created", comment="/lam-bot regenerate a better name")

    outcome = run(github, data, Recorder(make_draft(plan)))

    new_path = ".claude/agents/container-memory-watch.md"
    assert outcome.agent_path == new_path
    assert github.file(PATH, BRANCH) is None and github.file(new_path, BRANCH) is not None
    assert len(github.pulls) == 1 and github.pulls[2]["title"] == "Add container-memory-watch agent"
    assert f"<!-- lam-bot:agent {new_path} -->" in github.pulls[2]["body"]


def test_a_tampered_agent_marker_never_deletes_files_outside_the_agents_folder(
    github: FakeGitHub,
) -> None:
    run(github, payload(github))
    github.add_file("README.md", "keep me", branch=BRANCH)
    github.pulls[2]["body"] = "<!-- lam-bot:agent README.md -->"
    data = payload(github, action="created", comment="/lam-bot regenerate again")
    assert run(github, data).status == "published"
    assert github.file("README.md", BRANCH) == "keep me"


def test_issue_and_model_text_cannot_mention_people_or_open_html(github: FakeGitHub) -> None:
    github.issues[1]["body"] = "cc @octo/owners <img src=x onerror=alert(1)>"
    plan = example_plan()
    plan["reasoning"] = "Ping @everyone-team for review. " + plan["reasoning"]
    run(github, payload(github), Recorder(make_draft(plan)))
    body = github.pulls[2]["body"]
    assert "@octo/owners" not in body and "@everyone-team" not in body
    assert "<img" not in body and "&lt;img" in body


def test_an_unknown_user_is_refused(github: FakeGitHub) -> None:
    github.unknown_users.add("ghost")
    outcome = run(github, payload(github, sender="ghost"))
    assert outcome.status == "refused" and "`none` role" in github.issue_comments(1)[0]["body"]


def test_a_pasted_marker_in_a_human_comment_is_not_the_status_comment(github: FakeGitHub) -> None:
    github.add_comment(1, f"{MARKER}\nfake status", "mallory")
    run(github, payload(github))
    human, status = github.issue_comments(1)
    assert human["body"] == f"{MARKER}\nfake status"
    assert status["user"]["type"] == "Bot" and "#2" in status["body"]
