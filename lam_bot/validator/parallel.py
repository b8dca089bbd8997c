"""Spreading a large validation run over the machine's cores with plain `os.fork`.

multiprocessing costs more to import than the work it would save on a few hundred
files; a forked child inherits every loaded module and the catalog for free, checks
its share and sends the results back through a pipe, while the parent checks a share
too. A child that fails leaves its share to the parent, so the answer never depends on
a worker.

Results travel with `marshal`, so they must be built of core types (tuples, lists,
strings, numbers, None): marshal is built in, where importing pickle alone costs a
few milliseconds, and it is faster both ways. While workers run, the garbage
collector is frozen (objects that exist before the fork stay out of every
collection) so a child does not copy the parent's memory pages merely by scanning them.
"""

from __future__ import annotations

import gc
import marshal
import os
from collections.abc import Callable, Sequence
from typing import TypeVar

Item = TypeVar("Item")
Result = TypeVar("Result")


def map_forked(
    function: Callable[[Item], Result], items: Sequence[Item], workers: int
) -> list[Result]:
    """`[function(item) for item in items]`, computed by `workers` processes (Linux)."""
    shares = [list(items[index::workers]) for index in range(workers)]
    gc.freeze()
    try:
        children = [_spawn(function, share) for share in shares[1:]]
        results = [[function(item) for item in shares[0]]]
        for (pid, pipe), share in zip(children, shares[1:], strict=True):
            results.append(_collect(pid, pipe) or [function(item) for item in share])
    finally:
        gc.unfreeze()
    ordered: list[Result] = [None] * len(items)  # type: ignore[list-item]
    for index, share_results in enumerate(results):
        ordered[index::workers] = share_results
    return ordered


def _spawn(function: Callable[[Item], Result], share: list[Item]) -> tuple[int, int]:
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: compute, send, and leave without running any cleanup
        status = 1
        try:
            os.close(read_end)
            data = marshal.dumps([function(item) for item in share])
            with os.fdopen(write_end, "wb") as pipe:
                pipe.write(data)
            status = 0
        finally:
            os._exit(status)
    os.close(write_end)
    return pid, read_end


def _collect(pid: int, read_end: int) -> list[Result] | None:
    """The child's results, or None when it failed."""
    with os.fdopen(read_end, "rb") as pipe:
        data = pipe.read()
    _, status = os.waitpid(pid, 0)
    if status != 0 or not data:
        return None
    try:
        results: list[Result] = marshal.loads(data)
    except (EOFError, ValueError, TypeError):
        return None
    return results
