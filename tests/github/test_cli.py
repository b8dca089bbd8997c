"""`lam-bot handle-issue` end to end: CliRunner, the fake GitHub, the fake OpenAI server."""

from __future__ import annotations

import logging
import re
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from lam_bot.cli import cli
from tests.github.conftest import BRANCH, HAPPY_CALLS, PATH, TOKEN, payload, write_event
from tests.support.fake_github import FakeGitHub
from tests.support.fake_openai import FakeOpenAI, Reply, plan_reply
from tests.support.plans import example_plan


@pytest.fixture
def env(github: FakeGitHub, openai_server: FakeOpenAI, tmp_path: Path) -> dict[str, str]:
    """The Actions environment of one run, pointing at both fake servers."""
    (tmp_path / "output").touch()
    return {
        "GITHUB_EVENT_NAME": "issues",
        "GITHUB_EVENT_PATH": str(write_event(tmp_path, payload(github))),
        "GITHUB_TOKEN": TOKEN,
        "GITHUB_API_URL": github.base_url,
        "GITHUB_SERVER_URL": "https://github.example",
        "GITHUB_REPOSITORY": github.full_name,
        "GITHUB_RUN_ID": "42",
        "GITHUB_OUTPUT": str(tmp_path / "output"),
        "GITHUB_STEP_SUMMARY": str(tmp_path / "summary.md"),
        "LAM_BOT_BACKEND": "openai",
        "LAM_BOT_BASE_URL": openai_server.url,
        "LAM_BOT_MODEL": "fake-lam",
        "LAM_BOT_GITHUB_TIMEOUT": "1",
        "LAM_BOT_GITHUB_BACKOFF": "0.01",
        "LAM_BOT_GITHUB_WRITE_INTERVAL": "0",
    }


def invoke(env: dict[str, str], *args: str) -> Result:
    return CliRunner().invoke(cli, ["handle-issue", *args], env=env, catch_exceptions=False)


def outputs(env: dict[str, str]) -> dict[str, str]:
    lines = Path(env["GITHUB_OUTPUT"]).read_text().splitlines()
    values, index = {}, 0
    while index < len(lines):
        name, delimiter = lines[index].split("<<")
        end = lines.index(delimiter, index + 1)
        values[name] = "\n".join(lines[index + 1 : end])
        index = end + 1
    return values


def all_text(fake: FakeGitHub, result: Result) -> str:
    texts = [result.output, *(c["body"] for c in fake.comments.values())]
    texts += [str(p["body"]) for p in fake.pulls.values()]
    return "\n".join(texts)


def test_labelled_issue_becomes_a_pull_request(
    github: FakeGitHub, openai_server: FakeOpenAI, env: dict[str, str]
) -> None:
    result = invoke(env)

    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == "https://github.example/octo/demo/pull/2"
    assert "12 GitHub API requests" in result.stderr
    assert github.file(PATH, BRANCH) is not None
    assert outputs(env) == {
        "status": "published",
        "pr-url": "https://github.example/octo/demo/pull/2",
        "pr-number": "2",
        "agent-path": PATH,
        "agent-name": "docker-memory-monitor",
        "score": "100",
    }
    summary = Path(env["GITHUB_STEP_SUMMARY"]).read_text()
    assert "pull/2" in summary and "GitHub API requests: 12" in summary
    status = github.issue_comments(1)[0]["body"]
    assert "https://github.example/octo/demo/actions/runs/42" in status
    assert "| openai | `fake-lam` |" in github.pulls[2]["body"]
    sent = openai_server.requests[0]["messages"][-1]["content"]
    assert "Monitor my Docker containers" in sent and "Alert above 80%" in sent


def test_happy_path_with_pygithubs_own_pacing(
    github: FakeGitHub, env: dict[str, str], caplog: pytest.LogCaptureFixture
) -> None:
    """PyGithub's own defaults (1 s between writes, 0.25 s between requests), as every real
    run has them: the throttle's "sleeping …" log records must not disturb the count."""
    for name in ("TIMEOUT", "BACKOFF", "WRITE_INTERVAL"):
        del env[f"LAM_BOT_GITHUB_{name}"]
    caplog.set_level(logging.DEBUG, logger="github")

    result = invoke(env)

    assert result.exit_code == 0, result.output
    assert any("sleeping" in r.getMessage() for r in caplog.records)  # the throttle did wait
    assert github.calls() == HAPPY_CALLS
    assert f"{len(HAPPY_CALLS)} GitHub API requests" in result.stderr
    assert outputs(env)["status"] == "published" and len(github.pulls) == 1


