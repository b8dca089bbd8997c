"""Reading a file safely, and the one line numbering used by parsing, diagnostics and --fix.

Reading: size limit, regular files only (a FIFO or a device is never read, and opening
one never blocks), binary and encoding checks, BOM and CRLF accepted.

A leading UTF-8 BOM is removed from the text and reported as `file-bom`: Claude Code
does not register an agent that starts with one (anthropics/claude-code#73158); the
rules keep that finding for agents only.

Lines: libyaml ends a line at `\r\n`, `\r`, `\n`, U+0085, U+2028 and U+2029 (the YAML
1.1 spec, "5.4 Line Break Characters"; libyaml's `IS_BREAK` in yaml_private.h), so a
position it reports counts all of them. Every line number lam-bot shows or edits counts
the same breaks (`LINE_BREAK`, `line_at`, `split_lines`), so diagnostics, the parser's
marks and `--fix` always mean the same line.
"""

from __future__ import annotations

import os
import re
import stat
from typing import NamedTuple

from lam_bot.validator.model import Finding, error

MAX_BYTES = 1024 * 1024
# libyaml's line breaks; `\r\n` first, so that it counts as one.
LINE_BREAK = re.compile("\r\n|[\n\r\x85\u2028\u2029]")
_RARE_BREAKS = ("\r", "\x85", "\u2028", "\u2029")


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
    except NotRegularFile as exc:
        return _fail("file-unreadable", f"cannot read file: {exc}")
    except OSError as exc:
        return _fail("file-unreadable", f"cannot read file: {exc.strerror or exc}")
    if data is None:
        return _fail("file-too-large", f"file is larger than {MAX_BYTES} bytes")
    return decode_source(data)


class NotRegularFile(OSError):
    """The path names a FIFO, a device, a socket or a folder: never read."""


# O_NONBLOCK: opening a FIFO with no writer would otherwise wait forever.
_OPEN_FLAGS = os.O_RDONLY | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_NONBLOCK", 0)


def open_regular(path: str | os.PathLike[str], follow: bool = True) -> tuple[int, os.stat_result]:
    """An open read-only descriptor on `path` and its `fstat`, for a regular file only.

    Raises `NotRegularFile` for anything else (checked on the open descriptor, so the
    answer is about the file actually opened), `OSError` when it cannot be opened; with
    `follow=False` a symlink is refused (`O_NOFOLLOW`, ELOOP).
    """
    flags = _OPEN_FLAGS | (0 if follow else getattr(os, "O_NOFOLLOW", 0))
    fd = os.open(path, flags)
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise NotRegularFile("not a regular file (a FIFO, device, socket or folder)")
    except BaseException:
        os.close(fd)
        raise
    return fd, info


def read_limited(path: str | os.PathLike[str], limit: int, follow: bool = True) -> bytes | None:
    """The bytes of the regular file `path`, or None when it holds more than `limit` bytes.

    Raises `NotRegularFile` or `OSError` as `open_regular` does.
    """
    return read_regular(path, limit, follow)[0]


def read_regular(
    path: str | os.PathLike[str], limit: int, follow: bool = True
) -> tuple[bytes | None, os.stat_result]:
    """`read_limited`, and the `fstat` of the file read (what `--fix` compares before writing).

    A file whose size says it is too large is refused without reading it. Otherwise the
    reads ask for what the size promises plus one byte (a buffer sized to the file, not
    to the limit: allocating the limit costs more than reading a typical agent file), and
    go on until the end of the file, so a size that lies (/proc files) is caught.
    """
    fd, info = open_regular(path, follow)
    try:
        size = info.st_size
        if size > limit:
            return None, info
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
    return (None if total > limit else b"".join(chunks)), info


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


def split_lines(text: str) -> list[str]:
    """`text` cut into lines at libyaml's line breaks, each line keeping its own break.

    `"".join(split_lines(text)) == text`; an empty text has no lines.
    """
    if any(char in text for char in _SPLITLINES_ONLY) or any(c in text for c in _RARE_BREAKS):
        return _split_by_regex(text)
    return text.splitlines(keepends=True)  # only `\n` breaks: the same cut, in C


# Where `str.splitlines` cuts but libyaml does not.
_SPLITLINES_ONLY = ("\x0b", "\x0c", "\x1c", "\x1d", "\x1e")


def _split_by_regex(text: str) -> list[str]:
    lines, start = [], 0
    for match in LINE_BREAK.finditer(text):
        lines.append(text[start : match.end()])
        start = match.end()
    if start < len(text):
        lines.append(text[start:])
    return lines


def line_at(text: str, offset: int) -> int:
    """The 1-based line (as libyaml counts lines) holding character `offset` of `text`."""
    if not any(char in text for char in _RARE_BREAKS):
        return text.count("\n", 0, offset) + 1
    return len(LINE_BREAK.findall(text, 0, offset)) + 1
