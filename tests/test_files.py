from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from lam_bot.files import atomic_write


def test_new_file_gets_the_umask_mode(tmp_path: Path) -> None:
    old = os.umask(0o022)
    try:
        path = atomic_write(tmp_path / "agent.md", "text\n")
    finally:
        os.umask(old)
    assert stat.S_IMODE(path.stat().st_mode) == 0o644
    assert path.read_bytes() == b"text\n"


def test_existing_file_keeps_its_mode(tmp_path: Path) -> None:
    path = tmp_path / "agent.md"
    path.write_text("old")
    path.chmod(0o640)
    atomic_write(path, b"new")
    assert stat.S_IMODE(path.stat().st_mode) == 0o640
    assert path.read_text() == "new"


def test_failed_write_leaves_the_old_file_and_no_temporary(tmp_path: Path) -> None:
    path = tmp_path / "agent.md"
    path.write_text("old")
    with pytest.raises(TypeError):
        atomic_write(path, None)  # type: ignore[arg-type]
    assert path.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["agent.md"]
