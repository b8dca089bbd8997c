"""The prompt: the seed model's system text, instruction repetition, request cleaning.

One function builds the messages so `generate`, the GitHub Action and the benchmark
send exactly the same thing. The request is untrusted (an issue body, say): it is
cleaned, capped and kept inside the user turn.
"""

from __future__ import annotations

import re
import unicodedata

from lam_bot.errors import InputError

# The text the model was fine-tuned with (chendren/lam-training, src/schema.ts):
# changing it moves the model off its training distribution.
SYSTEM_PROMPT = """\
You are a Large Action Model that creates AI agents and skills from user requests.

When given a request, you:
1. Reason about what agent architecture best serves the need
2. Define the tools the agent requires
3. Define skills as composable, multi-step workflows
4. Set constraints to keep the agent safe and focused

Respond with a JSON object containing:
- reasoning: your thought process for the design
- agent: the complete agent definition with name, description, role, tools, skills, \
and constraints"""

MAX_REQUEST_CHARS = 4000
_HTML_COMMENT = re.compile(r"<!--.*?(?:-->|$)", re.DOTALL)
# Zero-width characters and bidirectional controls (Trojan Source) hide text from
# reviewers; category Cf covers both, plus the BOM and soft hyphen.
_KEEP = frozenset("\n\t")


def _visible(char: str) -> bool:
    if char in _KEEP:
        return True
    return unicodedata.category(char) not in ("Cf", "Cc", "Co", "Cs")


def strip_invisible(text: str) -> str:
    """`text` without bidi controls, zero-width, control or private-use characters.

    The one cleaning applied to everything untrusted: the request here and every string
    of a model's plan at parse time (plan.py). Newlines and tabs are kept.
    """
    return "".join(char for char in text if _visible(char))


def clean_request(text: str) -> str:
    """The request without HTML comments or invisible characters, capped; InputError if empty."""
    text = _HTML_COMMENT.sub("", text.replace("\r\n", "\n"))
    text = strip_invisible(text)
    text = re.sub(r"\n{3,}", "\n\n", text).strip()
    if not text:
        raise InputError("the request is empty")
    if len(text) > MAX_REQUEST_CHARS:
        text = text[:MAX_REQUEST_CHARS].rstrip()
    return text


def user_message(request: str, repeat: bool = True, feedback: str | None = None) -> str:
    """The user turn: the request, repeated when `repeat` (the seed's 90% → 100% technique)."""
    parts = [f"User request: {request}"]
    if repeat:
        parts.append(f"Let me repeat your instruction: {request}")
    if feedback:
        parts.append(f"A previous attempt was rejected: {feedback}")
    return "\n\n".join(parts)


def build_messages(
    request: str, repeat: bool = True, feedback: str | None = None
) -> list[dict[str, str]]:
    """Chat messages for a request (cleaned here): the system text, then one user turn."""
    return [
        {"role": "system", "content": SYSTEM_PROMPT},
        {"role": "user", "content": user_message(clean_request(request), repeat, feedback)},
    ]
