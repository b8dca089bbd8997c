"""The deterministic, agent-grouped split."""

from __future__ import annotations

from lam_bot.dataset.examples import Example
from lam_bot.dataset.split import split_examples, valid_groups


def examples(groups: int) -> list[Example]:
    return [
        Example(mode, f"agent-{n}", []) for n in range(groups) for mode in ("plan", "execution")
    ]


def test_the_split_is_deterministic_and_keeps_groups_together() -> None:
    train, valid = split_examples(examples(40), 0.15, seed=7)
    assert (train, valid) == split_examples(examples(40), 0.15, seed=7)
    assert {e.group for e in train}.isdisjoint({e.group for e in valid})
    assert len({e.group for e in valid}) == 6  # round(40 x 0.15)
    assert len(valid) == 12


def test_the_seed_changes_the_choice() -> None:
    groups = [f"agent-{n}" for n in range(40)]
    assert valid_groups(groups, 0.15, 1) != valid_groups(groups, 0.15, 2)


def test_small_sets_keep_one_group_on_each_side() -> None:
    assert len(valid_groups(["a", "b"], 0.15, 0)) == 1
    assert len(valid_groups(["a", "b"], 0.9, 0)) == 1
    assert valid_groups(["a"], 0.5, 0) == set()
    assert valid_groups(["a", "b", "c"], 0.0, 0) == set()
