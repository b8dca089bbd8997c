"""The validator: checks agent, skill and command files the way Claude Code loads them.

    paths -> discover -> read -> frontmatter -> rules[kind] -> score -> FileResult

`check_text` checks text in memory (the generator's gate); `check_paths` checks files
and directories and adds the one rule that needs several files: two agents with the
same name in one scope (the later one in path order gets the error). When a file is
named on the command line (pre-commit passes only the changed ones), the other agent
files of its scope are read for their names too, without reporting their findings.
"""

from __future__ import annotations

import gc
import os
import sys
from collections.abc import Sequence
from functools import partial
from typing import Any

from lam_bot.catalog import DEFAULT_CATALOG, Catalog, catalog_for
from lam_bot.validator.discover import Notes, Target, discover, scope_agents
from lam_bot.validator.model import (
    KINDS,
    AgentName,
    Checked,
    Diagnostic,
    FileResult,
    RubricItem,
    error,
)
from lam_bot.validator.scope import explain, with_problem
from lam_bot.validator.source import read_source, text_source

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


def check_text(
    text: str, path: str = "<memory>", kind: str = "agent", catalog: Catalog = DEFAULT_CATALOG
) -> FileResult:
    """Validate in-memory text as a file of `kind` shown as `path`."""
    from lam_bot.validator.check import check_source

    return check_source(text_source(text), path, kind, catalog).result


def check_paths(
    paths: Sequence[str | os.PathLike[str]],
    kind: str | None = None,
    catalog: Catalog | None = None,
    cache: bool = False,
    notes: Notes | None = None,
) -> list[FileResult]:
    """Validate the files under `paths` (see `lam_bot.validator.discover`), in path order.

    With `cache`, results of files unchanged since an earlier run are reused (see
    `lam_bot.validator.cache`) and the new ones stored. `notes` receives discovery's
    one-line notes (files skipped on purpose).
    """
    targets = discover(paths, kind, notes)
    others = _scope_others(targets)
    if catalog is None:
        catalog = catalog_for(paths)
    checked = _check_cached(targets, catalog) if cache else _check_all(targets, catalog)
    results = [explain(t, with_problem(t, c.result)) for t, c in zip(targets, checked, strict=True)]
    names = [(t, c.name) for t, c in zip(targets, checked, strict=True)]
    names += [(other, _name_only(other)) for other in others]
    return _with_duplicates(results, names, len(targets))


def _name_only(target: Target) -> AgentName | None:
    """The agent name of a file read only for the duplicate-name rule (never reported)."""
    from lam_bot.validator.check import agent_name

    return agent_name(read_source(target.path))


def _check_cached(targets: Sequence[Target], catalog: Catalog) -> list[Checked]:
    from lam_bot.validator.cache import open_cache

    store = open_cache(catalog)
    found = [None if t.outside_plugin else store.get(t) for t in targets]
    todo = [target for target, hit in zip(targets, found, strict=True) if hit is None]
    fresh = iter(_check_all(todo, catalog))
    checked = [hit or next(fresh) for hit in found]
    for target, hit, result in zip(targets, found, checked, strict=True):
        if hit is None and not target.outside_plugin:
            store.put(target, result)
    store.save()
    return checked


def _scope_others(targets: Sequence[Target]) -> list[Target]:
    """The other agent files of the scopes that files named on the command line belong to."""
    seen = {os.path.abspath(target.path) for target in targets}
    scopes = {(t.scope, t.origin): t for t in targets if t.named and t.kind == "agent"}
    others: dict[str, Target] = {}
    for target in scopes.values():
        for other in scope_agents(target):
            key = os.path.abspath(other.path)
            if key not in seen:
                others.setdefault(key, other)
    return sorted(others.values(), key=lambda t: t.display)


def _check_all(targets: Sequence[Target], catalog: Catalog) -> list[Checked]:
    workers = _workers(len(targets))
    collecting = gc.isenabled()
    gc.disable()  # checking makes no reference cycles: collections would only cost time
    try:
        if workers > 1:
            return _check_in_parallel(targets, catalog, workers)
        return [_check_target(t, catalog) for t in targets]
    finally:
        if collecting:
            gc.enable()


def _workers(files: int) -> int:
    if files < PARALLEL_MIN_FILES or sys.platform != "linux":
        return 1  # fork is cheap and safe on Linux; elsewhere start-up would eat the gain
    return min(os.cpu_count() or 1, 8)


def _check_in_parallel(targets: Sequence[Target], catalog: Catalog, workers: int) -> list[Checked]:
    from lam_bot.validator.parallel import map_forked

    plain = map_forked(partial(_check_plain, catalog=catalog), targets, workers)
    return [Checked.from_plain(checked) for checked in plain]


def _check_plain(target: Target, catalog: Catalog) -> tuple[Any, ...]:
    return _check_target(target, catalog).plain()


def _check_target(target: Target, catalog: Catalog) -> Checked:
    from lam_bot.validator.check import check_source

    if target.outside_plugin:
        return Checked(_outside_plugin(target), None)
    return check_source(read_source(target.path), target.display, target.kind, catalog)


def _outside_plugin(target: Target) -> FileResult:
    """The refusal of manifest entries that leave their plugin, reported on the manifest;
    the files themselves are never read."""
    from lam_bot.validator import plugins

    root = os.path.dirname(os.path.dirname(target.path))
    leaving = ", ".join(plugins.leaving_paths(plugins.load_plugin(root)))
    message = (
        f"lists {leaving}, outside the plugin: Claude Code refuses manifest paths that"
        " leave the plugin (`..`, absolute paths); not read"
    )
    finding = error(1, 1, target.problem, message)
    return FileResult(target.display, target.kind, None, (), (finding.at(target.display),))


def _with_duplicates(
    results: Sequence[FileResult],
    names: Sequence[tuple[Target, AgentName | None]],
    reported: int,
) -> list[FileResult]:
    """`results` (the first `reported` of `names`) with an error on each repeated agent name.

    In path order the second and later holders of a name in a scope get the error; a
    reported file that comes first gets it instead when only unreported files (the
    scope's other files, read for their names) share its name.
    """
    holders: dict[tuple[str, str], list[int]] = {}
    for index, (target, name) in enumerate(names):
        if name is not None and target.kind == "agent":
            holders.setdefault((target.scope, name.value), []).append(index)
    for group in holders.values():
        group.sort(key=lambda index: names[index][0].display)
    updated = list(results)
    for group in holders.values():
        for position, index in enumerate(group):
            if index >= reported or len(group) == 1:
                continue
            shown = [i for i in group if i < reported]
            if position == 0 and shown != [index]:
                continue  # a later reported holder carries the error
            other = group[1] if position == 0 else group[0]
            name = names[index][1]
            if name is not None:
                updated[index] = _duplicate(updated[index], name, names[other][0].display)
    return updated


def _duplicate(result: FileResult, name: AgentName, first: str) -> FileResult:
    message = f"agent name `{name.value}` is already used by {first}"
    extra = error(name.line, name.col, "name-duplicate", message).at(result.path)
    diagnostics = sorted((*result.diagnostics, extra), key=lambda d: (d.line, d.col))
    return result._replace(diagnostics=tuple(diagnostics))


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
