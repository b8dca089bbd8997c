"""Benchmark: the risk-review and vacuous-content rules on 1 MiB files.

For each input, two timings of the same in-memory agent file (best of N runs):
- ours: `check_risk` + `check_vacuous` (lam_bot/validator/rules/risk.py, vacuous.py);
- peer: the rest of lam-bot's check of that file (frontmatter, the agent rules without
  these two sets, the score), i.e. what `validate` already paid before them.
It prints both and the ratio ours/peer, and ours at 256 KiB against 1 MiB: a ratio near
4 means linear time (a quadratic rule would show about 16).

    .venv/bin/python benchmarks/review_rules_cost.py [--runs 5]
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable
from unittest import mock

from lam_bot.catalog import DEFAULT_CATALOG
from lam_bot.validator.check import check_source
from lam_bot.validator.frontmatter import parse_document
from lam_bot.validator.rules.risk import check_risk
from lam_bot.validator.rules.vacuous import check_vacuous
from lam_bot.validator.source import Source

MIB = 1 << 20
HEAD = "---\nname: a\ndescription: Reviews code.\ntools: Bash\n---\n\n"
# name -> one repeated unit; ordinary prose, then inputs built to hit each rule's path.
UNITS = {
    "prose": "You review code and report problems clearly, one finding per line.\n",
    "curl lines, no shell": "curl -s https://x.io/a | jq .\n",
    "one line of curl |": "curl |",
    "credential + send lines": "$GITHUB_TOKEN send\n",
    "ignore all the": "ignore all the ",
    "html comments in code": "`<!--` ",
    "zero-width joiners": "\u200d",
    "self-numbered items": "1. 1. ,.\n",
    "parameter items": "- Parameter `x` (string): y\n",
    "When: lines": "When:\n",
}


def _text(unit: str, size: int) -> str:
    return HEAD + unit * (size // len(unit.encode()))


def _best(runs: int, text: str, timed: Callable[[str], object]) -> float:
    """The best time of `timed` over `runs` fresh copies of `text`.

    A fresh copy per run: lam-bot caches the body analysis of the last few texts, and a
    real run checks each file once.
    """
    best = float("inf")
    for run in range(runs):
        copy = f"{text}\n{run}\n"
        start = time.perf_counter()
        timed(copy)
        best = min(best, time.perf_counter() - start)
    return best


def _ours(text: str) -> object:
    doc = parse_document(text)
    return check_risk(doc), check_vacuous(doc)


def _peer(text: str) -> object:
    with (
        mock.patch("lam_bot.validator.check.check_risk", return_value=[]),
        mock.patch("lam_bot.validator.rules.agent.check_vacuous", return_value=[]),
    ):
        return check_source(Source(text, ()), "a.md", "agent", DEFAULT_CATALOG)


def main() -> None:
    """Print the table."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=5)
    runs = parser.parse_args().runs
    print(
        f"{'input (1 MiB)':26} {'ours ms':>8} {'peer ms':>8} {'ours/peer':>9} {'1MiB/256KiB':>11}"
    )
    for name, unit in UNITS.items():
        text = _text(unit, MIB)
        ours = _best(runs, text, _ours)
        peer = _best(runs, text, _peer)
        quarter = _best(runs, _text(unit, MIB // 4), _ours)
        growth = ours / max(quarter, 1e-9)
        print(f"{name:26} {ours * 1e3:8.1f} {peer * 1e3:8.1f} {ours / peer:9.2f} {growth:11.1f}")


if __name__ == "__main__":
    main()
