"""Reading a file safely: size limit, binary and encoding checks, BOM and CRLF accepted."""

from __future__ import annotations

import os
from pathlib import Path
from typing import NamedTuple

from lam_bot.validator.model import Finding, error

MAX_BYTES = 1024 * 1024


class Source(NamedTuple):
    """A decoded file: `text` has no BOM and only `\\n` line ends."""

    text: str | None
    findings: tuple[Finding, ...]


def _fail(rule: str, message: str, line: int = 1) -> Source:
    return Source(None, (error(line, 1, rule, message),))


def read_source(path: str | Path) -> Source:
    """Read `path` as UTF-8 text, or explain in one finding why it cannot be checked."""
    try:
        with open(path, "rb") as handle:
            # fstat first so a huge file is refused without reading it; read one byte more
            # than the limit in case the size lies (pipes, /proc files).
            if os.fstat(handle.fileno()).st_size > MAX_BYTES:
                return _fail("file-too-large", f"file is larger than {MAX_BYTES} bytes")
            data = handle.read(MAX_BYTES + 1)
    except OSError as exc:
        return _fail("file-unreadable", f"cannot read file: {exc.strerror or exc}")
    if len(data) > MAX_BYTES:
        return _fail("file-too-large", f"file is larger than {MAX_BYTES} bytes")
    return decode_source(data)


def decode_source(data: bytes) -> Source:
    """Decode bytes already read; the checks of `read_source` after the size limit."""
    if b"\0" in data:
        line = data.count(b"\n", 0, data.index(b"\0")) + 1
        return _fail("file-binary", "file contains a NUL byte: binary, not text", line)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        return _fail("file-encoding", f"bytes that are not UTF-8 at offset {exc.start}", line)
    return text_source(text)


def text_source(text: str) -> Source:
    """Normalise in-memory text (BOM, CRLF) and refuse an empty file."""
    text = text.removeprefix("\ufeff")
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        return _fail("file-empty", "file is empty")
    return Source(text, ())
