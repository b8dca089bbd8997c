"""Agent and skill files to build datasets from."""

from __future__ import annotations

from pathlib import Path

import pytest

from lam_bot.plan import Plan
from lam_bot.synthesize import synthesize
from tests.support.plans import example_plan

RULES = "## Rules\n\n- Never delete data without asking\n- Always report what changed\n"


def agent_text(name: str, extra_front: str = "", body: str = "") -> str:
    """A valid agent file with a recoverable plan (a list and a rule)."""
    return (
        f"---\nname: {name}\ndescription: Reviews {name} changes for bugs. Use when code "
        f"changes.\n{extra_front}model: inherit\n---\n\nYou are a careful {name} reviewer.\n\n"
        f"## Workflow\n\n1. Read the diff\n2. List the bugs found\n\n{RULES}{body}"
    )


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A repository with two agents, one synthesized agent and one skill."""
    agents = tmp_path / "repo" / ".claude" / "agents"
    agents.mkdir(parents=True)
    (agents / "alpha.md").write_text(agent_text("alpha"))
    (agents / "beta.md").write_text(agent_text("beta"))
    plan = Plan.model_validate(example_plan())
    (agents / "docker-memory-monitor.md").write_text(synthesize(plan).text)
    skill = tmp_path / "repo" / ".claude" / "skills" / "release-notes"
    skill.mkdir(parents=True)
    (skill / "SKILL.md").write_text(
        "---\nname: release-notes\ndescription: Drafts release notes from merged pull "
        "requests. Use when preparing a release.\n---\n\n# Release notes\n\n1. List merged PRs\n"
    )
    return tmp_path / "repo"
