"""`lam-bot validate` through click: exit codes and every format."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from lam_bot.cli import cli
from tests.validator.helpers import GOOD_AGENT, NEGATIVE, POSITIVE

BAD_AGENT = NEGATIVE / "agent" / "tool-unknown.md"
WARN_AGENT = NEGATIVE / "agent" / "color-unknown.md"


def _run(*args: str, env: dict[str, str] | None = None) -> Result:
    env = {"GITHUB_ACTIONS": "", **(env or {})}
    return CliRunner().invoke(cli, ["validate", *args], catch_exceptions=False, env=env)


def test_clean_files_exit_0() -> None:
    result = _run(str(POSITIVE))
    assert result.exit_code == 0
    assert result.output.endswith("0 errors, 0 warnings, mean agent score 87/100\n")


def test_errors_exit_1_with_path_line_col() -> None:
    result = _run(str(BAD_AGENT))
    assert result.exit_code == 1
    assert f"{BAD_AGENT}:4:14: error tool-unknown " in result.output


def test_warnings_exit_0_unless_strict() -> None:
    assert _run(str(WARN_AGENT)).exit_code == 0
    assert _run("--strict", str(WARN_AGENT)).exit_code == 1


def test_min_score() -> None:
    assert _run("--min-score", "100", str(GOOD_AGENT)).exit_code == 0
    result = _run("--min-score", "90", str(WARN_AGENT))
    assert result.exit_code == 1
    assert "score-low" in result.output


@pytest.mark.parametrize(
    "args",
    [
        ["--format", "yaml", "."],
        ["--kind", "plugin", "."],
        ["--min-score", "101", "."],
        ["no/such"],
    ],
)
def test_usage_errors_exit_2(args: list[str]) -> None:
    assert _run(*args).exit_code == 2


def test_json_format() -> None:
    result = _run("--format", "json", str(GOOD_AGENT), str(BAD_AGENT))
    report = json.loads(result.output)
    assert report["summary"] == {"files": 2, "errors": 1, "warnings": 0, "files_with_errors": 1}
    bad = next(f for f in report["files"] if f["path"] == str(BAD_AGENT))
    assert bad["kind"] == "agent"
    assert bad["score"] == 65  # lost tools, process, constraints
    assert bad["diagnostics"][0] == {
        "path": str(BAD_AGENT),
        "line": 4,
        "column": 14,
        "rule": "tool-unknown",
        "severity": "error",
        "message": "`Frobnicate` in `tools` is not a Claude Code tool",
    }


def test_github_format_is_the_default_in_actions() -> None:
    result = _run(str(BAD_AGENT), env={"GITHUB_ACTIONS": "true"})
    first = result.output.splitlines()[0]
    assert first == (
        f"::error file={BAD_AGENT},line=4,col=14,title=tool-unknown::"
        "`Frobnicate` in `tools` is not a Claude Code tool"
    )
    assert result.exit_code == 1


def test_sarif_format() -> None:
    warn_skill = NEGATIVE / "skill" / "key-unknown" / "SKILL.md"
    log = json.loads(_run("--format", "sarif", str(BAD_AGENT), str(warn_skill)).output)
    assert log["version"] == "2.1.0"
    run = log["runs"][0]
    rules = [rule["id"] for rule in run["tool"]["driver"]["rules"]]
    assert rules == ["key-unknown", "tool-unknown"]
    levels = {r["ruleId"]: r["level"] for r in run["results"]}
    assert levels == {"tool-unknown": "error", "key-unknown": "warning"}
    for result in run["results"]:
        assert rules[result["ruleIndex"]] == result["ruleId"]
        region = result["locations"][0]["physicalLocation"]["region"]
        assert region["startLine"] >= 1 and region["startColumn"] >= 1


def test_kind_forces_explicit_files(tmp_path: Path) -> None:
    note = tmp_path / "notes.md"
    note.write_text("Plain notes without frontmatter, long enough to be a body of text.\n")
    assert _run(str(note)).exit_code == 1  # agent by default: no frontmatter
    assert _run("--kind", "command", str(note)).exit_code == 0


def test_no_traceback_on_binary_input(tmp_path: Path) -> None:
    path = tmp_path / "agents" / "x.md"
    path.parent.mkdir()
    path.write_bytes(b"\xff\xfe\x00garbage")
    result = _run(str(path))
    assert result.exit_code == 1
    assert "file-binary" in result.output


def test_nothing_found_is_said_on_stderr(tmp_path: Path) -> None:
    result = _run(str(tmp_path))
    assert result.exit_code == 0
    assert result.stderr == "no agent, skill or command files found\n"
    assert _run("-q", str(tmp_path)).stderr == ""
