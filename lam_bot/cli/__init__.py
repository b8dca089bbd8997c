"""The `lam-bot` command line.

`main` runs an ordinary `lam-bot validate …` without importing click (see
`lam_bot.cli.fast`); everything else goes to the click group in `lam_bot.cli.group`,
whose names (`cli`, `COMMANDS`, …) this package also offers, imported on first use.
"""

from __future__ import annotations

import os
import sys
from typing import Any


def main(argv: list[str] | None = None) -> int:
    """Console-script entry point."""
    args = sys.argv[1:] if argv is None else argv
    if args[:1] == ["validate"] and _fast_path_allowed():
        from lam_bot.cli.fast import run_validate

        code = run_validate(args[1:])
        if code is not None:
            return code
    from lam_bot.cli.group import cli

    cli.main(args=argv, prog_name="lam-bot")
    return 0


def _fast_path_allowed() -> bool:
    # Elsewhere click expands globs and writes to the Windows console; completion is click's.
    return os.name == "posix" and not os.environ.get("_LAM_BOT_COMPLETE")


# Offered here for `from lam_bot.cli import cli`; click is imported when one is asked for.
_GROUP_NAMES = frozenset(
    {"cli", "COMMANDS", "LazyGroup", "CommandError", "UsageCommandError", "UnexpectedError"}
)


def __getattr__(name: str) -> Any:
    """One of the click group's names, or AttributeError."""
    if name not in _GROUP_NAMES:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    import lam_bot.cli.group

    return getattr(lam_bot.cli.group, name)
