"""The click-free path of `lam-bot validate`: click's parse, click's bytes, no click import.

`parse_args` must agree with click on every command line it accepts and leave the rest
to click; a real process must print exactly what the click command prints.
"""

from __future__ import annotations

import ast
import os
import shutil
import subprocess
import sys
from pathlib import Path

import click
import pytest
from hypothesis import given
from hypothesis import strategies as st

from lam_bot.cli import main
from lam_bot.cli.group import cli
from lam_bot.cli.validate import validate
from lam_bot.cli.validate_args import ValidateArgs, parse_args
from tests.validator.helpers import GOOD_AGENT, NEGATIVE, POSITIVE

BAD_AGENT = NEGATIVE / "agent" / "tool-unknown.md"
WARN_AGENT = NEGATIVE / "agent" / "color-unknown.md"
LEGACY_AGENT = NEGATIVE / "agent" / "tool-legacy.md"

FAST = [sys.executable, "-m", "lam_bot"]
CLICK = [
    sys.executable,
    "-c",
    "import sys; from lam_bot.cli.group import cli; cli.main(sys.argv[1:], prog_name='lam-bot')",
]
HEAVY = {"click", "pydantic", "github", "mlx", "mlx_lm", "llguidance", "transformers", "numpy"}


def click_parse(args: list[str]) -> ValidateArgs | None:
    """What click parses from `lam-bot validate ARGS`, or None where it stops with a message."""
    try:
        with cli.make_context("lam-bot", ["validate", *args]) as parent:
            context = validate.make_context("validate", list(args), parent=parent)
    except (click.ClickException, click.exceptions.Exit):
        return None
    return ValidateArgs(**context.params)


