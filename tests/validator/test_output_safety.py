"""Every output format shows text from files and file names safely."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from lam_bot.cli import cli
from lam_bot.report.safe import printable

HOSTILE_NAME = "x\n::error file=evil.md::pwned\x1b]0;title\x07.md"
# An OSC title change and a CSI colour (YAML's `\e` and `\a` escapes) in a tool name
# that the validator quotes back in its message.
HOSTILE_AGENT = (
    '---\nname: a\ndescription: d\ntools: "Read, \\e]0;owned\\aBad\\e[31m"\n'
    "disallowedTools:\n  - Write\n---\n\n"
    "You review code and report every finding with its line.\n"
)
FORMATS = ["text", "github", "json", "sarif"]


def _validate(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, ["validate", "--no-cache", *args], catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


@pytest.mark.parametrize("output", FORMATS)
def test_no_escape_sequence_reaches_the_terminal(tmp_path: Path, output: str) -> None:
    path = tmp_path / "agents" / HOSTILE_NAME
    path.parent.mkdir()
    path.write_text(HOSTILE_AGENT)
    code, stdout, stderr = _validate("--fix", "--format", output, str(tmp_path / "agents"))
    assert code == 1
    for stream in (stdout, stderr):
        assert "\x1b" not in stream and "\x07" not in stream
        # The name's own `::error` never starts a line.
        assert not any(line.startswith("::error file=evil") for line in stream.splitlines())
    shown = "x\\x0a::error file=evil.md::pwned\\x1b]0;title\\x07.md"
    assert f"fixed {tmp_path}/agents/{shown}:5: `disallowedTools` list" in stderr
    if output == "text":
        assert shown in stdout


def test_github_commands_keep_names_on_one_line(tmp_path: Path) -> None:
    path = tmp_path / "agents" / HOSTILE_NAME
    path.parent.mkdir()
    path.write_text(HOSTILE_AGENT)
    _, stdout, _ = _validate("--format", "github", str(tmp_path / "agents"))
    lines = stdout.splitlines()
    assert all(line.startswith(("::error ", "::warning ", "::notice ")) for line in lines)
    assert "x%0A%3A%3Aerror file=evil.md%3A%3Apwned" in stdout


def test_sarif_uris_are_percent_encoded(tmp_path: Path) -> None:
    path = tmp_path / "agents" / "a #1 100%.md"
    path.parent.mkdir()
    path.write_text(HOSTILE_AGENT)
    _, stdout, _ = _validate("--format", "sarif", str(tmp_path / "agents"))
    results = json.loads(stdout)["runs"][0]["results"]
    uris = {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in results}
    assert {uri.rsplit("/", 1)[1] for uri in uris} == {"a%20%231%20100%25.md"}


def test_a_name_that_is_not_utf8_prints_on_a_strict_utf8_stdout(tmp_path: Path) -> None:
    folder = tmp_path / "agents"
    folder.mkdir()
    raw = os.fsencode(folder) + b"/caf\xe9.md"  # latin-1 bytes: not UTF-8
    with open(raw, "w") as stream:
        stream.write(HOSTILE_AGENT)
    env = {**os.environ, "PYTHONIOENCODING": "utf-8:strict", "LC_ALL": "C.UTF-8"}
    for output in FORMATS:
        done = subprocess.run(
            [
                sys.executable,
                "-m",
                "lam_bot",
                "validate",
                "--no-cache",
                "--format",
                output,
                "agents",
            ],
            cwd=tmp_path,
            capture_output=True,
            env=env,
            check=False,
        )
        assert done.returncode == 1, done.stderr
        shown = (b"caf\\xe9.md", b"caf\\\\xe9.md", b"caf%E9.md")  # text, JSON, SARIF uri
        assert any(name in done.stdout for name in shown), done.stdout


def test_printable_escapes_every_kind_of_control() -> None:
    assert printable("a\x1b[31mb\x07\r\n\x85\u2028\u202e\udcff") == (
        "a\\x1b[31mb\\x07\\x0d\\x0a\\x85\\u2028\\u202e\\xff"
    )
    assert printable("naïve, 工具 — fine") == "naïve, 工具 — fine"
