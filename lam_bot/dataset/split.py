"""A deterministic train/validation split that keeps each agent's examples together.

The plan-mode and execution-mode examples of one agent describe the same file, so
they go to the same split (otherwise validation loss would measure recall of files
seen in training). Groups are ordered by a seeded hash of their name and the first
`round(groups x fraction)` (at least one, when there are two groups or more) become
the validation set; the same inputs and seed always give the same split.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

from lam_bot.dataset.examples import Example


def _rank(seed: int, group: str) -> str:
    return hashlib.sha256(f"{seed}\0{group}".encode()).hexdigest()


def valid_groups(groups: Sequence[str], fraction: float, seed: int) -> set[str]:
    """The groups that go to validation."""
    unique = sorted(set(groups), key=lambda group: _rank(seed, group))
    count = round(len(unique) * fraction)
    if fraction > 0 and len(unique) >= 2:
        count = min(max(count, 1), len(unique) - 1)
    return set(unique[:count])


def split_examples(
    examples: Sequence[Example], fraction: float, seed: int
) -> tuple[list[Example], list[Example]]:
    """(train, valid), each in the input order."""
    chosen = valid_groups([example.group for example in examples], fraction, seed)
    train = [example for example in examples if example.group not in chosen]
    valid = [example for example in examples if example.group in chosen]
    return train, valid
