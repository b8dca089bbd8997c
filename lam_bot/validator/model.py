"""The records a validation run produces: diagnostics, rubric items, per-file results."""

from __future__ import annotations

from typing import NamedTuple

ERROR = "error"
WARNING = "warning"


class Diagnostic(NamedTuple):
    """One finding, pointing at the offending line (1-based line and column)."""

    path: str
    line: int
    col: int
    rule: str
    severity: str
    message: str


class RubricItem(NamedTuple):
    """One line of the execution-mode score."""

    key: str
    label: str
    points: int
    max_points: int


class FileResult(NamedTuple):
    """Everything found in one file; `score` and `rubric` are for agents only."""

    path: str
    kind: str
    score: int | None
    rubric: tuple[RubricItem, ...]
    diagnostics: tuple[Diagnostic, ...]

    @property
    def errors(self) -> tuple[Diagnostic, ...]:
        """The diagnostics with severity error."""
        return tuple(d for d in self.diagnostics if d.severity == ERROR)

    @property
    def warnings(self) -> tuple[Diagnostic, ...]:
        """The diagnostics with severity warning."""
        return tuple(d for d in self.diagnostics if d.severity == WARNING)


class Finding(NamedTuple):
    """A diagnostic before it knows its file: rules return these."""

    line: int
    col: int
    rule: str
    severity: str
    message: str

    def at(self, path: str) -> Diagnostic:
        """This finding as a diagnostic of `path`."""
        return Diagnostic(path, self.line, self.col, self.rule, self.severity, self.message)


MAX_MESSAGE = 300


def one_line(message: str) -> str:
    """A message on one line and of bounded length, whatever values it quotes."""
    if "\n" in message or "\r" in message or len(message) > MAX_MESSAGE:
        message = " ".join(message.split())
    return message if len(message) <= MAX_MESSAGE else message[: MAX_MESSAGE - 1] + "…"


def error(line: int, col: int, rule: str, message: str) -> Finding:
    """An error finding."""
    return Finding(line, col, rule, ERROR, one_line(message))


def warning(line: int, col: int, rule: str, message: str) -> Finding:
    """A warning finding."""
    return Finding(line, col, rule, WARNING, one_line(message))
