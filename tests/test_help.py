"""`--help` of the model commands: every option described, the model forms named."""

from __future__ import annotations

import re

import pytest
from click.testing import CliRunner

from lam_bot.cli import cli


def help_text(command: str) -> str:
    result = CliRunner().invoke(cli, [command, "--help"], terminal_width=200)
    assert result.exit_code == 0, result.output
    return result.output


def option_line(text: str, option: str) -> str:
    """The help of `option`, its wrapped lines joined."""
    match = re.search(rf"^  (?:-\w, )?{option}\b(.*(?:\n {{6,}}.*)*)", text, re.MULTILINE)
    assert match, f"{option} is not in --help"
    return " ".join(match[1].split())


@pytest.mark.parametrize("command", ["generate", "bench", "handle-issue", "finetune"])
def test_model_help_names_gguf_files_and_smollm2(command: str) -> None:
    line = option_line(help_text(command), "--model")
    assert ".gguf" in line and "smollm2" in line


@pytest.mark.parametrize(
    ("option", "default"),
    [
        ("--github-timeout", "30"),
        ("--github-retries", "4"),
        ("--github-backoff", "1.0"),
        ("--event-name", None),
    ],
)
def test_handle_issue_github_options_are_described(option: str, default: str | None) -> None:
    line = option_line(help_text("handle-issue"), option)
    words = re.sub(r"\[.*?\]", "", line)  # the description without [env …; default …]
    assert len(re.findall(r"[A-Za-z]{3,}", words)) >= 4, line
    if default is not None:
        assert f"default: {default}" in line
