"""Atomic file writes: a failed run never leaves a half-written file."""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
from pathlib import Path


def atomic_write(path: Path, data: str | bytes) -> Path:
    """Replace `path` with `data` (text as UTF-8) through a temporary file and a rename.

    An existing file keeps its permissions; a new one gets the umask's, not mkstemp's 0600.
    """
    raw = data.encode("utf-8") if isinstance(data, str) else data
    mode = _mode(path)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(raw)
        os.chmod(temporary, mode)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return path


def _mode(path: Path) -> int:
    try:
        return path.stat().st_mode & 0o7777
    except FileNotFoundError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


def replace_if_unchanged(path: str, expected: bytes, seen: os.stat_result, data: bytes) -> bool:
    """Replace the regular file `path` by `data` only if it still holds `expected`.

    `seen` is the `fstat` taken when `expected` was read. The new content goes to a
    temporary file beside `path` first (with `path`'s mode, and its owner when allowed);
    then `path` is opened again without following a symlink, compared with what was
    read (same file, same size, same bytes), and only then renamed over. False, and
    nothing written, when the file changed or was replaced in between. Raises `OSError`
    when the temporary file cannot be written or renamed.
    """
    folder, name = os.path.split(path)
    handle, temporary = tempfile.mkstemp(dir=folder or ".", prefix=f".{name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            os.fchmod(stream.fileno(), seen.st_mode & 0o7777)
            _keep_owner(stream.fileno(), seen)
        if not _still(path, expected, seen):
            os.unlink(temporary)
            return False
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return True


def _keep_owner(fd: int, seen: os.stat_result) -> None:
    with contextlib.suppress(OSError):  # only root may give a file away; the mode is kept
        os.fchown(fd, seen.st_uid, seen.st_gid)


def _still(path: str, expected: bytes, seen: os.stat_result) -> bool:
    """`path` is the same regular file as before and holds `expected`."""
    flags = os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_NOFOLLOW", 0) | os.O_CLOEXEC
    try:
        fd = os.open(path, flags)
    except OSError:
        return False
    try:
        now = os.fstat(fd)
        same = (now.st_dev, now.st_ino, now.st_size) == (seen.st_dev, seen.st_ino, seen.st_size)
        if not (same and stat.S_ISREG(now.st_mode)):
            return False
        chunks, total = [], 0
        while total <= len(expected):
            chunk = os.read(fd, len(expected) + 1 - total)
            if not chunk:
                break
            chunks.append(chunk)
            total += len(chunk)
        return b"".join(chunks) == expected
    finally:
        os.close(fd)
