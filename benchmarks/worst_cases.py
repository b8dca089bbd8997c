"""Benchmark: the worst inputs known for `validate` and `--fix`, in seconds per case.

Each case is a file of at most 1 MiB (the validator's limit) built to hit one cost:
long lines, many keys, many line breaks of every kind libyaml knows, deep nesting,
regular-expression traps. Each is written to a temporary `.claude/agents/` folder and
run through lam-bot in-process, the best of N runs: `validate` alone on the file as
written, and `validate --fix` (fix, then check what the fix left). The target is under
one second per case on the project's 2-core machine; the last column prints the ratio
of the slower one to that budget. CPU seconds are printed besides wall seconds because
the machine is shared. For a peer, `agnix` (Rust, no fix) is timed on the same file
when it is on PATH.

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


TAGS_THEN_HIDDEN = "<a" * 100 + "> hidden\n"  # every `<` within reach of a real `hidden`
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
    "one line of backticks": lambda: _fill(HEAD + "description: d" + BODY, "`"),
    "list items of backticks": lambda: _fill(HEAD + "description: d" + BODY + "- ", "`"),
    "tags before hidden": lambda: _fill(HEAD + "description: d" + BODY, "<a ", " hidden"),
    "items trailing off": lambda: _fill(HEAD + "description: d" + BODY, "- 1,\n"),
    "credential sigils": lambda: _fill(HEAD + "description: d" + BODY, "$~%"),
    "one line of credentials": lambda: _fill(HEAD + "description: d" + BODY, "$token"),
    "lines of tags, closed": lambda: _fill(HEAD + "description: d" + BODY, TAGS_THEN_HIDDEN),
    "frontmatter never closed": lambda: _fill(HEAD + "description: d\n", "a: b\n"),
    "blank frontmatter lines": lambda: _fill("---\n", "\n", "---\nbody"),
}


def _seconds(action: Callable[[], object]) -> tuple[float, float]:
    """Wall and CPU seconds of `action()`."""
    wall, cpu = time.perf_counter(), time.process_time()
    action()
    return time.perf_counter() - wall, time.process_time() - cpu


def time_case(text: str, runs: int) -> tuple[float, float, float, float]:
    """Best CPU seconds of `validate`, and of `validate --fix` (fix, then check), their
    wall seconds, and agnix's wall seconds on the same file (nan without agnix).

    CPU seconds (this process only) are what the case costs on a machine others share.
    """
    best = [float("inf")] * 4
    agnix = shutil.which("agnix")
    for _ in range(runs):
        with tempfile.TemporaryDirectory() as scratch:
            path = Path(scratch) / ".claude" / "agents" / "worst.md"
            path.parent.mkdir(parents=True)
            path.write_text(text, encoding="utf-8", newline="")
            wall, check = _seconds(lambda: check_paths([scratch]))
            fix_wall, fix = _seconds(lambda: (fix_paths([scratch]), check_paths([scratch])))
            peer = float("nan")
            if agnix:
                peer = _seconds(lambda: subprocess.run([agnix, scratch], capture_output=True))[0]
            found = (check, fix, max(wall, fix_wall), peer)
            best = [min(old, new) for old, new in zip(best, found, strict=True)]
    return best[0], best[1], best[2], best[3] if agnix else float("nan")


def main() -> None:
    """One row per case: CPU seconds to validate and to fix, wall, agnix, ratio to budget."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--case", choices=sorted(CASES), action="append")
    options = parser.parse_args()
    header = f"{'case':38} {'bytes':>8} {'check':>6} {'fix':>6} {'wall':>6} {'agnix':>6}"
    print(header + f" {'/budget':>7}   (seconds; check and fix are CPU)")
    worst = 0.0
    for name in options.case or CASES:
        text = CASES[name]()
        check, fix, wall, peer = time_case(text, options.runs)
        worst = max(worst, check, fix)
        ratio = max(check, fix) / BUDGET_SECONDS
        size = len(text.encode())
        print(f"{name:38} {size:8d} {check:6.3f} {fix:6.3f} {wall:6.3f} {peer:6.3f} {ratio:7.2f}")
    print(f"worst case: {worst:.3f} CPU seconds (budget {BUDGET_SECONDS:.1f} s)")


if __name__ == "__main__":
    main()
