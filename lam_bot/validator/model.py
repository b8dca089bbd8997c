"""The records a validation run produces: diagnostics, rubric items, per-file results."""

from __future__ import annotations

from typing import Any, NamedTuple

ERROR = "error"
WARNING = "warning"
# The kinds of file the validator knows (each has its rule set in lam_bot.validator.rules).
KINDS = ("agent", "skill", "command")


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


class AgentName(NamedTuple):
    """An agent's `name` and where it stands, for the duplicate-name rule."""

    value: str
    line: int
    col: int


class Checked(NamedTuple):
    """One file's result and, for an agent with a string name, that name."""

    result: FileResult
    name: AgentName | None

    def plain(self) -> tuple[Any, ...]:
        """This result as nested tuples of strings and numbers (what `marshal` stores)."""
        result = self.result
        rubric = tuple(map(tuple, result.rubric))
        diagnostics = tuple(map(tuple, result.diagnostics))
        name = None if self.name is None else tuple(self.name)
        return (result.path, result.kind, result.score, rubric, diagnostics), name

    @classmethod
    def from_plain(cls, plain: tuple[Any, ...]) -> Checked:
        """The inverse of `plain`."""
        (path, kind, score, rubric, diagnostics), name = plain
        result = FileResult(
            path,
            kind,
            score,
            tuple(RubricItem(*item) for item in rubric),
            tuple(Diagnostic(*item) for item in diagnostics),
        )
        return cls(result, None if name is None else AgentName(*name))
