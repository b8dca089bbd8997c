"""Counts shared by every reporter."""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

from lam_bot.validator.model import Diagnostic, FileResult


class Summary(NamedTuple):
    """Totals of one run."""

    files: int
    errors: int
    warnings: int
    files_with_errors: int


def summarize(results: Sequence[FileResult]) -> Summary:
    """Totals over `results`."""
    return Summary(
        files=len(results),
        errors=sum(len(r.errors) for r in results),
        warnings=sum(len(r.warnings) for r in results),
        files_with_errors=sum(1 for r in results if r.errors),
    )


def all_diagnostics(results: Sequence[FileResult]) -> list[Diagnostic]:
    """Every diagnostic, file by file."""
    return [d for r in results for d in r.diagnostics]


def count(number: int, noun: str) -> str:
    """`1 file`, `2 files`."""
    return f"{number} {noun}" if number == 1 else f"{number} {noun}s"
