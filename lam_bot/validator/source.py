"""Reading a file safely: size limit, binary and encoding checks, BOM and CRLF accepted.

A leading UTF-8 BOM is removed from the text and reported as `file-bom`: Claude Code
does not register an agent that starts with one (anthropics/claude-code#73158); the
rules keep that finding for agents only.
"""

from __future__ import annotations

import os
from typing import NamedTuple

from lam_bot.validator.model import Finding, error

MAX_BYTES = 1024 * 1024


class Source(NamedTuple):
    """A decoded file: `text` has no BOM and only `\\n` line ends."""

    text: str | None
    findings: tuple[Finding, ...]


def _fail(rule: str, message: str, line: int = 1) -> Source:
    return Source(None, (error(line, 1, rule, message),))


def read_source(path: str | os.PathLike[str]) -> Source:
    """Read `path` as UTF-8 text, or explain in one finding why it cannot be checked."""
    try:
        data = read_limited(path, MAX_BYTES)
    except OSError as exc:
        return _fail("file-unreadable", f"cannot read file: {exc.strerror or exc}")
    if data is None:
        return _fail("file-too-large", f"file is larger than {MAX_BYTES} bytes")
    return decode_source(data)


def read_limited(path: str | os.PathLike[str], limit: int) -> bytes | None:
    """The bytes of `path`, or None when it holds more than `limit` bytes.

    A file whose size says it is too large is refused without reading it. Otherwise the
    reads ask for what the size promises plus one byte (a buffer sized to the file, not
    to the limit: allocating the limit costs more than reading a typical agent file), and
    go on until the end of the file, so a size that lies (pipes, /proc files) is caught.
    """
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_CLOEXEC", 0))
    try:
        size = os.fstat(fd).st_size
        if size > limit:
            return None
        chunks = []
        total = 0
        want = size + 1 if size else 64 * 1024
        while total <= limit:
            chunk = os.read(fd, min(want, limit + 1 - total))
            if not chunk:
                break
            chunks.append(chunk)
            total += len(chunk)
    finally:
        os.close(fd)
    return None if total > limit else b"".join(chunks)


def decode_source(data: bytes) -> Source:
    """Decode bytes already read; the checks of `read_source` after the size limit."""
    if b"\0" in data:
        line = data.count(b"\n", 0, data.index(b"\0")) + 1
        return _fail("file-binary", "file contains a NUL byte: binary, not text", line)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        return _fail("file-encoding", f"bytes that are not UTF-8 at offset {exc.start}", line)
    return text_source(text)


def text_source(text: str) -> Source:
    """Normalise in-memory text (BOM, CRLF) and refuse an empty file."""
    bom = text.startswith("\ufeff")
    text = text.removeprefix("\ufeff")
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        return _fail("file-empty", "file is empty")
    return Source(text, (BOM_FINDING,) if bom else ())


BOM_FINDING = error(
    1, 1, "file-bom", "file starts with a UTF-8 BOM: Claude Code does not register such an agent"
)
