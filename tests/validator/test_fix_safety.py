"""`--fix` on hostile trees: it writes only regular files reached inside the given paths.

Every test runs the real command on a real filesystem (tmp_path); the one fault that
cannot be arranged from outside, a file changed by its owner while --fix runs, is made
by wrapping the fixer so the owner writes at the worst moment.
"""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

import lam_bot.validator.fix as fix_module
from lam_bot.cli import cli
from lam_bot.validator.source import MAX_BYTES

NEEDS_FIX = "---\nname: a\ndescription: d\ntools: [Read, Task]\n---\n\nYou review code carefully.\n"
FIXED = "---\nname: a\ndescription: d\ntools: Read, Agent\n---\n\nYou review code carefully.\n"


def _run(*args: str) -> Result:
    return CliRunner().invoke(cli, ["validate", "--no-cache", *args], catch_exceptions=False)


def _agents(root: Path) -> Path:
    folder = root / ".claude" / "agents"
    folder.mkdir(parents=True)
    return folder


def test_a_plain_file_is_fixed_and_keeps_its_mode(tmp_path: Path) -> None:
    path = _agents(tmp_path) / "a.md"
    path.write_text(NEEDS_FIX)
    path.chmod(0o640)
    result = _run("--fix", str(tmp_path))
    assert "fixed" in result.stderr
    assert path.read_text() == FIXED
    assert stat.S_IMODE(path.stat().st_mode) == 0o640


def test_manifest_entries_outside_the_plugin_are_refused(tmp_path: Path) -> None:
    outside = tmp_path / "outside" / "x.md"
    outside.parent.mkdir()
    outside.write_text(NEEDS_FIX)
    plugin = tmp_path / "repo" / "plugin"
    (plugin / ".claude-plugin").mkdir(parents=True)
    absolute = outside.with_name("y.md")
    absolute.write_text(NEEDS_FIX)
    manifest = {"name": "p", "agents": ["./../../outside/x.md", str(absolute)]}
    (plugin / ".claude-plugin" / "plugin.json").write_text(json.dumps(manifest))
    result = _run("--fix", str(tmp_path / "repo"))
    assert outside.read_text() == absolute.read_text() == NEEDS_FIX  # never written
    assert result.exit_code == 1
    assert (
        "plugin.json:1:1: error manifest-path-outside lists ./../../outside/x.md, " in result.stdout
    )
    assert str(absolute) in result.stdout
    assert "fixed" not in result.stderr


def test_a_symlink_in_the_agents_folder_is_neither_followed_nor_replaced(tmp_path: Path) -> None:
    target = tmp_path / "real.md"
    target.write_text(NEEDS_FIX)
    link = _agents(tmp_path / "repo") / "a.md"
    link.symlink_to(target)
    result = _run("--fix", str(tmp_path / "repo"))
    assert link.is_symlink() and target.read_text() == NEEDS_FIX
    assert "a.md: not fixed: a symlink" in result.stderr


def test_a_folder_reached_through_a_symlink_is_not_written(tmp_path: Path) -> None:
    real = _agents(tmp_path / "elsewhere")
    (real / "a.md").write_text(NEEDS_FIX)
    repo = tmp_path / "repo"
    (repo / ".claude").mkdir(parents=True)
    (repo / ".claude" / "agents").symlink_to(real)
    manifest_plugin = repo / "plugin"
    (manifest_plugin / ".claude-plugin").mkdir(parents=True)
    entry = {"name": "p", "agents": ["./via"]}
    (manifest_plugin / ".claude-plugin" / "plugin.json").write_text(json.dumps(entry))
    (manifest_plugin / "via").symlink_to(real)
    result = _run("--fix", str(repo))
    assert (real / "a.md").read_text() == NEEDS_FIX
    assert "\nfixed" not in "\n" + result.stderr
    # A component path that leaves the plugin through a link is refused like `..`.
    assert "manifest-path-outside lists ./via" in result.stdout


def test_read_only_and_hard_linked_files_are_skipped_with_a_note(tmp_path: Path) -> None:
    folder = _agents(tmp_path)
    read_only = folder / "r.md"
    read_only.write_text(NEEDS_FIX)
    read_only.chmod(0o444)
    linked = folder / "l.md"
    linked.write_text(NEEDS_FIX)
    os.link(linked, tmp_path / "second-name.md")
    result = _run("-q", "--fix", str(tmp_path))  # said even under --quiet
    assert "r.md: not fixed: read-only file (1 fixes)" in result.stderr
    assert "l.md: not fixed: 2 hard links to this file" in result.stderr
    assert read_only.read_text() == linked.read_text() == NEEDS_FIX
    assert os.stat(linked).st_nlink == 2


def test_a_file_changed_while_it_was_fixed_is_left_to_its_owner(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = _agents(tmp_path) / "a.md"
    path.write_text(NEEDS_FIX)
    owners_version = NEEDS_FIX.replace("carefully", "with care, as the owner now wants")
    real_fix_text = fix_module.fix_text

    def owner_writes_meanwhile(*args: object, **kwargs: object) -> object:
        path.write_text(owners_version)
        return real_fix_text(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(fix_module, "fix_text", owner_writes_meanwhile)
    result = _run("--fix", str(tmp_path))
    assert path.read_text() == owners_version
    assert "a.md: not fixed: the file changed while it was read" in result.stderr
    assert [p.name for p in path.parent.iterdir()] == ["a.md"]


def test_a_named_symlink_to_a_device_never_grows_nor_hangs(tmp_path: Path) -> None:
    link = tmp_path / "agents" / "zero.md"
    link.parent.mkdir()
    link.symlink_to("/dev/zero")
    result = _run("--fix", str(link))
    assert result.exit_code == 1 and link.is_symlink()
    assert "not fixed: a symlink" in result.stderr
    assert "file-unreadable" in result.stdout and "not a regular file" in result.stdout


@pytest.mark.parametrize("fix", [[], ["--fix"]])
def test_a_named_fifo_is_refused_at_once(tmp_path: Path, fix: list[str]) -> None:
    fifo = tmp_path / "agents" / "pipe.md"
    fifo.parent.mkdir()
    os.mkfifo(fifo)  # no writer: a blocking open would wait forever
    result = _run(*fix, str(fifo))
    assert result.exit_code == 1
    assert "file-unreadable" in result.stdout


def test_a_file_over_the_limit_is_not_read_by_fix(tmp_path: Path) -> None:
    path = _agents(tmp_path) / "big.md"
    path.write_text(NEEDS_FIX + "x" * MAX_BYTES)
    result = _run("--fix", str(tmp_path))
    assert "fixed" not in result.stderr and "file-too-large" in result.stdout
    assert path.read_text().startswith(NEEDS_FIX)
