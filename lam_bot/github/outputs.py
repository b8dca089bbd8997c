"""Step outputs (`$GITHUB_OUTPUT`) and the job summary (`$GITHUB_STEP_SUMMARY`)."""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from pathlib import Path


def format_outputs(values: Mapping[str, str]) -> str:
    """`name<<DELIMITER` blocks; a random delimiter keeps a value from adding outputs."""
    blocks = []
    for name, value in values.items():
        delimiter = f"ghadelimiter_{secrets.token_hex(12)}"
        blocks.append(f"{name}<<{delimiter}\n{value}\n{delimiter}\n")
    return "".join(blocks)


def append(path: Path | None, text: str) -> None:
    """Append `text` to a runner file; outside Actions (no path) do nothing."""
    if path is None or not text:
        return
    with path.open("a", encoding="utf-8") as handle:
        handle.write(text)
