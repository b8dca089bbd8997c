"""`lam-bot bench`: the model card's benchmark on any backend and model."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from lam_bot.bench.suites import SUITE_CHOICES
from lam_bot.cli.options import generation_options_for, settings_from_options

if TYPE_CHECKING:
    from lam_bot.bench.runner import Result


def _counter(total: int) -> Callable[[Result], None]:
    """One stderr line per finished prompt: readable in a terminal and in CI logs alike."""
    done = itertools.count(1)

    def show(result: Result) -> None:
        verdict = f"score {result.score}" + (f"  error: {result.error}" if result.error else "")
        where = f"{result.suite} {result.prompt_id} ({result.condition}, run {result.run})"
        click.echo(f"[{next(done)}/{total}] {where}: {verdict}", err=True)

    return show


@click.command()
@click.option("--suite", type=click.Choice(list(SUITE_CHOICES)), default="all", show_default=True)
@click.option(
    "--compare-repetition",
    is_flag=True,
    help="Run every prompt both standard and with repeated instruction.",
)
@click.option(
    "--constrained/--unconstrained",
    default=True,
    show_default=True,
    help="Grammar-constrained decoding (off: the seed's prompt-only technique).",
)
@click.option(
    "--compare-constraint", is_flag=True, help="Run constrained and unconstrained side by side."
)
@click.option("--runs", type=click.IntRange(1, 100), default=1, show_default=True)
@click.option(
    "--out", type=click.Path(dir_okay=False, path_type=Path), help="Write the JSON report here."
)
@click.option(
    "--markdown",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write the tables as Markdown here.",
)
# The card measures single-shot pass rates: retries only when asked for.
@generation_options_for(attempts=1)
@click.option("-q", "--quiet", is_flag=True, help="No progress on stderr.")
@click.pass_context
def bench(
    ctx: click.Context,
    suite: str,
    compare_repetition: bool,
    constrained: bool,
    compare_constraint: bool,
    runs: int,
    out: Path | None,
    markdown: Path | None,
    quiet: bool,
    **options: Any,
) -> None:
    """Run the model card's 20-prompt benchmark and print its tables.

    Every prompt of the suite runs under each condition (standard prompt or repeated
    instruction; constrained or unconstrained decoding) `--runs` times. One failed
    prompt is recorded, not fatal. `--attempts` defaults to 1 here: the card's pass
    rates are single-shot. Ctrl-C stops early, keeps what finished and exits 130.
    """
    from lam_bot.bench import BenchConfig, check_output, run_bench, save, text_tables

    for path in (out, markdown):
        check_output(path)
    settings = settings_from_options(**options)
    config = BenchConfig(
        settings,
        suite=suite,
        runs=runs,
        repeats=(False, True) if compare_repetition else (settings.repeat,),
        constraints=(True, False) if compare_constraint else (constrained,),
    )
    report = run_bench(config, progress=None if quiet else _counter(len(config.jobs())))
    save(report, out=out, markdown=markdown)
    click.echo(text_tables(report), nl=False)
    if report["interrupted"]:
        click.echo(f"Interrupted: {len(report['results'])} results kept.", err=True)
        ctx.exit(130)
    _fail_without_replies(report["results"])


def _fail_without_replies(results: list[dict[str, Any]]) -> None:
    """Exit 1 when no prompt got any reply: the tables then measure the setup, not a model."""
    from lam_bot.errors import BackendError

    if results and not any(r["reply"] or r["completion_tokens"] for r in results):
        first = results[0]["error"] or "no reply"
        raise BackendError(f"no prompt got a reply from the model (first error: {first})")