def test_the_token_never_reaches_logs_comments_or_the_pull_request(
    github: FakeGitHub, env: dict[str, str]
) -> None:
    result = invoke(env)
    assert all(r.authorization == f"token {TOKEN}" for r in github.requests)
    assert TOKEN not in all_text(github, result)
    assert TOKEN not in Path(env["GITHUB_STEP_SUMMARY"]).read_text()


def test_generation_failure_exits_1_with_reasons_and_no_branch(
    github: FakeGitHub, openai_server: FakeOpenAI, env: dict[str, str]
) -> None:
    openai_server.queue(Reply(content="I would rather write a poem."))

    result = invoke(env, "--attempts", "2")

    assert result.exit_code == 1
    assert result.stderr.strip().splitlines()[-1].startswith("Error: no acceptable agent after 2")
    assert list(github.refs) == ["main"] and github.pulls == {}
    (status,) = github.issue_comments(1)
    assert "attempt 1:" in status["body"] and "attempt 2:" in status["body"]
    assert "\n  attempt 2:" in result.stderr
    assert len(openai_server.requests) == 2


def test_name_clash_exits_1(github: FakeGitHub, env: dict[str, str]) -> None:
    github.add_file(PATH, "mine\n")
    result = invoke(env)
    assert result.exit_code == 1
    assert "Error: an agent named docker-memory-monitor already exists" in result.stderr
    assert github.pulls == {}


def test_triage_labeller_exits_0_with_a_status_comment(
    github: FakeGitHub, env: dict[str, str], tmp_path: Path
) -> None:
    env["GITHUB_EVENT_PATH"] = str(write_event(tmp_path, payload(github, sender="tess")))
    result = invoke(env)
    assert result.exit_code == 0
    assert outputs(env)["status"] == "refused"
    assert "triage" in github.issue_comments(1)[0]["body"]


def test_other_label_exits_0_silently(
    github: FakeGitHub, env: dict[str, str], tmp_path: Path
) -> None:
    env["GITHUB_EVENT_PATH"] = str(write_event(tmp_path, payload(github, label="bug")))
    result = invoke(env, "-q")
    assert (result.exit_code, result.output, github.requests) == (0, "", [])


def test_regenerate_comment_on_the_pull_request(
    github: FakeGitHub, openai_server: FakeOpenAI, env: dict[str, str], tmp_path: Path
) -> None:
    assert invoke(env).exit_code == 0
    changed = example_plan()
    changed["agent"]["constraints"].append("Alert at most once per hour per container")
    openai_server.queue(plan_reply(changed))
    comment = payload(github, 2, action="created", comment="/lam-bot regenerate rate-limit alerts")
    env.update(GITHUB_EVENT_NAME="issue_comment")
    env["GITHUB_EVENT_PATH"] = str(write_event(tmp_path, comment))

    result = invoke(env)

    assert result.exit_code == 0, result.output
    assert "rate-limit alerts" in openai_server.requests[-1]["messages"][-1]["content"]
    assert "once per hour" in (github.file(PATH, BRANCH) or "")
    assert len(github.pulls) == 1 and github.commit_count(BRANCH) == 2
    assert len(github.issue_comments(1)) == 1


