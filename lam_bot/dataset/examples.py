"""Training examples in mlx-lm's chat format, with the generator's own prompt.

Two modes, as on the model card: *plan mode* (request → plan JSON, exactly the
messages `generate` sends, so the adapter learns the task it is used for) and
*execution mode* (request → the agent or skill file itself). Both use the same
system text and instruction repetition (`lam_bot.prompt.build_messages`); the
execution-mode request starts with "Write the … file", so the two modes never give
one prompt two different answers.
"""

from __future__ import annotations

import json
import re
from typing import Any, NamedTuple

from lam_bot.prompt import build_messages

PLAN = "plan"
EXECUTION = "execution"
MIX = "mix"
MODES = (PLAN, EXECUTION, MIX)
REQUEST_CHARS = 400

_EXAMPLE = re.compile(r"<(example|commentary)>.*?(</\1>|$)", re.DOTALL | re.IGNORECASE)


class Example(NamedTuple):
    """One chat example; `group` keeps an agent's examples in one split."""

    mode: str
    group: str
    messages: list[dict[str, str]]

    def line(self) -> str:
        """The example as one JSONL line (`{"messages": [...]}`)."""
        return json.dumps({"messages": self.messages}, ensure_ascii=False)

    @property
    def answer(self) -> str:
        """The assistant turn."""
        return self.messages[-1]["content"]


def describe_request(description: str, limit: int = REQUEST_CHARS) -> str:
    """A request from a file's description: examples and commentary removed, capped."""
    text = " ".join(_EXAMPLE.sub(" ", description).split())
    if len(text) > limit:
        text = text[:limit].rsplit(" ", 1)[0].rstrip(" ,;:")
    return text


def _chat(request: str, answer: str) -> list[dict[str, str]]:
    return [*build_messages(request), {"role": "assistant", "content": answer}]


def plan_example(group: str, kind: str, description: str, plan_json: str) -> Example:
    """Plan mode: the generator's request for this description → the plan JSON."""
    request = f"Create {_article(kind)} {kind}: {describe_request(description)}"
    return Example(PLAN, group, _chat(request, plan_json))


def execution_example(group: str, kind: str, description: str, text: str) -> Example:
    """Execution mode: "Write the … file" for this description → the file's text."""
    request = f"Write the {kind} file for: {describe_request(description)}"
    return Example(EXECUTION, group, _chat(request, text))


def _article(kind: str) -> str:
    return "an" if kind[:1] in "aeiou" else "a"


def mix_example(group: str, record: Any) -> Example | None:
    """A user-supplied chat record as an example, or None if it is not one."""
    if not isinstance(record, dict) or not isinstance(record.get("messages"), list):
        return None
    messages = record["messages"]
    valid = all(
        isinstance(m, dict) and isinstance(m.get("role"), str) and isinstance(m.get("content"), str)
        for m in messages
    )
    if not messages or not valid or messages[-1]["role"] != "assistant":
        return None
    return Example(MIX, group, [{"role": m["role"], "content": m["content"]} for m in messages])
