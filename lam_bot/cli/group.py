"""The `lam-bot` click group; each subcommand lives in its own module, imported on use.

Commands end with `ctx.exit(code)` for a non-zero exit code; errors end as
`lam_bot.cli.failures` says.
"""

from __future__ import annotations

import importlib
from typing import Any

import click

from lam_bot import __version__
from lam_bot.catalog import CLAUDE_CODE_VERSION
from lam_bot.cli.failures import debug_enabled, error_line, is_broken_pipe

# name -> "module:attribute"; loading lazily keeps `validate` free of heavy imports.
COMMANDS = {
    "validate": "lam_bot.cli.validate:validate",
    "generate": "lam_bot.cli.generate:generate",
    "handle-issue": "lam_bot.cli.handle_issue:handle_issue",
    "bench": "lam_bot.cli.bench:bench",
    "dataset": "lam_bot.cli.dataset:dataset",
    "finetune": "lam_bot.cli.finetune:finetune",
}


class CommandError(click.ClickException):
    """A known error on its way out as `Error: <message>` and exit code 1."""


class UsageCommandError(CommandError):
    """A usage or configuration error: exit code 2."""

    exit_code = 2


class UnexpectedError(CommandError):
    """An error nobody planned for: exit code 3, traceback behind --debug."""

    exit_code = 3


ERRORS_BY_CODE: dict[int, type[CommandError]] = {
    1: CommandError,
    2: UsageCommandError,
    3: UnexpectedError,
}


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
        except (click.ClickException, click.exceptions.Exit, click.Abort, SystemExit):
            raise
        except KeyboardInterrupt:
            raise click.Abort() from None
        except Exception as exc:
            # click's own handler ends a broken pipe quietly with exit code 1
            if is_broken_pipe(exc) or debug_enabled(bool(ctx.params.get("debug"))):
                raise
            message, code = error_line(exc)
            raise ERRORS_BY_CODE[code](message) from exc


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(
    __version__,
    "-V",
    "--version",
    prog_name="lam-bot",
    message=f"%(prog)s, version %(version)s (catalog: Claude Code {CLAUDE_CODE_VERSION})",
)
@click.option("--debug", is_flag=True, help="Show tracebacks for unexpected errors.")
def cli(debug: bool) -> None:
    """Design, validate and ship Claude Code agents."""
