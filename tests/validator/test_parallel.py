"""Forked workers: same answers, same order, and a failing child changes nothing."""

from __future__ import annotations

import os
import sys

import pytest

from lam_bot.validator.parallel import map_forked

pytestmark = pytest.mark.skipif(sys.platform != "linux", reason="fork workers run on Linux")
PARENT = os.getpid()


def _square(number: int) -> int:
    return number * number


def _fails_in_children(number: int) -> int:
    if os.getpid() != PARENT:
        raise RuntimeError("a worker died")
    return number + 1


@pytest.mark.parametrize("workers", [1, 2, 3])
def test_results_keep_their_order(workers: int) -> None:
    assert map_forked(_square, list(range(11)), workers) == [n * n for n in range(11)]


def test_a_failing_child_leaves_its_share_to_the_parent() -> None:
    assert map_forked(_fails_in_children, list(range(7)), 2) == list(range(1, 8))
