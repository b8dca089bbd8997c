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
from typing import Any

from lam_bot.catalog import DEFAULT_CATALOG, Catalog, catalog_for
from lam_bot.validator.discover import Target, discover
from lam_bot.validator.model import (
    KINDS,
    Checked,
    Diagnostic,
    FileResult,
    RubricItem,
    error,
)
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
) -> list[FileResult]:
    """Validate the files under `paths` (see `lam_bot.validator.discover`), in path order.

    With `cache`, results of files unchanged since an earlier run are reused (see
    `lam_bot.validator.cache`) and the new ones stored.
    """
    targets = discover(paths, kind)
    if catalog is None:
        catalog = catalog_for(paths)
    if not cache:
        return _with_duplicates(targets, _check_all(targets, catalog))
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
    return _with_duplicates(targets, checked)


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
    """The refusal of a manifest entry that leaves its plugin, reported on the manifest;
    the file itself is never read."""
    manifest = os.path.join(target.plugin, ".claude-plugin", "plugin.json")
    message = (
        f"`agents` lists {target.display}, outside the plugin: Claude Code refuses manifest"
        " paths that leave the plugin (`..`, absolute paths); not read"
    )
    finding = error(1, 1, "manifest-path-outside", message)
    return FileResult(manifest, target.kind, None, (), (finding.at(manifest),))


def _with_duplicates(targets: Sequence[Target], checked: Sequence[Checked]) -> list[FileResult]:
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
