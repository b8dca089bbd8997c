"""The validator: checks agent, skill and command files the way Claude Code loads them.

    paths -> discover -> read -> frontmatter -> rules[kind] -> score -> FileResult

`check_text` checks text in memory (the generator's gate); `check_paths` checks files
and directories and adds the one rule that needs several files: two agents with the
same name in one scope (the later one in path order gets the error).
"""

from __future__ import annotations

import gc
import os
import sys
from collections.abc import Sequence
from functools import partial
from typing import Any, NamedTuple

from lam_bot.catalog import DEFAULT_CATALOG, Catalog, catalog_for
from lam_bot.validator.discover import Target, discover
from lam_bot.validator.frontmatter import Document, parse_document
from lam_bot.validator.model import Diagnostic, FileResult, Finding, RubricItem, error
from lam_bot.validator.rules import KINDS, RULES
from lam_bot.validator.score import score_agent
from lam_bot.validator.source import Source, read_source, text_source

__all__ = [
    "KINDS",
    "Diagnostic",
    "FileResult",
    "RubricItem",
    "apply_min_score",
    "check_paths",
    "check_text",
    "exit_code",
]


# Below this many files one process is faster than forking workers.
PARALLEL_MIN_FILES = 100


class _Name(NamedTuple):
    value: str
    line: int
    col: int


class _Checked(NamedTuple):
    result: FileResult
    name: _Name | None  # an agent's name, for the duplicate-name rule


def check_text(
    text: str, path: str = "<memory>", kind: str = "agent", catalog: Catalog = DEFAULT_CATALOG
) -> FileResult:
    """Validate in-memory text as a file of `kind` shown as `path`."""
    return _check(text_source(text), path, kind, catalog).result


def check_paths(
    paths: Sequence[str | os.PathLike[str]],
    kind: str | None = None,
    catalog: Catalog | None = None,
) -> list[FileResult]:
    """Validate the files under `paths` (see `lam_bot.validator.discover`), in path order."""
    targets = discover(paths, kind)
    if catalog is None:
        catalog = catalog_for(paths)
    workers = _workers(len(targets))
    collecting = gc.isenabled()
    gc.disable()  # checking makes no reference cycles: collections would only cost time
    try:
        if workers > 1:
            checked = _check_in_parallel(targets, catalog, workers)
        else:
            checked = [_check_target(t, catalog) for t in targets]
    finally:
        if collecting:
            gc.enable()
    return _with_duplicates(targets, checked)


def _workers(files: int) -> int:
    if files < PARALLEL_MIN_FILES or sys.platform != "linux":
        return 1  # fork is cheap and safe on Linux; elsewhere start-up would eat the gain
    return min(os.cpu_count() or 1, 8)


def _check_in_parallel(targets: Sequence[Target], catalog: Catalog, workers: int) -> list[_Checked]:
    from lam_bot.validator.parallel import map_forked

    plain = map_forked(partial(_check_plain, catalog=catalog), targets, workers)
    return [_from_plain(checked) for checked in plain]


# A _Checked as nested plain tuples, the form that crosses between worker processes.
_Plain = tuple[tuple[Any, ...], Any]


def _check_plain(target: Target, catalog: Catalog) -> _Plain:
    result, name = _check_target(target, catalog)
    rubric = tuple(map(tuple, result.rubric))
    diagnostics = tuple(map(tuple, result.diagnostics))
    plain_name = None if name is None else tuple(name)
    return (result.path, result.kind, result.score, rubric, diagnostics), plain_name


def _from_plain(plain: _Plain) -> _Checked:
    (path, kind, score, rubric, diagnostics), name = plain
    result = FileResult(
        path,
        kind,
        score,
        tuple(RubricItem(*item) for item in rubric),
        tuple(Diagnostic(*item) for item in diagnostics),
    )
    return _Checked(result, None if name is None else _Name(*name))


def _check_target(target: Target, catalog: Catalog) -> _Checked:
    return _check(read_source(target.path), target.display, target.kind, catalog)


def _check(source: Source, path: str, kind: str, catalog: Catalog) -> _Checked:
    if kind not in RULES:
        from lam_bot.errors import UsageError

        raise UsageError(f"unknown kind {kind!r} (choose from {', '.join(KINDS)})")
    findings: list[Finding] = list(source.findings)
    document = None
    if source.text is not None:
        document = parse_document(source.text)
        findings += document.findings
        findings += RULES[kind](document, path, catalog)
    score, rubric = score_agent(document, findings, catalog) if kind == "agent" else (None, ())
    return _Checked(_result(path, kind, score, rubric, findings), _agent_name(document, kind))


def _agent_name(document: Document | None, kind: str) -> _Name | None:
    field = document.fields.get("name") if document and kind == "agent" else None
    if field is None or not isinstance(field.value, str):
        return None
    return _Name(field.value, field.line, field.col)


def _result(
    path: str,
    kind: str,
    score: int | None,
    rubric: tuple[RubricItem, ...],
    findings: Sequence[Finding],
) -> FileResult:
    ordered = sorted(findings, key=lambda f: (f.line, f.col, f.rule))
    return FileResult(path, kind, score, rubric, tuple(f.at(path) for f in ordered))


def _with_duplicates(targets: Sequence[Target], checked: Sequence[_Checked]) -> list[FileResult]:
    first: dict[tuple[str, str], str] = {}
    results = []
    for target, (result, name) in zip(targets, checked, strict=True):
        if name is not None:
            key = (target.scope, name.value)
            if key in first:
                message = f"agent name `{name.value}` is already used by {first[key]}"
                extra = error(name.line, name.col, "name-duplicate", message).at(result.path)
                diagnostics = sorted((*result.diagnostics, extra), key=lambda d: (d.line, d.col))
                result = result._replace(diagnostics=tuple(diagnostics))
            else:
                first[key] = result.path
        results.append(result)
    return results


def apply_min_score(results: Sequence[FileResult], minimum: int) -> list[FileResult]:
    """Turn an agent score below `minimum` into an error diagnostic."""
    updated = []
    for result in results:
        if result.score is not None and result.score < minimum:
            missed = ", ".join(i.key for i in result.rubric if i.points < i.max_points)
            message = f"score {result.score} is below --min-score {minimum} (missed: {missed})"
            extra = Diagnostic(result.path, 1, 1, "score-low", "error", message)
            result = result._replace(diagnostics=(extra, *result.diagnostics))
        updated.append(result)
    return updated


def exit_code(results: Sequence[FileResult], strict: bool = False) -> int:
    """1 when any file has errors (or warnings, when strict), else 0."""
    failing = any(r.errors or (strict and r.warnings) for r in results)
    return 1 if failing else 0
