"""How a failed command ends, under click or not: one `Error: …` line and an exit code.

Known errors (`LamBotError`) keep their message and exit 1, or 2 for usage errors;
anything else is `unexpected` and exits 3, its traceback behind `--debug` or
`LAM_BOT_DEBUG=1`. A reader that went away (`lam-bot validate | head`) is no error to
report: click then exits 1 without a word, and so does the fast path.
"""

from __future__ import annotations

import errno
import os

from lam_bot.errors import LamBotError

UNEXPECTED = 3


def debug_enabled(flag: bool = False) -> bool:
    """`--debug` was given, or LAM_BOT_DEBUG is set to something other than a false word."""
    return flag or os.environ.get("LAM_BOT_DEBUG", "").lower() not in ("", "0", "false", "no")


def error_line(exc: Exception) -> tuple[str, int]:
    """The message after `Error: ` and the exit code that `exc` ends a command with."""
    from lam_bot.report.safe import printable  # messages may quote file names

    if isinstance(exc, LamBotError):
        return printable(str(exc)), 2 if exc.exit_code == 2 else 1
    return printable(
        f"unexpected {type(exc).__name__}: {exc} (rerun with --debug for details)"
    ), UNEXPECTED


def is_broken_pipe(exc: BaseException) -> bool:
    """The reader of our output closed the pipe."""
    return isinstance(exc, OSError) and exc.errno == errno.EPIPE
