"""The work of `lam-bot validate`, the same whichever parser read the command line."""

from __future__ import annotations

import os
import sys
from typing import Protocol

from lam_bot.cli.validate_args import ValidateArgs
from lam_bot.report import default_format, reporter
from lam_bot.validator import apply_min_score, check_paths, exit_code


class Echo(Protocol):
    """`click.echo`, or the fast path's copy of it."""

    def __call__(self, message: str, *, nl: bool = ..., err: bool = ...) -> None: ...


def execute(args: ValidateArgs, echo: Echo) -> int:
    """Fix when asked, check, print the report; the exit code."""
    for stream in (sys.stdout, sys.stderr):
        _tolerant(stream)
    from lam_bot.report.safe import printable

    targets = list(args.paths) or ["."]
    if args.fix:
        from lam_bot.validator.fix import fix_paths

        for change in fix_paths(targets, args.kind):
            if not change.applied:  # a file left alone is said even under --quiet
                echo(printable(str(change)), err=True)
            elif not args.quiet:
                echo(f"fixed {printable(str(change))}", err=True)
    notes = None if args.quiet else (lambda message: echo(printable(message), err=True))
    results = check_paths(targets, args.kind, cache=not args.no_cache, notes=notes)
    if not results and not args.quiet:
        echo("no agent, skill or command files found", err=True)
    if args.min_score is not None:
        results = apply_min_score(results, args.min_score)
    render = reporter(args.format or default_format(os.environ))
    echo(render(results), nl=False)
    return exit_code(results, args.strict)


def _tolerant(stream: object) -> None:
    """A character the output encoding lacks (text from a file on a latin-1 or ASCII
    terminal) is written as a backslash escape instead of ending the run."""
    reconfigure = getattr(stream, "reconfigure", None)
    if reconfigure is not None and getattr(stream, "errors", None) == "strict":
        reconfigure(errors="backslashreplace")