@pytest.fixture(scope="module")
def tree(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder with an agent file, an agents/ folder and files named like options."""
    root = tmp_path_factory.mktemp("tree")
    (root / "agents").mkdir()
    for name in ("a.md", "agents/b.md", "-odd.md", "-"):
        shutil.copy(GOOD_AGENT, root / name)
    return root


ACCEPTED = [
    [],
    ["a.md"],
    ["a.md", "agents"],
    ["./agents/", "agents//b.md", "."],
    ["--kind", "skill", "a.md"],
    ["--kind=command", "a.md"],
    ["--format", "json"],
    ["--format=sarif", "a.md"],
    ["--strict"],
    ["--fix", "-q", "a.md"],
    ["--quiet", "a.md"],
    ["--min-score", "0"],
    ["--min-score=100", "a.md"],
    ["--min-score", "042"],
    ["a.md", "--strict", "agents"],
    ["--kind", "agent", "--kind", "skill"],
    ["--format", "json", "--format=text", "--min-score", "5", "--min-score=6"],
    ["-q", "-q", "--strict", "--strict", "--fix", "--fix"],
    ["--", "-odd.md", "a.md"],
    ["a.md", "--", "-"],
    ["-"],
]

REFUSED = [
    ["--help"],
    ["-h"],
    ["a.md", "--help"],
    ["--kind"],
    ["--kind", "plugin"],
    ["--kind="],
    ["--kind", "--strict"],
    ["--kind", "--", "a.md"],
    ["--kin", "agent"],
    ["--format"],
    ["--format", "yaml"],
    ["--min-score", "101"],
    ["--min-score", "-1"],
    ["--min-score", "+5"],
    ["--min-score", " 5"],
    ["--min-score", "1e2"],
    ["--min-score=", "a.md"],
    ["--strict=yes"],
    ["--quiet=1"],
    ["-qq"],
    ["-q=1"],
    ["--debug"],
    ["--bogus"],
    ["-x"],
    ["-odd.md"],
    ["missing.md"],
    [""],
    ["--", "missing.md"],
    ["a.md", "--", "--"],
]


@pytest.mark.parametrize("args", ACCEPTED)
def test_ordinary_lines_parse_as_click_parses_them(
    args: list[str], tree: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tree)
    parsed = parse_args(args)
    assert parsed is not None
    assert parsed == click_parse(args)


@pytest.mark.parametrize("args", ACCEPTED[:4])
def test_ordinary_lines_never_reach_click(
    args: list[str], tree: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tree)
    monkeypatch.setattr(cli, "main", _click_must_not_run)
    assert main(["validate", *args]) == 0
    assert capsys.readouterr().out.endswith(": 0 errors, 0 warnings, mean agent score 100/100\n")


def _click_must_not_run(args: list[str] | None, prog_name: str) -> None:
    pytest.fail(f"click ran {args}")


@pytest.fixture
def handed(monkeypatch: pytest.MonkeyPatch) -> list[list[str] | None]:
    """The command lines `main` hands to click, which then does nothing."""
    calls: list[list[str] | None] = []
    monkeypatch.setattr(cli, "main", lambda args, prog_name: calls.append(args))
    return calls


@pytest.mark.parametrize("args", REFUSED)
def test_other_lines_go_to_click(
    args: list[str], tree: Path, monkeypatch: pytest.MonkeyPatch, handed: list[list[str] | None]
) -> None:
    monkeypatch.chdir(tree)
    assert parse_args(args) is None
    main(["validate", *args])
    assert handed == [["validate", *args]]


def test_shell_completion_is_left_to_click(
    monkeypatch: pytest.MonkeyPatch, handed: list[list[str] | None]
) -> None:
    monkeypatch.setenv("_LAM_BOT_COMPLETE", "bash_complete")
    main(["validate", str(GOOD_AGENT)])
    assert handed == [["validate", str(GOOD_AGENT)]]


def _command_lines(root: Path) -> st.SearchStrategy[list[str]]:
    """Command lines of paths, options with good and bad values, stray tokens."""
    paths = [str(root / "a.md"), f"{root}//agents/", str(root / "missing.md"), "-", ""]
    options = ["--kind", "--format", "--min-score", "-q", "--strict"]
    values = ["agent", "plugin", "text", "sarif", "yaml", "0", "100", "101", "-1", "7", "--"]
    inline = ["--kind=skill", "--format=json", "--min-score=3", "--min-score=", "--strict=1"]
    strays = ["--fix", "--quiet", "-qq", "--", "-h", "--debug", "-x"]
    pair = st.tuples(st.sampled_from(options), st.sampled_from(values)).map(list)
    single = st.sampled_from(paths + options + inline + strays).map(lambda token: [token])
    return st.lists(pair | single, max_size=5).map(lambda parts: [t for p in parts for t in p])


@given(data=st.data())
def test_fast_parse_never_disagrees_with_click(tree: Path, data: st.DataObject) -> None:
    args = data.draw(_command_lines(tree))
    parsed = parse_args(args)
    if parsed is not None:
        assert parsed == click_parse(args)


def _process(
    command: list[str], args: list[str], cwd: Path, stdout: int = subprocess.PIPE, **env: str
) -> tuple[int, bytes, bytes]:
    """(exit code, stdout, stderr) of `COMMAND validate ARGS`, outside GitHub Actions."""
    environ = {k: v for k, v in os.environ.items() if k not in ("LAM_BOT_DEBUG", "NO_COLOR")}
    environ.update(GITHUB_ACTIONS="", **env)
    done = subprocess.run(
        [*command, "validate", *args],
        cwd=cwd,
        env=environ,
        stdout=stdout,
        stderr=subprocess.PIPE,
        timeout=60,
    )
    return done.returncode, done.stdout, done.stderr


def _both(args: list[str], cwd: Path, **env: str) -> list[tuple[int, bytes, bytes]]:
    """The fast path's run and click's."""
    return [_process(command, args, cwd, **env) for command in (FAST, CLICK)]


@pytest.mark.parametrize(
    "args",
    [
        [str(GOOD_AGENT)],
        [str(BAD_AGENT)],
        ["--format", "json", str(GOOD_AGENT), str(BAD_AGENT)],
        ["--format=github", str(BAD_AGENT)],
        ["--format", "sarif", str(BAD_AGENT), str(WARN_AGENT)],
        ["--min-score", "95", "--strict", str(WARN_AGENT)],
        [str(POSITIVE)],
        ["--kind", "agent", str(POSITIVE / "commands" / "review.md")],
    ],
)
def test_a_process_prints_what_click_prints(args: list[str], tmp_path: Path) -> None:
    fast, through_click = _both(args, tmp_path)
    assert fast == through_click
    assert fast[1]


@pytest.mark.parametrize("encoding", ["utf-8", "ascii", "latin-1"])
@pytest.mark.parametrize("output", ["text", "github"])
@pytest.mark.parametrize("name", ["naïve.md", "\x1b[31mred\x1b[0m.md"])  # click strips colour
def test_unusual_text_is_printed_as_click_prints_it(
    encoding: str, output: str, name: str, tmp_path: Path
) -> None:
    (tmp_path / "agents").mkdir()
    text = BAD_AGENT.read_text().replace("Frobnicate", "Frobnicaté, 工具")
    (tmp_path / "agents" / name).write_text(text)
    fast, through_click = _both(["--format", output, "agents"], tmp_path, PYTHONIOENCODING=encoding)
    assert fast == through_click
    assert fast[0] == 1  # latin-1 has no 工具: it is written as an escape, not a crash


def test_fix_prints_what_click_prints(tmp_path: Path) -> None:
    for side in ("fast", "click"):
        (tmp_path / side / "agents").mkdir(parents=True)
        shutil.copy(LEGACY_AGENT, tmp_path / side / "agents" / "legacy.md")
    fast = _process(FAST, ["--fix", "agents"], tmp_path / "fast")
    assert fast == _process(CLICK, ["--fix", "agents"], tmp_path / "click")
    assert fast[2].startswith(b"fixed agents/legacy.md")
    assert (tmp_path / "fast/agents/legacy.md").read_bytes() == (
        tmp_path / "click/agents/legacy.md"
    ).read_bytes()


def test_a_bad_configuration_is_one_error_line(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text("[tool.lam-bot]\nextra-tools = 3\n")
    shutil.copy(GOOD_AGENT, tmp_path / "a.md")
    fast, through_click = _both(["a.md"], tmp_path)
    assert fast == through_click
    assert fast[0] == 1
    assert fast[2].endswith(b"[tool.lam-bot] extra-tools must be a list of strings\n")


@pytest.mark.parametrize("command", [FAST, CLICK], ids=["fast", "click"])
def test_a_closed_stdout_ends_quietly(command: list[str], tmp_path: Path) -> None:
    read, write = os.pipe()
    os.close(read)
    try:
        code, _, stderr = _process(command, [str(BAD_AGENT)], tmp_path, stdout=write)
    finally:
        os.close(write)
    assert (code, stderr) == (1, b"")


IMPORTS = """
import sys
from lam_bot.cli import main
try:
    code = main(sys.argv[1:])
finally:
    sys.stderr.write(repr(sorted(sys.modules)) + "\\n")
raise SystemExit(code)
"""


@pytest.mark.parametrize(
    "args",
    [
        ["-q", str(GOOD_AGENT)],
        [str(BAD_AGENT)],
        ["--format", "json", "--strict", str(POSITIVE)],
        ["--fix", "--min-score", "50", "agents"],
    ],
)
def test_validate_imports_nothing_heavy(args: list[str], tmp_path: Path) -> None:
    (tmp_path / "agents").mkdir()
    shutil.copy(LEGACY_AGENT, tmp_path / "agents" / "legacy.md")
    done = subprocess.run(
        [sys.executable, "-c", IMPORTS, "validate", *args],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode in (0, 1), done.stderr
    loaded = set(ast.literal_eval(done.stderr.splitlines()[-1]))
    assert not {name.partition(".")[0] for name in loaded} & HEAVY
    if "--format" not in args:
        assert not {"lam_bot.report.json_report", "lam_bot.report.sarif"} & loaded
