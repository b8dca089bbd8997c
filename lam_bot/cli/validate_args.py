"""The command line of `lam-bot validate` as data, and a click-free parser for it.

`OPTIONS` is the one description of the options: the click command is built from it,
and `parse_args` reads the common command lines with it. `parse_args` only accepts
what it understands completely and click would parse to the same values; anything
else (`--help`, an unknown option, a bad value, a path that does not exist) gives
None, and click parses and reports it instead.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Sequence
from typing import Any, NamedTuple

from lam_bot.report import REPORTERS
from lam_bot.validator.model import KINDS


class Option(NamedTuple):
    """One option: its parameter name, flags and help; a choice, a bounded integer or a flag."""

    name: str
    flags: tuple[str, ...]
    help: str
    choices: tuple[str, ...] = ()
    bounds: tuple[int, int] | None = None

    @property
    def is_flag(self) -> bool:
        """True for an option that takes no value."""
        return not self.choices and self.bounds is None

    def convert(self, text: str) -> str | int | None:
        """`text` as this option's value, or None when it is not plainly valid."""
        if self.choices:
            return text if text in self.choices else None
        if self.bounds is None or not (text.isascii() and text.isdigit()):
            return None
        low, high = self.bounds
        return int(text) if low <= int(text) <= high else None


OPTIONS = (
    Option(
        "kind",
        ("--kind",),
        "Check named files (and .md under named folders) as this kind.",
        choices=KINDS,
    ),
    Option(
        "format",
        ("--format",),
        "Report format [default: github under GitHub Actions, else text].",
        choices=tuple(sorted(REPORTERS)),
    ),
    Option("strict", ("--strict",), "Warnings count as errors for the exit code."),
    Option("min_score", ("--min-score",), "An agent scoring lower is an error.", bounds=(0, 100)),
    Option("fix", ("--fix",), "Apply safe rewrites in place first, and report them."),
    Option(
        "no_cache",
        ("--no-cache",),
        "Check every file again instead of reusing the results of unchanged files.",
    ),
    Option("quiet", ("-q", "--quiet"), "No progress on stderr."),
)
_BY_FLAG = {flag: option for option in OPTIONS for flag in option.flags}


class ValidateArgs(NamedTuple):
    """A parsed `lam-bot validate` command line (the names are the options' names)."""

    paths: tuple[str, ...] = ()
    kind: str | None = None
    format: str | None = None
    strict: bool = False
    min_score: int | None = None
    fix: bool = False
    no_cache: bool = False
    quiet: bool = False


def parse_args(args: Sequence[str]) -> ValidateArgs | None:
    """What click would parse from ARGS (after `validate`), or None to leave it to click."""
    values: dict[str, Any] = {}
    paths: list[str] = []
    tokens = iter(args)
    for token in tokens:
        if token == "--":
            paths += tokens
        elif token.startswith("-") and token != "-":
            named = _option_value(token, tokens)
            if named is None:
                return None
            values[named[0]] = named[1]  # given twice, the last one counts, as in click
        else:
            paths.append(token)
    if not all(map(_readable, paths)):
        return None
    return ValidateArgs(tuple(paths))._replace(**values)


def _option_value(token: str, rest: Iterator[str]) -> tuple[str, object] | None:
    """The option `token` names and its value (the next token, or after `=`), or None."""
    flag, equals, inline = token.partition("=") if token.startswith("--") else (token, "", "")
    option = _BY_FLAG.get(flag)
    if option is None or (option.is_flag and equals):
        return None
    if option.is_flag:
        return option.name, True
    text = inline if equals else next(rest, None)
    value = None if text is None else option.convert(text)
    return None if value is None else (option.name, value)


def _readable(path: str) -> bool:
    """click.Path(exists=True) accepts it: it exists and can be read."""
    try:
        os.stat(path)
    except (OSError, ValueError):
        return False
    return os.access(path, os.R_OK)
