"""`lam-bot validate`, through click and through the fast path: exit codes, formats, failures."""

from __future__ import annotations

import errno
import json
from collections.abc import Callable
from pathlib import Path
from typing import NamedTuple, NoReturn, Protocol

import pytest
from click.testing import CliRunner

import lam_bot.validator
from lam_bot.cli import cli, main
from lam_bot.errors import InputError, UsageError
from tests.validator.helpers import GOOD_AGENT, NEGATIVE, POSITIVE

BAD_AGENT = NEGATIVE / "agent" / "tool-unknown.md"
WARN_AGENT = NEGATIVE / "agent" / "color-unknown.md"


class Ran(NamedTuple):
    """What one `lam-bot validate` run printed, and its exit code."""

    exit_code: int
    output: str  # stdout
    stderr: str


class Run(Protocol):
    def __call__(self, *args: str, env: dict[str, str] | None = None) -> Ran: ...


@pytest.fixture(params=["click", "fast"])
def run(
    request: pytest.FixtureRequest,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> Run:
    """`lam-bot validate ARGS` through the click command, or through `main`'s fast path."""

    def through_click(*args: str, env: dict[str, str] | None = None) -> Ran:
        env = {"GITHUB_ACTIONS": "", **(env or {})}
        result = CliRunner().invoke(cli, ["validate", *args], catch_exceptions=False, env=env)
        return Ran(result.exit_code, result.stdout, result.stderr)

    def through_main(*args: str, env: dict[str, str] | None = None) -> Ran:
        for name, value in {"GITHUB_ACTIONS": "", **(env or {})}.items():
            monkeypatch.setenv(name, value)
        capsys.readouterr()
        try:
            code = main(["validate", *args])
        except SystemExit as exc:  # click ran the command line
            code = int(exc.code or 0)
        out, err = capsys.readouterr()
        return Ran(code, out, err)

    return through_click if request.param == "click" else through_main


def test_clean_files_exit_0(run: Run) -> None:
    result = run(str(POSITIVE))
    assert result.exit_code == 0
    assert result.output.endswith("0 errors, 0 warnings, mean agent score 87/100\n")


def test_errors_exit_1_with_path_line_col(run: Run) -> None:
    result = run(str(BAD_AGENT))
    assert result.exit_code == 1
    assert f"{BAD_AGENT}:4:14: error tool-unknown " in result.output


def test_warnings_exit_0_unless_strict(run: Run) -> None:
    assert run(str(WARN_AGENT)).exit_code == 0
    assert run("--strict", str(WARN_AGENT)).exit_code == 1


def test_min_score(run: Run) -> None:
    assert run("--min-score", "100", str(GOOD_AGENT)).exit_code == 0
    result = run("--min-score", "90", str(WARN_AGENT))
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
def test_usage_errors_exit_2(run: Run, args: list[str]) -> None:
    assert run(*args).exit_code == 2


def test_json_format(run: Run) -> None:
    result = run("--format", "json", str(GOOD_AGENT), str(BAD_AGENT))
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


def test_github_format_is_the_default_in_actions(run: Run) -> None:
    result = run(str(BAD_AGENT), env={"GITHUB_ACTIONS": "true"})
    first = result.output.splitlines()[0]
    assert first == (
        f"::error file={BAD_AGENT},line=4,col=14,title=tool-unknown::"
        "`Frobnicate` in `tools` is not a Claude Code tool"
    )
    assert result.exit_code == 1


def test_sarif_format(run: Run) -> None:
    warn_skill = NEGATIVE / "skill" / "key-unknown" / "SKILL.md"
    log = json.loads(run("--format", "sarif", str(BAD_AGENT), str(warn_skill)).output)
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


def test_kind_forces_explicit_files(run: Run, tmp_path: Path) -> None:
    note = tmp_path / "notes.md"
    note.write_text("Plain notes without frontmatter, long enough to be a body of text.\n")
    assert run(str(note)).exit_code == 1  # agent by default: no frontmatter
    assert run("--kind", "command", str(note)).exit_code == 0


def test_no_traceback_on_binary_input(run: Run, tmp_path: Path) -> None:
    path = tmp_path / "agents" / "x.md"
    path.parent.mkdir()
    path.write_bytes(b"\xff\xfe\x00garbage")
    result = run(str(path))
    assert result.exit_code == 1
    assert "file-binary" in result.output


def test_nothing_found_is_said_on_stderr(run: Run, tmp_path: Path) -> None:
    result = run(str(tmp_path))
    assert result.exit_code == 0
    assert result.stderr == "no agent, skill or command files found\n"
    assert run("-q", str(tmp_path)).stderr == ""


@pytest.mark.parametrize(
    ("error", "code", "stderr"),
    [
        (UsageError("no such kind"), 2, "Error: no such kind\n"),
        (InputError("x.md: cannot read"), 1, "Error: x.md: cannot read\n"),
        (
            RuntimeError("boom"),
            3,
            "Error: unexpected RuntimeError: boom (rerun with --debug for details)\n",
        ),
        (KeyboardInterrupt(), 1, "Aborted!\n"),
        (BrokenPipeError(errno.EPIPE, "Broken pipe"), 1, ""),  # the reader went away
    ],
)
def test_failures_end_in_one_line_and_an_exit_code(
    run: Run, monkeypatch: pytest.MonkeyPatch, error: BaseException, code: int, stderr: str
) -> None:
    monkeypatch.setattr(lam_bot.validator, "discover", _raising(error))
    monkeypatch.delenv("LAM_BOT_DEBUG", raising=False)
    assert run(str(GOOD_AGENT)) == Ran(code, "", stderr)


def test_debug_shows_the_traceback(run: Run, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(lam_bot.validator, "discover", _raising(RuntimeError("boom")))
    with pytest.raises(RuntimeError, match="boom"):
        run(str(GOOD_AGENT), env={"LAM_BOT_DEBUG": "1"})


def _raising(error: BaseException) -> Callable[..., NoReturn]:
    def fail(*args: object) -> NoReturn:
        raise error

    return fail


def test_discovery_notes_go_to_stderr(run: Run, tmp_path: Path) -> None:
    (tmp_path / "reviewer.md").write_bytes(GOOD_AGENT.read_bytes())
    ran = run(str(tmp_path))
    assert ran.exit_code == 0
    assert ran.stderr.splitlines() == [
        f"{tmp_path}: 1 Markdown file(s) with frontmatter are not in an agents/, commands/"
        f" or skills/ folder, so they were not checked; to check them as agents:"
        f" lam-bot validate --kind agent {tmp_path}",
        "no agent, skill or command files found",
    ]
    assert run("-q", str(tmp_path)).stderr == ""
    checked = run("--kind", "agent", "--format", "json", str(tmp_path))
    assert json.loads(checked.output)["summary"]["files"] == 1