def test_dry_run_writes_nothing_to_github(
    github: FakeGitHub, env: dict[str, str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)

    result = invoke(env, "--dry-run")

    assert result.exit_code == 0, result.output
    assert {r.method for r in github.requests} == {"GET"}
    assert github.pulls == {} and github.comments == {} and list(github.refs) == ["main"]
    assert (tmp_path / PATH).read_text().startswith("---\nname: docker-memory-monitor")
    assert "would open a draft pull request lam-bot/issue-1 -> main" in result.stderr
    assert "would create branch lam-bot/issue-1" in result.stderr
    assert "permission was not checked" not in result.stderr  # it was, with the token
    # Nothing is said as if it had happened.
    for done in (": created", ": opened", ": committed", "#0"):
        assert done not in result.stderr
    assert result.stdout.startswith("Add docker-memory-monitor agent")
    assert "Closes #1" in result.stdout


def test_dry_run_without_a_token_reads_nothing(
    github: FakeGitHub, env: dict[str, str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    del env["GITHUB_TOKEN"]
    result = invoke(env, "--dry-run")
    assert result.exit_code == 0, result.output
    assert github.requests == []
    assert (tmp_path / PATH).is_file()
    # The labeller's role could not be read: said, not silently assumed (also under -q).
    assert "permission was not checked (no token)" in result.stderr
    quiet = invoke(env, "--dry-run", "-q")
    assert quiet.stderr.count("permission was not checked (no token)") == 1


def test_model_text_cannot_issue_workflow_commands(
    github: FakeGitHub,
    openai_server: FakeOpenAI,
    env: dict[str, str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.chdir(tmp_path)
    github.issues[1]["body"] = "::set-output name=pr-url::https://evil\n::add-mask::x"
    env["GITHUB_EVENT_PATH"] = str(write_event(tmp_path, payload(github)))
    result = invoke(env, "--dry-run")
    lines = result.stdout.splitlines()
    opener = next(i for i, line in enumerate(lines) if line.startswith("::stop-commands::"))
    token = lines[opener].removeprefix("::stop-commands::")
    closer = lines.index(f"::{token}::")
    evil = [i for i, line in enumerate(lines) if "::set-output" in line or "::add-mask" in line]
    assert evil and all(opener < i < closer for i in evil)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"GITHUB_EVENT_NAME": ""}, "no event name: pass --event-name"),
        ({"GITHUB_TOKEN": ""}, "no GitHub token"),
        ({"LAM_BOT_AGENTS_DIR": "../outside"}, "agents folder must be a relative path"),
        ({"LAM_BOT_AGENTS_DIR": ".github/workflows"}, "must not be inside .github"),
    ],
)
def test_bad_settings_are_one_line_errors(
    env: dict[str, str], change: dict[str, str], message: str
) -> None:
    env.update(change)
    result = invoke(env)
    assert result.exit_code in (1, 2)
    assert result.stderr.count("\n") == 1 and message in result.stderr


def test_unreadable_event_is_a_one_line_error(env: dict[str, str], tmp_path: Path) -> None:
    (tmp_path / "bad.json").write_text("{not json")
    result = invoke(env, "--event", str(tmp_path / "bad.json"))
    assert result.exit_code == 1 and "not JSON" in result.stderr
    result = invoke(env, "--event", str(tmp_path / "missing.json"))
    assert result.exit_code == 1 and "cannot read the event payload" in result.stderr


def test_github_down_is_a_one_line_error(github: FakeGitHub, env: dict[str, str]) -> None:
    github.fail("GET", "/permission$", "502", times=3)
    result = invoke(env, "--github-retries", "2")
    assert result.exit_code == 1
    assert result.stderr.strip().splitlines()[-1] == (
        "Error: reading alice's permission: GitHub answered 502 no message"
    )


def test_pull_requests_not_allowed_says_which_setting(
    github: FakeGitHub, env: dict[str, str]
) -> None:
    github.actions_may_open_pulls = False

    result = invoke(env)

    assert result.exit_code == 1
    last = result.stderr.strip().splitlines()[-1]
    assert last.startswith("Error: opening the pull request: GitHub answered 403")
    assert "Settings → Actions → General" in last
    assert github.pulls == {}
    assert "not permitted" in github.issue_comments(1)[0]["body"]
    assert "**failed**" in Path(env["GITHUB_STEP_SUMMARY"]).read_text()

    github.actions_may_open_pulls = True
    assert invoke(env).exit_code == 0
    assert len(github.pulls) == 1 and len(github.issue_comments(1)) == 1


def test_other_events_are_ignored(github: FakeGitHub, env: dict[str, str]) -> None:
    """Another event: nothing asked, and the reason said."""
    env["GITHUB_EVENT_NAME"] = "pull_request"
    result = invoke(env)
    assert result.exit_code == 0 and github.requests == []
    assert "pull_request events are not handled" in result.stderr
    assert outputs(env)["status"] == "ignored"


INJECTED = "\n::warning title=INJECTED::x\n::add-mask::Monitors\n"


def _command_lines(text: str) -> list[str]:
    """Lines the runner would read as workflow commands, outside stop-commands blocks."""
    found, stop = [], None
    for line in text.splitlines():
        if stop is not None:
            stop = None if line == f"::{stop}::" else stop
        elif line.startswith("::stop-commands::"):
            stop = line.removeprefix("::stop-commands::")
        elif line.lstrip().startswith("::"):
            found.append(line)
    return found


def test_a_plan_cannot_issue_workflow_commands_through_errors(
    github: FakeGitHub, openai_server: FakeOpenAI, env: dict[str, str]
) -> None:
    plan = example_plan()
    plan["agent"][INJECTED] = "x"  # pydantic names the key in its error's location
    openai_server.queue(plan_reply(plan))

    result = invoke(env, "--attempts", "1")

    assert result.exit_code == 1
    assert "INJECTED" in result.stderr  # the message still says what was wrong
    assert _command_lines(result.output) == []
    assert result.stderr.splitlines()[-1].startswith("Error: ")
    summary = Path(env["GITHUB_STEP_SUMMARY"]).read_text()
    assert "INJECTED" in summary and _command_lines(summary) == []
    assert _command_lines(github.issue_comments(1)[0]["body"]) == []


def test_untrusted_text_in_the_pull_request_is_inert(
    github: FakeGitHub, openai_server: FakeOpenAI, env: dict[str, str], tmp_path: Path
) -> None:
    github.issues[1]["body"] = "Fixes #1, closes octo/demo#7\n![x](https://evil.example/b.png)"
    env["GITHUB_EVENT_PATH"] = str(write_event(tmp_path, payload(github)))
    plan = example_plan()
    plan["reasoning"] = "Safe\u202e design\u200b. Resolves #3. " + plan["reasoning"]
    openai_server.queue(plan_reply(plan))

    assert invoke(env).exit_code == 0
    body = github.pulls[2]["body"]

    # GitHub's closing keywords before an issue reference (docs.github.com, "Linking a pull
    # request to an issue"): only lam-bot's own line may close anything.
    closing = r"(?i)\b(close[sd]?|fix(e[sd])?|resolve[sd]?):?\s+([\w.-]+/[\w.-]+)?#\d"
    assert [m.group(0) for m in re.finditer(closing, body)] == ["Closes #1"]
    assert not re.search(r"(?<!\\)!\[", body)  # an escaped `\!` shows, loads nothing
    assert "\\![x](https://evil.example/b.png)" in body
    assert "\u202e" not in body and "Safe design" in body


@pytest.mark.parametrize(
    ("data", "why"),
    [
        ({"label": "bug"}, "issues/labeled: the label is bug, not agent-request"),
        (
            {"sender": "dependabot[bot]", "sender_type": "Bot"},
            "issues/labeled was sent by a bot (dependabot[bot])",
        ),
        ({"action": "created", "comment": "thanks!"}, "does not start with `/lam-bot regenerate`"),
    ],
)
def test_dry_run_says_why_an_event_is_ignored(
    github: FakeGitHub, env: dict[str, str], tmp_path: Path, data: dict, why: str
) -> None:
    if "comment" in data:
        env["GITHUB_EVENT_NAME"] = "issue_comment"
    env["GITHUB_EVENT_PATH"] = str(write_event(tmp_path, payload(github, **data)))
    result = invoke(env, "--dry-run")
    assert result.exit_code == 0 and github.requests == []
    assert result.stderr.endswith(f"{why}\n") and "ignored: " in result.stderr


def test_dry_run_of_a_pull_request_comment_without_a_token_is_a_usage_error(
    github: FakeGitHub, env: dict[str, str], tmp_path: Path
) -> None:
    github.add_pull("lam-bot/issue-1", "github-actions[bot]")
    data = payload(github, 2, action="created", comment="/lam-bot regenerate")
    data["issue"]["labels"] = [{"name": "agent-request"}]
    env.update(
        GITHUB_EVENT_NAME="issue_comment", GITHUB_EVENT_PATH=str(write_event(tmp_path, data))
    )
    del env["GITHUB_TOKEN"]
    result = invoke(env, "--dry-run")
    assert result.exit_code == 2 and "needs a token" in result.stderr.splitlines()[-1]
