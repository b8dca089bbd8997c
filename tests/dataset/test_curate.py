"""Each of the model card's curation rules, triggered and counted."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from lam_bot.dataset.build import BuildSettings, build_dataset
from lam_bot.dataset.curate import MAX_CHARS, curate_text
from tests.dataset.conftest import agent_text


def build(*paths: Path, out: Path) -> dict:
    return build_dataset(BuildSettings(tuple(map(str, paths)), out)).report


def answers(out: Path) -> list[str]:
    lines = [*(out / "train.jsonl").read_text().splitlines()]
    lines += (out / "valid.jsonl").read_text().splitlines()
    return [json.loads(line)["messages"][-1]["content"] for line in lines]


def test_allowed_tools_becomes_tools_in_agents() -> None:
    text, applied = curate_text("---\nname: a\nallowed-tools: Read, Grep\n---\nbody\n", "agent")
    assert applied == ("allowed-tools",)
    assert "\ntools: Read, Grep\n" in text and "allowed-tools" not in text


def test_allowed_tools_is_dropped_when_tools_is_there_too() -> None:
    source = "---\nname: a\ntools: Read\nallowed-tools:\n  - Bash\n---\nbody\n"
    text, applied = curate_text(source, "agent")
    assert applied == ("allowed-tools",)
    assert text == "---\nname: a\ntools: Read\n---\nbody\n"


def test_allowed_tools_stays_in_skills() -> None:
    source = "---\nname: a\nallowed-tools: Read\n---\nbody\n"
    assert curate_text(source, "skill") == (source, ())


def test_boilerplate_fields_and_lines_are_stripped_but_not_in_code() -> None:
    source = (
        "---\nname: a\nversion: 1.0.2\nlicense: MIT\nauthor:\n  name: Jo\n---\n\nDoes a.\n\n"
        "Author: Jo Smith\n**License:** MIT\n© 2025 Jo\n\n```yaml\nversion: 2\n```\n"
    )
    text, applied = curate_text(source, "agent")
    assert applied == ("boilerplate",)
    assert text == "---\nname: a\n---\n\nDoes a.\n\n```yaml\nversion: 2\n```\n"


def test_table_rows_are_removed() -> None:
    source = "---\nname: a\n---\nIntro\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\nAfter\n"
    text, applied = curate_text(source, "agent")
    assert applied == ("table-rows",)
    assert "|" not in text and "Intro\n\nAfter\n" in text


def test_edits_are_counted_and_reach_the_examples(project: Path, tmp_path: Path) -> None:
    agents = project / ".claude" / "agents"
    (agents / "gamma.md").write_text(
        agent_text("gamma", "allowed-tools: Read\nversion: 3\n", "\n| a | b |\n|---|---|\n")
    )
    report = build(project, out=tmp_path / "out")
    assert report["edited"] == {
        "allowed-tools": 1,
        "boilerplate": 1,
        "table-rows": 1,
        "validator-fix": 0,
    }
    gamma = next(a for a in answers(tmp_path / "out") if a.startswith("---\nname: gamma"))
    assert "tools: Read" in gamma and "allowed-tools" not in gamma
    assert "version" not in gamma and "|" not in gamma


def test_duplicate_names_keep_the_first_in_path_order(project: Path, tmp_path: Path) -> None:
    other = tmp_path / "other" / ".claude" / "agents"
    other.mkdir(parents=True)
    (other / "alpha.md").write_text(agent_text("alpha").replace("careful", "second"))
    report = build(project, other.parent.parent, out=tmp_path / "out")
    assert report["dropped"]["duplicate-name"] == 1
    alpha = [a for a in answers(tmp_path / "out") if a.startswith("---\nname: alpha")]
    assert len(alpha) == 1 and "careful alpha reviewer" in alpha[0]


def test_files_with_validator_errors_are_dropped(project: Path, tmp_path: Path) -> None:
    agents = project / ".claude" / "agents"
    # A tool Claude Code does not have is an error (`description: [unclosed` no longer is:
    # Claude Code's second YAML pass quotes it, a `frontmatter-lenient` warning).
    text = "---\nname: broken\ndescription: Reviews code.\ntools: Raed\n---\nBody.\n"
    (agents / "broken.md").write_text(text)
    report = build(project, out=tmp_path / "out")
    assert report["dropped"]["validator-errors"] == 1
    assert not any("broken" in a for a in answers(tmp_path / "out"))


def test_unreadable_files_are_dropped(project: Path, tmp_path: Path) -> None:
    (project / ".claude" / "agents" / "binary.md").write_bytes(b"---\nname: x\0\n---\n")
    report = build(project, out=tmp_path / "out")
    assert report["dropped"]["unreadable"] == 1


@pytest.mark.parametrize(("size", "rule"), [(0, "too-short"), (MAX_CHARS, "too-long")])
def test_examples_outside_the_length_limits_are_dropped(
    project: Path, tmp_path: Path, size: int, rule: str
) -> None:
    skill = project / ".claude" / "skills" / "sized"
    skill.mkdir()
    body = "Steps follow. " * (size // 14 + 1) if size else "Hi."
    (skill / "SKILL.md").write_text(f"---\nname: sized\ndescription: Sized\n---\n{body}\n")
    report = build(project, out=tmp_path / "out")
    assert report["dropped"][rule] == 1
    assert not any("name: sized" in a for a in answers(tmp_path / "out"))


def test_agents_without_a_recoverable_plan_keep_execution_mode(
    project: Path, tmp_path: Path
) -> None:
    (project / ".claude" / "agents" / "prose.md").write_text(
        "---\nname: prose\ndescription: Answers questions about the codebase\n---\n\n"
        "You answer questions about the codebase in plain prose, citing files.\n"
    )
    report = build(project, out=tmp_path / "out")
    assert report["dropped"]["plan-unrecoverable"] == 1
    assert sum("name: prose" in a for a in answers(tmp_path / "out")) == 1
