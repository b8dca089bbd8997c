"""`lam-bot bench`: the model card's 20-prompt benchmark for any backend and model.

suites (data) -> runner (prompt x condition x run -> scored `Result`) -> report (JSON,
key results) -> tables (text, Markdown).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from lam_bot.bench.report import build_report, write_report
from lam_bot.bench.runner import BenchConfig, Result, iter_bench
from lam_bot.bench.tables import build_tables, render_markdown, render_text
from lam_bot.errors import InputError

if TYPE_CHECKING:
    from lam_bot.backends import Backend

__all__ = ["BenchConfig", "Result", "check_output", "run_bench", "save", "text_tables"]


def run_bench(
    config: BenchConfig,
    *,
    backend: Backend | None = None,
    progress: Callable[[Result], None] | None = None,
) -> dict[str, Any]:
    """Run every job of `config` and return the JSON report.

    Ctrl-C ends the run early with the results so far (`"interrupted": true`): on a CPU
    a full run takes many minutes, and what finished is worth keeping.
    """
    start = time.perf_counter()
    results: list[Result] = []
    interrupted = False
    try:
        for result in iter_bench(config, backend):
            results.append(result)
            if progress is not None:
                progress(result)
    except KeyboardInterrupt:
        interrupted = True
    report = build_report(config, results, time.perf_counter() - start)
    report["interrupted"] = interrupted
    return report


def check_output(path: Path | None) -> None:
    """Fail before the run, not after it, when a report cannot be written."""
    if path is None:
        return
    folder = path.parent
    if not folder.is_dir():
        raise InputError(f"{path}: folder {folder} does not exist")
    if path.is_dir():
        raise InputError(f"{path} is a folder")


def text_tables(report: dict[str, Any]) -> str:
    """The report's tables as aligned text."""
    return render_text(build_tables(report))


def save(report: dict[str, Any], *, out: Path | None, markdown: Path | None) -> None:
    """Write the JSON report and the Markdown tables, each atomically."""
    if out is not None:
        write_report(out, report)
    if markdown is not None:
        from lam_bot.files import atomic_write

        atomic_write(markdown, render_markdown(build_tables(report)))
