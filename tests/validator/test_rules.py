"""Rule details: positions, accepted forms, suggestions, limits."""

from __future__ import annotations

from pathlib import Path

import pytest

from lam_bot.catalog import DEFAULT_CATALOG
from lam_bot.validator import check_paths, check_text
from lam_bot.validator.source import MAX_BYTES, read_source
from tests.validator.helpers import agent_text, rules

HEAD = "name: reviewer\ndescription: Reviews code.\n"


def _one(text: str, rule: str, kind: str = "agent") -> tuple[int, int, str]:
    found = [d for d in check_text(text, kind=kind).diagnostics if d.rule == rule]
    assert len(found) == 1, check_text(text, kind=kind).diagnostics
    return found[0].line, found[0].col, found[0].message


def test_unknown_tool_points_at_its_entry() -> None:
    line, col, message = _one(
        agent_text(HEAD + "model: sonnet\ntools: Read, Frobnicate\n"), "tool-unknown"
    )
    assert (line, col) == (5, 14)
    assert "did you mean" not in message


def test_list_entries_point_at_their_own_line() -> None:
    text = agent_text(HEAD + "tools:\n  - Read\n  - Frobnicate\n")
    assert _one(text, "tool-unknown")[:2] == (6, 5)
    assert _one(text, "tools-list")[:2] == (4, 1)


def test_quoted_and_block_values_keep_a_useful_position() -> None:
    assert _one(agent_text(HEAD + 'tools: "Read, Nope"\n'), "tool-unknown")[:2] == (4, 15)
    assert _one(agent_text(HEAD + "tools: >\n  Read,\n  Nope\n"), "tool-unknown")[0] == 4


def test_broken_yaml_names_its_line() -> None:
    text = "---\nname: reviewer\ndescription: Use when\n  user: reviewing\n---\n\n" + "x" * 60
    line, _, message = _one(text, "frontmatter-yaml")
    assert line == 4
    assert "quote" in message


def test_a_value_only_the_second_pass_reads_is_a_warning() -> None:
    # Claude Code 2.1.332 quotes simple one-line values that fail and parses again:
    # `claude plugin validate` loads this file (tests/validator/test_oracle.py).
    text = "---\nname: reviewer\ndescription: Use when: reviewing\n---\n\n" + "x" * 60
    line, _, message = _one(text, "frontmatter-lenient")
    assert line == 3
    assert "second YAML pass" in message
    assert check_text(text).errors == ()


@pytest.mark.parametrize(
    ("name", "close"),
    [
        ("Webfetch", "WebFetch"),
        ("read", "Read"),
        ("Grepp", "Grep"),
        ("Grpe", "Grep"),
        ("Taks", "Agent"),
        ("MultiEdti", "Edit"),
        ("chrome-mcp", None),
        ("Frobnicate", None),
    ],
)
def test_suggestion_only_when_close(name: str, close: str | None) -> None:
    message = _one(agent_text(HEAD + f"tools: {name}\n"), "tool-unknown")[2]
    assert (f"did you mean `{close}`" in message) if close else ("did you mean" not in message)


@pytest.mark.parametrize(
    "tools",
    [
        "Bash(git diff:*), Read",
        "Agent(worker, researcher), Edit",
        "mcp__github, mcp__github__create_issue, mcp__db__*",
        "Monitor, LSP, TaskCreate",
    ],
)
def test_accepted_tool_forms(tools: str) -> None:
    assert check_text(agent_text(HEAD + f"tools: {tools}\n")).diagnostics == ()


def test_legacy_tools_name_their_replacement() -> None:
    assert "`Agent`" in _one(agent_text(HEAD + "tools: Task\n"), "tool-legacy")[2]
    assert "remove it" in _one(agent_text(HEAD + "tools: KillShell\n"), "tool-legacy")[2]


def test_exit_plan_mode_is_fine_in_plan_mode() -> None:
    text = agent_text(HEAD + "tools: ExitPlanMode\npermissionMode: plan\n")
    assert check_text(text).diagnostics == ()
    assert "tool-not-for-subagents" in rules(check_text(agent_text(HEAD + "tools: ExitPlanMode\n")))


