"""The `lam-bot` command group; each subcommand lives in its own module, imported on use.

Commands end with `ctx.exit(code)` for a non-zero exit code. Known errors
(`LamBotError`) become one `Error: …` line on stderr and their exit code; anything
else becomes one line too, with the traceback behind `--debug` / `LAM_BOT_DEBUG=1`.
"""

from __future__ import annotations

import importlib
import os
from typing import Any

import click

from lam_bot import __version__
from lam_bot.errors import LamBotError

# name -> "module:attribute"; loading lazily keeps `validate` free of heavy imports.
COMMANDS = {
    "validate": "lam_bot.cli.validate:validate",
    "generate": "lam_bot.cli.generate:generate",
    "handle-issue": "lam_bot.cli.handle_issue:handle_issue",
    "bench": "lam_bot.cli.bench:bench",
}


class CommandError(click.ClickException):
    """A known error on its way out as `Error: <message>` and exit code 1."""


class UsageCommandError(CommandError):
    """A usage or configuration error: exit code 2."""

    exit_code = 2


class UnexpectedError(CommandError):
    """An error nobody planned for: exit code 3, traceback behind --debug."""

    exit_code = 3


def _command_error(exc: LamBotError) -> CommandError:
    return UsageCommandError(str(exc)) if exc.exit_code == 2 else CommandError(str(exc))


def _debug(ctx: click.Context) -> bool:
    flag = os.environ.get("LAM_BOT_DEBUG", "").lower() not in ("", "0", "false", "no")
    return flag or bool(ctx.params.get("debug"))


class LazyGroup(click.Group):
    """A group whose commands are imported only when they are run or listed."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        target = COMMANDS.get(cmd_name)
        if target is None:
            return None
        module, _, attribute = target.partition(":")
        command: click.Command = getattr(importlib.import_module(module), attribute)
        return command

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except LamBotError as exc:
            if _debug(ctx):
                raise
            raise _command_error(exc) from exc
        except (click.ClickException, click.exceptions.Exit, click.Abort, SystemExit):
            raise
        except KeyboardInterrupt:
            raise click.Abort() from None
        except Exception as exc:
            if _debug(ctx):
                raise
            message = f"unexpected {type(exc).__name__}: {exc} (rerun with --debug for details)"
            raise UnexpectedError(message) from exc


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "-V", "--version", prog_name="lam-bot")
@click.option("--debug", is_flag=True, help="Show tracebacks for unexpected errors.")
def cli(debug: bool) -> None:
    """Design, validate and ship Claude Code agents."""


def main(argv: list[str] | None = None) -> int:
    """Console-script entry point."""
    cli.main(args=argv, prog_name="lam-bot")
    return 0
