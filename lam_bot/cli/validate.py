"""`lam-bot validate`: check agent, skill and command files as Claude Code loads them."""

from __future__ import annotations

import os
from pathlib import Path

import click

from lam_bot.report import REPORTERS, default_format
from lam_bot.validator import KINDS, apply_min_score, check_paths, exit_code


@click.command()
@click.argument("paths", nargs=-1, type=click.Path(exists=True, path_type=Path))
@click.option(
    "--kind",
    type=click.Choice(KINDS),
    help="Check named files (and .md under named folders) as this kind.",
)
@click.option(
    "--format",
    "format_",
    type=click.Choice(sorted(REPORTERS)),
    help="Report format [default: github under GitHub Actions, else text].",
)
@click.option("--strict", is_flag=True, help="Warnings count as errors for the exit code.")
@click.option(
    "--min-score", type=click.IntRange(0, 100), help="An agent scoring lower is an error."
)
@click.option("--fix", is_flag=True, help="Apply safe rewrites in place first, and report them.")
@click.option("-q", "--quiet", is_flag=True, help="No progress on stderr.")
@click.pass_context
def validate(
    ctx: click.Context,
    paths: tuple[Path, ...],
    kind: str | None,
    format_: str | None,
    strict: bool,
    min_score: int | None,
    fix: bool,
    quiet: bool,
) -> None:
    """Check agent, skill and command files (default: the current folder).

    Exit 0 without errors, 1 with errors (or warnings under --strict), 2 on a usage error.
    """
    targets = list(paths) or [Path(".")]
    if fix:
        from lam_bot.validator.fix import fix_paths

        for change in fix_paths(targets, kind):
            if not quiet:
                click.echo(f"fixed {change}", err=True)
    results = check_paths(targets, kind)
    if not results and not quiet:
        click.echo("no agent, skill or command files found", err=True)
    if min_score is not None:
        results = apply_min_score(results, min_score)
    click.echo(REPORTERS[format_ or default_format(dict(os.environ))](results), nl=False)
    ctx.exit(exit_code(results, strict))
