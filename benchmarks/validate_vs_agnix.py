"""Benchmark: `lam-bot validate` against agnix (Rust) on the same files, in the same run.

Each case is timed over N fresh processes of both tools taken in turn (median and best):
- one agent file, without lam-bot's result cache (what a pre-commit hook pays at worst);
- the whole corpus (../shared/corpus: about 360 agents and 181 skills) without the cache;
- the whole corpus again with the cache filled by the run before (an unchanged collection).

lam-bot is measured from a NON-editable install, as users and pre-commit get it: by
default this script builds one in a temporary virtualenv (click and PyYAML come from
PyPI); `--lam-bot PATH` measures an existing `lam-bot` executable instead.

    .venv/bin/python benchmarks/validate_vs_agnix.py [--runs 20] [--corpus-runs 7]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import venv
from pathlib import Path
from typing import NamedTuple

REPO = Path(__file__).resolve().parents[1]
CORPUS = REPO.parent / "shared" / "corpus"
ONE_FILE = CORPUS / "voltagent" / "categories" / "01-core-development" / "api-designer.md"
# case -> (lam-bot's validate options, paths). "cold": no result cache, every file is
# checked; "warm": lam-bot's second and later runs over unchanged files (agnix has no
# cache, so its side is the same command in every case).
CASES = {
    "one file, cold": (["--no-cache"], [str(ONE_FILE)]),
    "corpus, cold": (["--no-cache"], [str(CORPUS)]),
    "corpus, warm": ([], [str(CORPUS)]),
}


def build_lam_bot(folder: Path) -> Path:
    """A fresh virtualenv with lam-bot installed from this checkout, not editable."""
    venv.create(folder, with_pip=True)
    pip = [str(folder / "bin" / "python"), "-m", "pip", "install", "-q"]
    subprocess.run([*pip, "click>=8.1", "pyyaml>=6.0.1"], check=True)
    subprocess.run([*pip, "--no-deps", str(REPO)], check=True)
    return folder / "bin" / "lam-bot"


class Timing(NamedTuple):
    """Wall and CPU (user + system) milliseconds of each run of one command."""

    walls: list[float]
    cpus: list[float]


def _run_once(command: list[str], timing: Timing) -> None:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(command, capture_output=True, check=False)
    timing.walls.append((time.perf_counter() - start) * 1000)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    timing.cpus.append((after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime) * 1000)


def time_alternately(commands: list[list[str]], runs: int) -> list[Timing]:
    """`runs` cold starts of each command, taken in turn (a, b, a, b, ...) after a warm-up.

    Taking them in turn means a slow spell of the machine hits every command alike, so
    the ratio of medians holds even when the absolute figures drift. CPU time is
    reported too because wall time swings when other work shares the machine.
    """
    timings = [Timing([], []) for _ in commands]
    for command in commands:
        subprocess.run(command, capture_output=True, check=False)
    for _ in range(runs):
        for command, timing in zip(commands, timings, strict=True):
            _run_once(command, timing)
    return timings


def lam_bot_counts(lam_bot: str) -> dict[str, int]:
    """lam-bot's totals on the corpus (files, errors, warnings, files with errors)."""
    command = [lam_bot, "validate", "--format", "json", str(CORPUS)]
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    summary: dict[str, int] = json.loads(result.stdout)["summary"]
    return summary


def agnix_summary(agnix: str) -> str:
    """agnix's own last summary lines on the corpus, for comparison."""
    result = subprocess.run(
        [agnix, "--target", "claude-code", str(CORPUS)], capture_output=True, text=True, check=False
    )
    lines = [line.strip() for line in result.stdout.splitlines() if line.strip()]
    return " / ".join(lines[-2:])


def report(lam_bot: str, agnix: str, runs: int, corpus_runs: int) -> None:
    """Print one line per case: both medians and the ratio."""
    print(f"lam-bot: {lam_bot}\nagnix:   {agnix}")
    # The peer is the interpreter lam-bot runs on (its venv's python), doing nothing.
    interpreter = Path(lam_bot).parent / "python"
    (python,) = time_alternately(
        [[str(interpreter if interpreter.exists() else sys.executable), "-c", "pass"]], runs
    )
    wall, cpu = statistics.median(python.walls), statistics.median(python.cpus)
    print(f"peer: `python -c pass` {wall:.0f}ms wall, {cpu:.0f}ms CPU (medians)")
    print(f"{'case':<14} {'':<5} {'lam-bot':>17} {'agnix':>17} {'ratio':>7}")
    print(f"{'':<20} {'median':>8} {'min':>8} {'median':>8} {'min':>8} {'(med)':>7}")
    for case, (options, paths) in CASES.items():
        count = runs if case.startswith("one file") else corpus_runs
        ours, theirs = time_alternately(
            [[lam_bot, "validate", *options, *paths], [agnix, "--target", "claude-code", *paths]],
            count,
        )
        for label, mine, other in (
            ("wall", ours.walls, theirs.walls),
            ("CPU", ours.cpus, theirs.cpus),
        ):
            a, b = statistics.median(mine), statistics.median(other)
            print(
                f"{case:<14} {label:<5} {a:>7.0f}ms {min(mine):>6.0f}ms "
                f"{b:>7.0f}ms {min(other):>6.0f}ms {a / b:>6.2f}x"
            )
    print(f"lam-bot corpus counts: {lam_bot_counts(lam_bot)}")
    print(f"agnix corpus summary:  {agnix_summary(agnix)}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=20, help="runs per one-file case")
    parser.add_argument("--corpus-runs", type=int, default=7, help="runs per corpus case")
    parser.add_argument("--lam-bot", help="an installed lam-bot executable to measure")
    parser.add_argument("--agnix", default=str(Path(sys.executable).parent / "agnix"))
    args = parser.parse_args()
    if not CORPUS.is_dir():
        print(f"no corpus at {CORPUS}", file=sys.stderr)
        return 1
    if not Path(args.agnix).exists() and shutil.which("agnix") is None:
        print("agnix is not installed (pip install agnix)", file=sys.stderr)
        return 1
    with tempfile.TemporaryDirectory(prefix="lam-bot-bench-") as folder:
        os.environ["LAM_BOT_CACHE_DIR"] = str(Path(folder) / "cache")  # not the user's cache
        lam_bot = args.lam_bot or str(build_lam_bot(Path(folder) / "venv"))
        report(lam_bot, args.agnix, args.runs, args.corpus_runs)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
