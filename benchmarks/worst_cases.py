"""Benchmark: the worst inputs known for `validate` and `--fix`, in seconds per case.

Each case is a file of at most 1 MiB (the validator's limit) built to hit one cost:
long lines, many keys, many line breaks of every kind libyaml knows, deep nesting,
regular-expression traps. Each is written to a temporary `.claude/agents/` folder and
run through `lam-bot validate --fix --no-cache` in-process (fix, then check), the best
of N runs. The target is under one second per case on the project's 2-core machine;
the last column prints the ratio to that budget. For a peer, `agnix` (Rust, no fix) is
timed on the same file when it is on PATH.

    .venv/bin/python benchmarks/worst_cases.py [--runs 3] [--case NAME]
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from lam_bot.validator import check_paths
from lam_bot.validator.fix import fix_paths
from lam_bot.validator.source import MAX_BYTES

BUDGET_SECONDS = 1.0
HEAD = "---\nname: worst\n"
BODY = "\n---\n\nYou review code. Never push to main; report each finding with its line.\n"


def _fill(prefix: str, unit: str, suffix: str = "") -> str:
    """`prefix` + `unit` repeated + `suffix`, as close to 1 MiB (in UTF-8) as it goes."""
    room = MAX_BYTES - len((prefix + suffix).encode()) - 1
    return prefix + unit * (room // len(unit.encode())) + suffix


def _names(prefix: str) -> str:
    """`prefix`, then distinct tool names that are not Claude Code's, to about 1 MiB."""
    room = MAX_BYTES - len(prefix) - len(BODY) - 1
    names = ", ".join(f"Rxad{number}" for number in range(room // 8))
    return prefix + names[: names.rfind(",", 0, room)] + BODY


def _keys(prefix: str, value: str) -> str:
    """`prefix`, then distinct keys with `value`, to about 1 MiB."""
    line = f"k{0:07d}{value}\n"
    count = (MAX_BYTES - len(prefix) - len(BODY) - 1) // len(line)
    return prefix + "".join(f"k{i:07d}{value}\n" for i in range(count)) + BODY[1:]


CASES: dict[str, Callable[[], str]] = {
    # The plain-description quoting once took quadratic time on blanks.
    "description of blanks with a colon": lambda: _fill(HEAD + "description: a: ", " ", "b" + BODY),
    "description of `: ` pairs": lambda: _fill(HEAD + "description: ", "a: ", BODY),
    "tools line of 1 MiB": lambda: _fill(HEAD + "description: d\ntools: ", "Read, ", "Grep" + BODY),
    "tools line of distinct unknown names": lambda: _names(HEAD + "description: d\ntools: "),
    "tools entry of `mcp__a__a…`": lambda: _fill(
        HEAD + "description: d\ntools: mcp__", "a__", "!" + BODY
    ),
    "table rows of blanks": lambda: _fill(HEAD + "description: d" + BODY + "|-", " ", "x\n"),
    "tools list of 1 MiB": lambda: _fill(HEAD + "description: d\ntools:\n", "  - Task\n", BODY),
    "tools flow list of 1 MiB": lambda: _fill(
        HEAD + "description: d\ntools: [", "Task, ", "Read]" + BODY
    ),
    "keys that need quoting": lambda: _fill(HEAD + "description: d\n", "k: a: b\n", "x: y" + BODY),
    "distinct keys that need quoting": lambda: _keys(HEAD + "description: d\n", ": a: b"),
    "keys, one of them broken": lambda: _fill(
        HEAD + "description: d: e\n", "k0123456: v\n", "x: y" + BODY
    ),
    "U+2028 line breaks": lambda: _fill(HEAD + "description: d\u2028", "\u2028", BODY),
    "mixed line breaks in the body": lambda: _fill(
        HEAD + "description: d" + BODY, "a\r\nb\rc\x85d\u2029"
    ),
    "CRLF file": lambda: _fill(HEAD.replace("\n", "\r\n") + "description: d\r\n---\r\n", "ab\r\n"),
    "deep flow nesting": lambda: _fill(HEAD + "description: d\nx: ", "[", BODY),
    "many anchors": lambda: _fill(HEAD + "description: d\nx: [", "&a a, ", "b]" + BODY),
    "body of headings": lambda: _fill(HEAD + "description: d" + BODY, "# Rules\nnever x\n"),
    "body of one long line": lambda: _fill(HEAD + "description: d" + BODY, "word "),
    "body of fences": lambda: _fill(HEAD + "description: d" + BODY, "```\n~~~\n"),
    "body of table rows": lambda: _fill(HEAD + "description: d" + BODY, "|-|-|-|\n"),
    "frontmatter never closed": lambda: _fill(HEAD + "description: d\n", "a: b\n"),
    "blank frontmatter lines": lambda: _fill("---\n", "\n", "---\nbody"),
}


def time_case(text: str, runs: int) -> tuple[float, float, float]:
    """Best wall and CPU seconds of fix-then-check, and agnix's wall seconds (or nan).

    CPU seconds (this process only) are what the case costs on a machine others share.
    """
    best, cpu, peer = float("inf"), float("inf"), float("inf")
    agnix = shutil.which("agnix")
    for _ in range(runs):
        with tempfile.TemporaryDirectory() as scratch:
            path = Path(scratch) / ".claude" / "agents" / "worst.md"
            path.parent.mkdir(parents=True)
            path.write_text(text, encoding="utf-8", newline="")
            start, start_cpu = time.perf_counter(), time.process_time()
            fix_paths([scratch])
            check_paths([scratch])
            best = min(best, time.perf_counter() - start)
            cpu = min(cpu, time.process_time() - start_cpu)
            if agnix:
                start = time.perf_counter()
                subprocess.run([agnix, scratch], capture_output=True, check=False)
                peer = min(peer, time.perf_counter() - start)
    return best, cpu, peer if agnix else float("nan")


def main() -> None:
    """Print one row per case: seconds, the peer's seconds, and the ratio to the budget."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--case", choices=sorted(CASES), action="append")
    options = parser.parse_args()
    print(f"{'case':38} {'bytes':>8} {'wall s':>7} {'cpu s':>6} {'agnix s':>7} {'cpu/budget':>10}")
    worst = 0.0
    for name in options.case or CASES:
        text = CASES[name]()
        wall, cpu, peer = time_case(text, options.runs)
        worst = max(worst, cpu)
        size = len(text.encode())
        ratio = cpu / BUDGET_SECONDS
        print(f"{name:38} {size:8d} {wall:7.3f} {cpu:6.3f} {peer:7.3f} {ratio:10.2f}")
    print(f"worst case: {worst:.3f} CPU seconds (budget {BUDGET_SECONDS:.1f} s)")


if __name__ == "__main__":
    main()
