"""Results of unchanged files, kept between runs, so re-checking a collection costs a stat.

An entry is one file checked one way: its absolute path, the kind it was checked as and
the path shown in its diagnostics. It holds while the file's size and modification
time (in nanoseconds) are what they were when it was read. A file modified less than
two seconds before it was read is not stored: a second edit inside the file system's
timestamp granularity could leave both unchanged.

Each cache file belongs to one lam-bot version, one state of the validator's source
files and one catalog, so an upgrade, an edited rule or an extra tool in the checked
repository's pyproject.toml starts afresh. The folder is `$LAM_BOT_CACHE_DIR`, else
`$XDG_CACHE_HOME/lam-bot`, else `~/.cache/lam-bot`; files are written whole (to a
temporary name, then renamed) and a cache that cannot be read or written is ignored:
the run checks every file itself.
"""

from __future__ import annotations

import contextlib
import marshal
import os
import time
import zlib
from typing import Any

from lam_bot import __version__
from lam_bot.catalog import Catalog
from lam_bot.validator.discover import Target
from lam_bot.validator.model import Checked

TRUST_AFTER_NS = 2_000_000_000
MAX_ENTRIES = 20_000
KEEP_FILES = 8  # cache files for other versions and catalogs, most recent first
_PACKAGE = os.path.dirname(os.path.abspath(__file__))
_PREFIX = "validate-"


def cache_dir() -> str:
    """Where the cache files live."""
    explicit = os.environ.get("LAM_BOT_CACHE_DIR")
    if explicit:
        return explicit
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return os.path.join(base, "lam-bot")


class ResultCache:
    """The stored results for one version, validator source and catalog."""

    def __init__(self, path: str, entries: dict[str, tuple[int, int, Any]]) -> None:
        self.path = path
        self.entries = entries
        self._seen: dict[str, tuple[int, int]] = {}  # key -> (size, mtime) read this run
        self._changed = False

    def get(self, target: Target) -> Checked | None:
        """The stored result for `target`, if its file is unchanged since it was stored."""
        key = _key(target)
        try:
            stat = os.stat(target.path)
        except OSError:
            return None
        seen = self._seen[key] = (stat.st_size, stat.st_mtime_ns)
        entry = self.entries.get(key)
        try:
            if entry is None or tuple(entry[:2]) != seen:
                return None
            return Checked.from_plain(entry[2])
        except (TypeError, ValueError, IndexError):  # damaged: check the file again
            return None

    def put(self, target: Target, checked: Checked) -> None:
        """Store `checked` for `target`, as of the stat `get` took before it was read."""
        key = _key(target)
        seen = self._seen.get(key)
        self._changed = True
        if seen is None or time.time_ns() - seen[1] < TRUST_AFTER_NS:
            self.entries.pop(key, None)
            return
        self.entries[key] = (*seen, checked.plain())

    def save(self) -> None:
        """Write the cache if anything changed; errors are ignored."""
        if not self._changed:
            return
        entries = self.entries
        if len(entries) > MAX_ENTRIES:  # keep what this run saw
            entries = {key: entries[key] for key in self._seen if key in entries}
        folder = os.path.dirname(self.path)
        temporary = f"{self.path}.{os.getpid()}.tmp"
        try:
            os.makedirs(folder, exist_ok=True)
            with open(temporary, "wb") as handle:
                handle.write(marshal.dumps(entries))
            os.replace(temporary, self.path)
            _prune(folder, self.path)
        except (OSError, ValueError):
            _remove(temporary)


def open_cache(catalog: Catalog) -> ResultCache:
    """The cache for this lam-bot, validator source and catalog (empty when unreadable)."""
    path = os.path.join(cache_dir(), f"{_PREFIX}{__version__}-{_fingerprint(catalog):08x}")
    try:
        with open(path, "rb") as handle:
            entries = marshal.loads(handle.read())
    except (OSError, EOFError, ValueError, TypeError):
        entries = {}
    return ResultCache(path, entries if isinstance(entries, dict) else {})


def _key(target: Target) -> str:
    return f"{os.path.abspath(target.path)}\0{target.kind}\0{target.display}"


def _fingerprint(catalog: Catalog) -> int:
    """A checksum of the catalog and of the validator's own source files' stamps."""
    stamps = []
    for folder in (_PACKAGE, os.path.join(_PACKAGE, "rules"), os.path.dirname(_PACKAGE)):
        try:
            with os.scandir(folder) as scan:
                files = [entry for entry in scan if entry.name.endswith(".py")]
            stamps += sorted((f.path, f.stat().st_mtime_ns, f.stat().st_size) for f in files)
        except OSError:
            stamps.append((folder, 0, 0))
    fields = tuple(tuple(sorted(map(str, field))) for field in catalog)
    legacy = tuple(sorted(catalog.legacy.items(), key=str))
    return zlib.crc32(repr((stamps, fields, legacy)).encode())


def _prune(folder: str, current: str) -> None:
    """Remove all but the `KEEP_FILES` most recent cache files (the current one stays)."""
    with os.scandir(folder) as scan:
        files = [e for e in scan if e.name.startswith(_PREFIX) and e.path != current]
    files.sort(key=lambda entry: entry.stat().st_mtime_ns, reverse=True)
    for entry in files[KEEP_FILES - 1 :]:
        _remove(entry.path)


def _remove(path: str) -> None:
    with contextlib.suppress(OSError):
        os.remove(path)
