"""`--fix`: safe rewrites, body byte for byte, idempotent, reported."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from lam_bot.catalog import DEFAULT_CATALOG
from lam_bot.cli import cli
from lam_bot.validator import check_text
from lam_bot.validator.fix import fix_text

BODY = "\nYou review code.  Trailing spaces stay.   \n\n| a | b |\n|---|---|\n"


@pytest.mark.parametrize(
    ("before", "after"),
    [
        ("tools:\n  - Read\n  - Grep\n", "tools: Read, Grep\n"),
        ("tools: [Read, Task(worker), LS]\n", "tools: Read, Agent(worker), Glob\n"),
        ("tools: [Read,\n  Grep]\n", "tools: Read, Grep\n"),
        ("allowed-tools: Read, Task\n", "tools: Read, Agent\n"),
        ("tools: 'Read, MultiEdit'\n", "tools: 'Read, Edit'\n"),
        ("disallowedTools:\n  - Bash\n", "disallowedTools: Bash\n"),
        ("tools: Read, TodoRead\n", "tools: Read, TodoRead\n"),  # gone: nothing to map to
    ],
)
def test_tool_fixes(before: str, after: str) -> None:
    text, _ = fix_text(f"---\nname: a\ndescription: d\n{before}---\n{BODY}", DEFAULT_CATALOG)
    assert text == f"---\nname: a\ndescription: d\n{after}---\n{BODY}"


def test_description_with_colon_gets_quoted() -> None:
    original = "---\nname: a\ndescription: Use when: the build breaks\n---\n" + BODY
    text, changes = fix_text(original, DEFAULT_CATALOG)
    assert 'description: "Use when: the build breaks"\n' in text
    message = "quoted `description` (it loads only through Claude Code's second YAML pass)"
    assert changes == [(3, message)]
    assert not {"frontmatter-yaml", "frontmatter-lenient"} & {
        d.rule for d in check_text(text).diagnostics
    }


def test_comments_are_never_lost() -> None:
    original = "---\nname: a\ndescription: d\ntools:\n  - Read  # why\n---\n" + BODY
    assert fix_text(original, DEFAULT_CATALOG) == (original, [])


def test_cli_fix_strips_bom_keeps_crlf_and_body_and_is_idempotent(tmp_path: Path) -> None:
    path = tmp_path / ".claude" / "agents" / "a.md"
    path.parent.mkdir(parents=True)
    body = b"\r\nYou review code and explain\xe2\x80\xa6 every finding.\r\nNever push.\r\n"
    original = b"\xef\xbb\xbf---\r\nname: a\r\ndescription: d\r\ntools: [Read, Task]\r\n---" + body
    path.write_bytes(original)
    runner = CliRunner()
    first = runner.invoke(cli, ["validate", "--fix", str(path)], catch_exceptions=False)
    assert first.exit_code == 0  # file-bom is fixed first, so the check finds nothing
    assert f"fixed {path}:4: `tools` list -> comma string (legacy names updated)" in first.stderr
    assert f"fixed {path}:1: removed the UTF-8 byte order mark" in first.stderr
    fixed = path.read_bytes()
    # anthropics/claude-code #73158: an agent file starting with a BOM is not registered.
    assert fixed == b"---\r\nname: a\r\ndescription: d\r\ntools: Read, Agent\r\n---" + body
    second = runner.invoke(cli, ["validate", "--fix", str(path)], catch_exceptions=False)
    assert "fixed" not in second.stderr
    assert path.read_bytes() == fixed
    assert [p.name for p in path.parent.iterdir()] == ["a.md"]  # no temporary left behind


def test_quiet_fix_reports_nothing(tmp_path: Path) -> None:
    path = tmp_path / "agents" / "a.md"
    path.parent.mkdir()
    path.write_text("---\nname: a\ndescription: d\ntools: [Read]\n---\n" + BODY * 3)
    result = CliRunner().invoke(cli, ["validate", "-q", "--fix", str(path)], catch_exceptions=False)
    assert result.stderr == ""
    assert "tools: Read\n" in path.read_text()


def test_failed_write_is_a_one_line_error_and_leaves_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "agents"
    folder.mkdir()
    original = "---\nname: a\ndescription: d\ntools: [Read]\n---\n" + BODY * 3
    (folder / "a.md").write_text(original)

    def refuse(source: str, target: str) -> None:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(os, "replace", refuse)
    result = CliRunner().invoke(cli, ["validate", "--fix", str(folder)], catch_exceptions=False)
    assert result.exit_code == 1
    assert result.stderr.endswith("a.md: cannot write the fixes: Permission denied\n")
    assert [p.name for p in folder.iterdir()] == ["a.md"]
    assert (folder / "a.md").read_text() == original


# Claude Code parses a frontmatter that fails a second time with simple one-line
# `key: value` lines quoted (../shared/NOTES.md, checked with Claude Code 2.1.332), so
# these load only through that pass; --fix quotes them in every kind of file.
@pytest.mark.parametrize("kind", ["agent", "skill", "command"])
@pytest.mark.parametrize(
    ("line", "quoted"),
    [
        ("description: Use when: you need it", 'description: "Use when: you need it"'),
        ("paths: **/x", 'paths: "**/x"'),
        ("argument-hint: [a] [b]", 'argument-hint: "[a] [b]"'),
    ],
)
def test_second_pass_values_are_quoted_in_every_kind(kind: str, line: str, quoted: str) -> None:
    original = f"---\nname: a\ndescription: d\n{line}\n---\n{BODY}"
    if line.startswith("description"):
        original = f"---\nname: a\n{line}\n---\n{BODY}"
    text, changes = fix_text(original, DEFAULT_CATALOG, kind)
    assert quoted + "\n" in text and len(changes) == 1
    assert text.endswith("\n---\n" + BODY)
    assert fix_text(text, DEFAULT_CATALOG, kind) == (text, [])


def test_lists_that_load_already_are_left_as_lists_in_skills() -> None:
    original = "---\nname: a\ndescription: d: e\nallowed-tools: [Read, Grep]\n---\n" + BODY
    text, _ = fix_text(original, DEFAULT_CATALOG, "skill")
    assert "allowed-tools: [Read, Grep]\n" in text and 'description: "d: e"\n' in text


def test_both_tool_lists_are_fixed_in_one_run() -> None:
    original = (
        "---\nname: a\ndescription: d\ntools:\n  - Read\ndisallowedTools: [Bash, Task]\n---\n"
    )
    text, changes = fix_text(original + BODY, DEFAULT_CATALOG)
    assert (
        text
        == "---\nname: a\ndescription: d\ntools: Read\ndisallowedTools: Bash, Agent\n---\n" + BODY
    )
    assert len(changes) == 2
    assert fix_text(text, DEFAULT_CATALOG) == (text, [])
