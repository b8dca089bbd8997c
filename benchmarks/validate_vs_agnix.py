"""Benchmark: `lam-bot validate` against agnix (Rust) on the same files, in the same run.

Two cases, each the median wall time of N cold-start runs:
- one agent file (what a pre-commit hook pays on every commit);
- the whole corpus (../shared/corpus: about 360 agents and 181 skills).

lam-bot is measured from a NON-editable install, as users and pre-commit get it: by
default this script builds one in a temporary virtualenv (click and PyYAML come from
PyPI); `--lam-bot PATH` measures an existing `lam-bot` executable instead.

    .venv/bin/python benchmarks/validate_vs_agnix.py [--runs 20] [--corpus-runs 7]
"""

from __future__ import annotations

import argparse
import json
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import venv
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
CORPUS = REPO.parent / "shared" / "corpus"
ONE_FILE = CORPUS / "voltagent" / "categories" / "01-core-development" / "api-designer.md"
TARGETS = {"one file": [str(ONE_FILE)], "corpus": [str(CORPUS)]}


def build_lam_bot(folder: Path) -> Path:
    """A fresh virtualenv with lam-bot installed from this checkout, not editable."""
    venv.create(folder, with_pip=True)
    pip = [str(folder / "bin" / "python"), "-m", "pip", "install", "-q"]
    subprocess.run([*pip, "click>=8.1", "pyyaml>=6.0.1"], check=True)
    subprocess.run([*pip, "--no-deps", str(REPO)], check=True)
    return folder / "bin" / "lam-bot"


def median_ms(command: list[str], runs: int) -> tuple[float, float]:
    """Median wall and CPU (user + system) milliseconds of `runs` cold starts, after a warm-up.

    CPU time is reported too because wall time swings when other work shares the machine.
    """
    subprocess.run(command, capture_output=True, check=False)
    walls, cpus = [], []
    for _ in range(runs):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        subprocess.run(command, capture_output=True, check=False)
        walls.append((time.perf_counter() - start) * 1000)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu = after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime
        cpus.append(cpu * 1000)
    return statistics.median(walls), statistics.median(cpus)


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
    python = median_ms(
        [str(interpreter if interpreter.exists() else sys.executable), "-c", "pass"], runs
    )
    print(f"peer: `python -c pass` {python[0]:.0f}ms wall, {python[1]:.0f}ms CPU")
    print(f"{'case':<10} {'':<5} {'lam-bot':>10} {'agnix':>10} {'ratio':>7}")
    for case, paths in TARGETS.items():
        count = runs if case == "one file" else corpus_runs
        ours = median_ms([lam_bot, "validate", *paths], count)
        theirs = median_ms([agnix, "--target", "claude-code", *paths], count)
        for label, mine, other in zip(("wall", "CPU"), ours, theirs, strict=True):
            print(f"{case:<10} {label:<5} {mine:>8.0f}ms {other:>8.0f}ms {mine / other:>6.2f}x")
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
        lam_bot = args.lam_bot or str(build_lam_bot(Path(folder) / "venv"))
        report(lam_bot, args.agnix, args.runs, args.corpus_runs)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
