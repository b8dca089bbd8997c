"""`lam-bot validate` without importing click, which costs more than checking a file.

`main` tries this first. The command line is read by `validate_args.parse_args`; the
work is `validate_run.execute`, the one the click command runs too; a failure ends
as `failures` says, with click's wording. When `parse_args` is unsure, `run_validate`
returns None and click runs the command line instead.
"""

from __future__ import annotations

import codecs
import contextlib
import io
import os
import sys
from collections.abc import Sequence

from lam_bot.cli.failures import debug_enabled, error_line, is_broken_pipe


def run_validate(args: Sequence[str]) -> int | None:
    """The exit code of `lam-bot validate ARGS`, or None when click should run it."""
    try:
        return _run(args)
    except KeyboardInterrupt:
        echo("Aborted!", err=True)
        return 1
    except Exception as exc:
        if is_broken_pipe(exc):
            return _reader_gone()
        if debug_enabled():
            raise
        message, code = error_line(exc)
        echo(f"Error: {message}", err=True)
        return code


def _run(args: Sequence[str]) -> int | None:
    from lam_bot.cli.validate_args import parse_args

    parsed = parse_args(args)
    if parsed is None:
        return None
    from lam_bot.cli.validate_run import execute

    return execute(parsed, echo)


def echo(message: str, *, nl: bool = True, err: bool = False) -> None:
    """`click.echo(message, nl=nl, err=err)`, without click for the usual plain text."""
    stream = sys.stderr if err else sys.stdout
    if stream is None:
        return
    text = message + "\n" if nl else message
    if "\x1b" in text or not _plain(stream):
        import click  # it strips ANSI codes, or re-encodes for an ASCII-only stream

        click.echo(message, nl=nl, err=err)
        return
    stream.write(text)
    stream.flush()


def _plain(stream: object) -> bool:
    """click.echo writes to this stream as it is (click.utils: _force_correct_text_writer)."""
    if not isinstance(stream, io.TextIOWrapper):
        return False
    return codecs.lookup(stream.encoding).name != "ascii"


def _reader_gone() -> int:
    """Exit 1 without a word, as click does; the flush at exit writes nowhere."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(AttributeError, OSError, ValueError):  # no file descriptor
            os.dup2(devnull, stream.fileno())
    os.close(devnull)
    return 1
