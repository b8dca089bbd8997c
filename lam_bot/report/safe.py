"""Text from files and file names made safe to print, whatever it holds.

A file name or a frontmatter value may hold terminal escape sequences (OSC `\\e]0;…\\a`,
CSI), line breaks (a new line starting `::error` would be a GitHub workflow command),
bidirectional overrides, or bytes that are not UTF-8 (Python keeps them as lone
surrogates, `os.fsdecode`, which a strict UTF-8 stream refuses to write). `printable`
shows all of them as visible escapes; `unicode_safe` only the undecodable bytes.
"""

from __future__ import annotations

import re

# C0 and C1 controls, DEL, Unicode line and paragraph separators, bidirectional
# embeddings, overrides and isolates, and lone surrogates.
_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff]")
_SURROGATE = re.compile("[\ud800-\udfff]")


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    if 0xDC80 <= code <= 0xDCFF:  # a byte that was not UTF-8 (surrogateescape)
        return f"\\x{code - 0xDC00:02x}"
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def printable(text: str) -> str:
    """`text` with every control, line break, bidi control and undecodable byte escaped
    (`\\x1b`, `\\x0a`, `\\u202e`, `\\xff`); one line, safe for a terminal and a log."""
    if text.isascii() and text.isprintable():
        return text
    return _UNSAFE.sub(_escape, text)


def unicode_safe(text: str) -> str:
    """`text` with only its undecodable bytes escaped: encodable as UTF-8 (for JSON)."""
    return _SURROGATE.sub(_escape, text)
