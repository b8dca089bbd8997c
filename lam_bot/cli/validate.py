"""`lam-bot validate`: check agent, skill and command files as Claude Code loads them."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import click

from lam_bot.cli.validate_args import OPTIONS, Option, ValidateArgs
from lam_bot.cli.validate_run import execute

F = TypeVar("F", bound=Callable[..., Any])


def _click_option(option: Option) -> Callable[[F], F]:
    if option.is_flag:
        return click.option(*option.flags, option.name, is_flag=True, help=option.help)
    return click.option(*option.flags, option.name, type=_param_type(option), help=option.help)


def _param_type(option: Option) -> click.ParamType:
    if option.choices:
        return click.Choice(option.choices)
    low, high = option.bounds or (None, None)
    return click.IntRange(low, high)


def _with_options(function: F) -> F:
    """Every option of `OPTIONS`, in its order."""
    for option in reversed(OPTIONS):
        function = _click_option(option)(function)
    return function


@click.command()
@click.argument("paths", nargs=-1, type=click.Path(exists=True))
@_with_options
@click.pass_context
def validate(ctx: click.Context, **params: Any) -> None:
    """Check agent, skill and command files (default: the current folder).

    Exit 0 without errors, 1 with errors (or warnings under --strict), 2 on a usage error.
    """
    ctx.exit(execute(ValidateArgs(**params), click.echo))
