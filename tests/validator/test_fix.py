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
    assert changes == [(3, "quoted `description` (an unquoted `: ` broke the YAML)")]
    assert not {"frontmatter-yaml", "frontmatter-lenient"} & {
        d.rule for d in check_text(text).diagnostics
    }


def test_comments_are_never_lost() -> None:
    original = "---\nname: a\ndescription: d\ntools:\n  - Read  # why\n---\n" + BODY
    assert fix_text(original, DEFAULT_CATALOG) == (original, [])


def test_cli_fix_keeps_bom_crlf_and_body_and_is_idempotent(tmp_path: Path) -> None:
    path = tmp_path / ".claude" / "agents" / "a.md"
    path.parent.mkdir(parents=True)
    body = b"\r\nYou review code and explain\xe2\x80\xa6 every finding.\r\nNever push.\r\n"
    original = b"\xef\xbb\xbf---\r\nname: a\r\ndescription: d\r\ntools: [Read, Task]\r\n---" + body
    path.write_bytes(original)
    runner = CliRunner()
    first = runner.invoke(cli, ["validate", "--fix", str(path)], catch_exceptions=False)
    assert first.exit_code == 1  # the BOM itself: Claude Code does not register the agent
    assert f"fixed {path}:4: `tools` list -> comma string (legacy names updated)" in first.stderr
    fixed = path.read_bytes()
    assert (
        fixed == b"\xef\xbb\xbf---\r\nname: a\r\ndescription: d\r\ntools: Read, Agent\r\n---" + body
    )
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
