"""The real pre-commit framework runs our hook from this repository (`pre-commit try-repo`).

pre-commit builds the hook's virtualenv from PyPI once (cached under a temporary
PRE_COMMIT_HOME, so nothing touches the user's home); two invocations share it.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.validator.helpers import GOOD_AGENT, NEGATIVE

REPO_ROOT = Path(__file__).resolve().parents[2]
HOOKS = ("lam-bot-validate", "lam-bot-fix")

pytestmark = pytest.mark.precommit


def _env(tmp_path: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GIT_", "PRE_COMMIT"))}
    identity = {"NAME": "lam-bot test", "EMAIL": "test@example.invalid"}
    env.update(
        {f"GIT_{who}_{k}": v for who in ("AUTHOR", "COMMITTER") for k, v in identity.items()}
    )
    env.update(
        HOME=str(tmp_path / "home"),
        PRE_COMMIT_HOME=str(tmp_path / "pre-commit"),
        PIP_CACHE_DIR=str(tmp_path / "pip-cache"),
        GIT_CONFIG_NOSYSTEM="1",
    )
    return env


def _git(repo: Path, env: dict[str, str], *args: str) -> None:
    subprocess.run(["git", *args], cwd=repo, env=env, check=True, capture_output=True, timeout=60)


def _try_repo(
    repo: Path, env: dict[str, str], all_files: bool = True
) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "pre_commit", "try-repo", str(REPO_ROOT), "lam-bot-validate"]
    command += ["--all-files"] if all_files else []
    return subprocess.run(command, cwd=repo, env=env, capture_output=True, text=True, timeout=900)


def test_hooks_file_declares_both_hooks() -> None:
    text = (REPO_ROOT / ".pre-commit-hooks.yaml").read_text()
    assert re.findall(r"^- id: (\S+)$", text, re.MULTILINE) == list(HOOKS)


def test_pre_commit_try_repo_passes_good_and_fails_bad(tmp_path: Path) -> None:
    env = _env(tmp_path)
    repo = tmp_path / "project"
    agents = repo / ".claude" / "agents"
    agents.mkdir(parents=True)
    (tmp_path / "home").mkdir()
    _git(repo, env, "init", "-q")
    (agents / "good.md").write_bytes(GOOD_AGENT.read_bytes())
    _git(repo, env, "add", ".")

    passing = _try_repo(repo, env)
    assert passing.returncode == 0, passing.stdout + passing.stderr
    assert re.search(r"lam-bot validate\.+Passed", passing.stdout)

    # Risk findings are warnings: the hook passes and shows them (the hook is verbose).
    (agents / "risky.md").write_bytes((NEGATIVE / "agent" / "risk-pipe-to-shell.md").read_bytes())
    _git(repo, env, "add", ".")
    risky = _try_repo(repo, env)
    assert risky.returncode == 0, risky.stdout + risky.stderr
    assert ".claude/agents/risky.md:9:9: warning risk-pipe-to-shell" in risky.stdout

    bad = (NEGATIVE / "agent" / "tool-unknown.md").read_text()
    (agents / "bad.md").write_text(bad.replace("name: reviewer", "name: bad-reviewer"))
    _git(repo, env, "add", ".")
    failing = _try_repo(repo, env)
    assert failing.returncode == 1, failing.stdout + failing.stderr
    assert re.search(r"lam-bot validate\.+Failed", failing.stdout)
    assert ".claude/agents/bad.md:4:14: error tool-unknown" in failing.stdout
    assert "good.md" not in failing.stdout

    # Only the staged file is passed to the hook; its duplicate name is still found in
    # the scope's other files, whose own findings (bad.md) are not reported.
    _git(repo, env, "commit", "-qm", "agents")
    (agents / "copy.md").write_bytes(GOOD_AGENT.read_bytes())
    _git(repo, env, "add", ".")
    changed = _try_repo(repo, env, all_files=False)
    assert changed.returncode == 1, changed.stdout + changed.stderr
    assert re.search(r"copy\.md:2:\d+: error name-duplicate", changed.stdout)
    assert "is already used by .claude/agents/good.md" in changed.stdout
    assert "bad.md" not in changed.stdout


@pytest.mark.parametrize(
    ("path", "passed"),
    [
        (".claude/agents/a.md", True),
        (".claude/agents/team/b.md", True),
        ("plugins/p/commands/c.md", True),
        (".claude/skills/s/SKILL.md", True),
        (".claude/skills/s/skill.md", True),  # reported: Claude Code reads only SKILL.md
        (".claude/agents/README.md", False),
        ("docs/agents/reviewer.md", False),  # a documentation site's page
        ("site/docs/agents/reviewer.md", False),
        ("docs/.claude/agents/real.md", True),
        ("notes/todo.md", False),
    ],
)
def test_hook_file_patterns(path: str, passed: bool) -> None:
    # pre-commit passes a file when `files` matches and `exclude` does not (re.search).
    import yaml

    for hook in yaml.safe_load((REPO_ROOT / ".pre-commit-hooks.yaml").read_text()):
        matched = re.search(hook["files"], path) and not re.search(hook["exclude"], path)
        assert bool(matched) is passed, (hook["id"], path)
