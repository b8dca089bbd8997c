"""Text from issues and from the model, made safe for Actions logs and GitHub markdown.

The runner treats any log line starting with `::` as a workflow command (set an output,
add a mask, stop commands…). Untrusted text is wrapped in `::stop-commands::<token>` …
`::<token>::` with a fresh random token it cannot guess or contain, or flattened onto the
one line that a fixed prefix starts (`log_line`), with no control characters left to move
the terminal's cursor. In comments and pull request bodies, untrusted text cannot open
HTML, mention (notify) people, close issues, load remote images, or hide or reorder text
with invisible and bidirectional characters.
"""

from __future__ import annotations

import re
import secrets
import unicodedata

# GitHub's closing keywords ("Linking a pull request to an issue", docs.github.com): one
# before an issue reference (#1, owner/repo#1, an issue URL) closes it when merged.
CLOSING_KEYWORD = re.compile(
    r"\b(?P<first>[cfr])(?P<rest>lose[sd]?|ix(?:e[sd])?|esolve[sd]?)"
    r"(?=:?\s+(?:[\w.-]+/[\w.-]+)?#\d|:?\s+https?://)",
    re.IGNORECASE,
)
IMAGE = re.compile(r"!(?=\[)")  # ![alt](url) and ![alt][ref]: GitHub fetches the image


def untrusted(text: str) -> str:
    """`text`, unable to issue workflow commands or move the cursor when printed to a log."""
    text = visible(text)
    if "::" not in text:
        return text
    token = secrets.token_hex(16)
    while token in text:  # pragma: no cover - 128 random bits
        token = secrets.token_hex(16)
    return f"::stop-commands::{token}\n{text}\n::{token}::"


def visible(text: str) -> str:
    """`text` without control, format (zero-width, bidirectional) or private-use characters.

    Newlines and tabs stay. Unicode category Cf holds the bidirectional controls of "Trojan
    Source" (CVE-2021-42574) and the zero-width characters.
    """
    return "".join(c for c in text if c in "\n\t" or unicodedata.category(c)[0] != "C")


def one_line(text: str, limit: int = 200) -> str:
    """`text` on one line of visible characters, shortened to `limit` characters."""
    flat = " ".join(visible(text).split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def log_line(text: str, limit: int = 2000) -> str:
    """`text` for the end of a log line that lam-bot's own prefix starts (`Error: …`).

    One line, so no part of it starts a line the runner would read as a workflow command,
    and no escape sequences for the terminal.
    """
    return one_line(text, limit)


def inert(text: str) -> str:
    """`text` for GitHub markdown: no raw HTML, no @-mentions that would notify anyone, no
    closing keywords, no remote images, no invisible or bidirectional characters."""
    text = visible(text).replace("<", "&lt;").replace("@", "@\u200b")
    # A zero-width space inside the keyword: it reads the same and closes nothing.
    text = CLOSING_KEYWORD.sub(lambda m: f"{m['first']}\u200b{m['rest']}", text)
    return IMAGE.sub(r"\\!", text)
