"""A YAML tag whose constructor raises is an error on its file, never the end of the run."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from lam_bot.cli import cli
from lam_bot.validator import check_paths, check_text

# The values from the fuzzing that ended whole runs with exit 3, and more of the kind.
RAISING = [
    "background: !!bool maybe",
    "x: !!timestamp x",
    "x: !!int ''",
    "x: !!float ''",
    "x: !!int '+'",
    "x: !!omap [1]",
    "x: !!python/object:os.system a",
    "? [a, {b: c}]\n: 1",
]
BODY = "You review code and report every finding with its line.\n"
GOOD = f"---\nname: good\ndescription: d\n---\n\n{BODY}"


@pytest.mark.parametrize("line", RAISING)
def test_check_text_reports_the_value(line: str) -> None:
    result = check_text(f"---\nname: a\ndescription: d\n{line}\n---\n\nYou review code.\n")
    yaml_errors = [d for d in result.diagnostics if d.rule == "frontmatter-yaml"]
    assert yaml_errors or line.startswith("?")  # an unhashable key is just an odd key
    assert all(d.line == 4 for d in yaml_errors)


@pytest.mark.parametrize("output", ["text", "json", "github", "sarif"])
def test_the_other_files_are_still_reported(tmp_path: Path, output: str) -> None:
    agents = tmp_path / ".claude" / "agents"
    agents.mkdir(parents=True)
    (agents / "good.md").write_text(GOOD)
    for index, line in enumerate(RAISING[:5]):
        (agents / f"bad{index}.md").write_text(
            GOOD.replace("name: good", f"name: b{index}\n{line}")
        )
    assert len(check_paths([tmp_path])) == 6
    args = ["validate", "--no-cache", "--fix", "--format", output, str(tmp_path)]
    result = CliRunner().invoke(cli, args, catch_exceptions=False)
    assert result.exit_code == 1
    assert result.stdout.count("frontmatter-yaml") >= 5
    if output == "json":  # the one format that lists clean files too
        assert "good.md" in result.stdout
