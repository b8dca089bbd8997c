"""Text from issues and from the model, made safe for Actions logs and GitHub markdown.

The runner treats any log line starting with `::` as a workflow command (set an output,
add a mask, stop commands…). Untrusted text is wrapped in `::stop-commands::<token>` …
`::<token>::` with a fresh random token it cannot guess or contain. In comments and pull
request bodies, untrusted text cannot open HTML or mention (notify) people.
"""

from __future__ import annotations

import secrets


def untrusted(text: str) -> str:
    """`text`, unable to issue workflow commands when printed to an Actions log."""
    if "::" not in text:
        return text
    token = secrets.token_hex(16)
    while token in text:  # pragma: no cover - 128 random bits
        token = secrets.token_hex(16)
    return f"::stop-commands::{token}\n{text}\n::{token}::"


def one_line(text: str, limit: int = 200) -> str:
    """`text` on one line, shortened to `limit` characters."""
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def inert(text: str) -> str:
    """`text` for GitHub markdown: no raw HTML, no @-mentions that would notify anyone."""
    return text.replace("<", "&lt;").replace("@", "@\u200b")