@pytest.mark.parametrize(
    ("value", "rule"),
    [
        ("123", "name-invalid"),
        ("'-lead'", "name-invalid"),
        ("'  '", "name-invalid"),
        ("a" * 65, "name-format"),
    ],
)
def test_name_forms(value: str, rule: str) -> None:
    text = agent_text(f"name: {value}\ndescription: Reviews code.\n")
    assert rule in rules(check_text(text))


@pytest.mark.parametrize("model", ["sonnet", "fable", "inherit", "claude-sonnet-4-5-20250929"])
def test_models_accepted(model: str) -> None:
    assert check_text(agent_text(HEAD + f"model: {model}\n")).diagnostics == ()


def test_disallowed_tools_checked_too() -> None:
    assert "tool-unknown" in rules(check_text(agent_text(HEAD + "disallowedTools: Nope\n")))


def test_skill_without_frontmatter_is_fine() -> None:
    result = check_text("# Notes\n\nHow to do it.\n", path="skills/notes/SKILL.md", kind="skill")
    assert result.diagnostics == ()
    assert result.score is None


def test_skill_allowed_tools_as_list() -> None:
    text = "---\nname: notes\nallowed-tools:\n  - Read\n  - Bash(git log:*)\n---\nBody\n"
    assert check_text(text, path="skills/notes/SKILL.md", kind="skill").diagnostics == ()


def test_catalog_extended_from_pyproject(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text('[tool.lam-bot]\nextra-tools = ["NewTool"]\n')
    agents = tmp_path / ".claude" / "agents"
    agents.mkdir(parents=True)
    (agents / "a.md").write_text(
        agent_text("name: a\ndescription: Reviews code.\ntools: Read, NewTool\n")
    )
    assert check_paths([agents / "a.md"])[0].diagnostics == ()
    assert check_paths([tmp_path])[0].diagnostics == ()  # the repository folder itself
    assert "tool-unknown" in rules(check_paths([agents / "a.md"], catalog=DEFAULT_CATALOG)[0])


def test_same_name_in_two_plugins_is_fine(tmp_path: Path) -> None:
    for plugin in ("one", "two", "two"):
        folder = tmp_path / plugin / "agents"
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"{len(list(folder.iterdir()))}.md").write_text(agent_text(HEAD))
    results = check_paths([tmp_path])
    duplicates = [
        (r.path, d.line) for r in results for d in r.diagnostics if d.rule == "name-duplicate"
    ]
    assert duplicates == [(str(tmp_path / "two" / "agents" / "1.md"), 2)]


def test_large_file_refused_without_reading_it_all(tmp_path: Path) -> None:
    path = tmp_path / "big.md"
    path.write_bytes(b"x" * (MAX_BYTES + 1))
    source = read_source(path)
    assert source.text is None
    assert source.findings[0].rule == "file-too-large"


def test_bytes_that_are_not_utf8(tmp_path: Path) -> None:
    path = tmp_path / "agents" / "latin1.md"
    path.parent.mkdir()
    path.write_bytes(agent_text(HEAD + "color: red\n# Revue de s\xe9curit\xe9\n").encode("latin-1"))
    (diagnostic,) = check_paths([path])[0].diagnostics
    assert (diagnostic.rule, diagnostic.line) == ("file-encoding", 5)


def test_unreadable_path_is_a_finding(tmp_path: Path) -> None:
    assert read_source(tmp_path).findings[0].rule == "file-unreadable"


def test_alias_bomb_rejected_at_its_first_anchor() -> None:
    levels = ['a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    levels += [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 9)}]" for i in range(1, 10)]
    text = agent_text(HEAD + "\n".join(levels) + "\n")
    assert _one(text, "frontmatter-alias")[:2] == (4, 5)


def test_deep_nesting_rejected() -> None:
    text = agent_text(HEAD + "deep: " + "[" * 5000 + "]" * 5000 + "\n")
    assert "frontmatter-too-deep" in rules(check_text(text))


def test_unknown_yaml_tag_is_an_error_not_a_crash() -> None:
    assert "frontmatter-yaml" in rules(
        check_text(agent_text("name: !!python/object:os.system x\n"))
    )
