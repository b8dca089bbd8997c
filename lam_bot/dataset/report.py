"""The dataset report: counts in, edits and drops per rule, examples per split and mode.

Lengths are in characters of the whole example (all turns) and, without loading a
tokenizer, an estimate of tokens at four characters each; `finetune` sees the real
token counts.
"""

from __future__ import annotations

import statistics
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from lam_bot.dataset.curate import DROP_RULES, EDIT_RULES
from lam_bot.dataset.examples import MODES, Example

if TYPE_CHECKING:
    from lam_bot.dataset.build import Tally

CHARS_PER_TOKEN = 4  # a rough English average for BPE tokenizers; labelled an estimate


def _per_mode(examples: Sequence[Example]) -> dict[str, int]:
    counts = dict.fromkeys(MODES, 0)
    for example in examples:
        counts[example.mode] += 1
    return counts


def _lengths(examples: Sequence[Example]) -> dict[str, int]:
    sizes = [sum(len(m["content"]) for m in example.messages) for example in examples]
    if not sizes:
        return {"min": 0, "median": 0, "max": 0}
    return {"min": min(sizes), "median": int(statistics.median(sizes)), "max": max(sizes)}


def build_report(
    tally: Tally, train: Sequence[Example], valid: Sequence[Example], fraction: float, seed: int
) -> dict[str, Any]:
    """The report as a JSON-ready dictionary (written as report.json)."""
    characters = _lengths([*train, *valid])
    return {
        "files_in": dict(tally.files),
        "mixed_in": tally.mixed_in,
        "edited": dict(tally.edited),
        "dropped": dict(tally.dropped),
        "examples": {"train": _per_mode(train), "valid": _per_mode(valid)},
        "characters": characters,
        "estimated_tokens": {k: v // CHARS_PER_TOKEN for k, v in characters.items()},
        "valid_fraction": fraction,
        "seed": seed,
    }


def _count(number: int, noun: str) -> str:
    """`1 example`, `2 examples`."""
    return f"{number} {noun}" if number == 1 else f"{number} {noun}s"


def render_report(report: dict[str, Any]) -> str:
    """The report as a few lines of text for the terminal."""
    files = report["files_in"]
    lines = [
        f"files in: {_count(files['agent'], 'agent')}, {_count(files['skill'], 'skill')}; "
        f"mixed in: {_count(report['mixed_in'], 'example')}"
    ]
    for rule, label in EDIT_RULES.items():
        lines.append(f"  edited  {report['edited'][rule]:>5}  {rule}: {label}")
    for rule, label in DROP_RULES.items():
        lines.append(f"  dropped {report['dropped'][rule]:>5}  {rule}: {label}")
    for split in ("train", "valid"):
        counts = report["examples"][split]
        modes = ", ".join(f"{counts[mode]} {mode}" for mode in MODES)
        lines.append(f"{split}: {_count(sum(counts.values()), 'example')} ({modes})")
    chars, tokens = report["characters"], report["estimated_tokens"]
    lines.append(
        f"length: median {chars['median']:,} characters (~{tokens['median']:,} tokens), "
        f"max {chars['max']:,} (~{tokens['max']:,})"
    )
    return "\n".join(lines)
