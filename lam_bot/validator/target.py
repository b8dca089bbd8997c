"""A file to check (`Target`) and the file-system helpers discovery shares.

Documentation names: collections keep README, CLAUDE, INDEX, AGENTS, CHANGELOG and other
all-capitals pages beside their agents; without frontmatter such a page is not an agent
(issue 10; Claude Code skips it under `.claude/agents/`).
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterator
from typing import NamedTuple

FOLDER_KINDS = {"agents": "agent", "commands": "command"}
SKIPPED_DIRS = frozenset({".git", "node_modules", ".venv", "venv", "__pycache__"})
# Documentation pages that collections keep beside their agents.
DOC_NAMES = frozenset({"README", "CLAUDE", "INDEX", "AGENTS", "CHANGELOG", "CONTRIBUTING"})
ALL_CAPITALS = re.compile(r"[A-Z][A-Z0-9_-]*")
# Where a target comes from: what Claude Code does with it depends on it.
PROJECT, PLUGIN, FOLDER, NAMED = "project", "plugin", "folder", "named"
SKILL_FILE_NAME = "skill-file-name"
# A plugin manifest whose `agents` or `commands` leave the plugin: the target is the
# manifest, reported and never read as an agent (see `Target.outside_plugin`).
OUTSIDE_PLUGIN = "manifest-path-outside"

Notes = Callable[[str], None]


class Target(NamedTuple):
    """One file to check: its path as shown, its kind, its agent-name scope and origin.

    `origin` is `project` (under `.claude/`), `plugin`, `folder` (an `agents/` or
    `commands/` folder by convention) or `named` (only named on the command line);
    `named` is true for a file named on the command line; `problem` is a rule id that
    discovery itself reports for the file (`skill-file-name`), or "".
    """

    path: str
    display: str
    kind: str
    scope: str
    origin: str = NAMED
    named: bool = False
    problem: str = ""

    @property
    def outside_plugin(self) -> bool:
        """This target is a plugin manifest listing paths outside its plugin: only
        reported (never read as an agent, never fixed).

        Claude Code refuses such paths: `claude plugin validate` 2.1.332 says 'Path
        contains ".." which could be a path traversal attempt' and 'must start with "./"'.
        """
        return self.problem == OUTSIDE_PLUGIN


def is_documentation(name: str) -> bool:
    """A file name that documentation uses: README.md, CLAUDE.md, INDEX.md, NOTES.md ..."""
    stem = name[:-3] if name.endswith(".md") else name
    return stem.upper() in DOC_NAMES or ALL_CAPITALS.fullmatch(stem) is not None


def has_frontmatter(path: str) -> bool:
    """The file starts with a `---` line (after a UTF-8 BOM); False when unreadable."""
    try:
        with open(path, "rb") as handle:
            start = handle.read(8)
    except OSError:
        return False
    return start.removeprefix(b"\xef\xbb\xbf").startswith(b"---")


def documentation(path: str, note: Notes, origin: str = NAMED) -> bool:
    """Skip (with a note) a documentation page that stands in an agents folder.

    In a plugin Claude Code 2.1.332 still lists such a page as an agent (`claude plugin
    validate`: "No frontmatter block found"), so the note says so.
    """
    if not is_documentation(os.path.basename(path)) or has_frontmatter(path):
        return False
    still = "; Claude Code still loads it as a plugin agent: keep it out of agents/"
    note(
        f"{path}: skipped, a documentation page (no frontmatter), not an agent"
        + (still if origin == PLUGIN else "")
    )
    return True


def documented(targets: Iterator[Target], note: Notes) -> Iterator[Target]:
    """`targets` without the documentation pages (each skipped with a note)."""
    for target in targets:
        if not documentation(target.display, note, target.origin):
            yield target


def scope_of(path: str) -> tuple[str, str]:
    """(scope, origin) by path alone: the nearest `agents/` folder, else the file's folder."""
    folder = os.path.dirname(path) or "."
    agents = agents_folder(folder)
    if agents is None:
        return os.path.abspath(folder), NAMED
    parts = agents.split(os.sep)
    return agents, PROJECT if parts[-2:-1] == [".claude"] else FOLDER


def ancestors(path: str) -> Iterator[str]:
    """The folders holding `path`, nearest first, as far up as the path goes."""
    folder = os.path.dirname(path)
    while True:
        yield folder or "."
        if folder in ("", "/"):
            return
        folder = os.path.dirname(folder)


def agents_folder(folder: str) -> str | None:
    """The absolute path of the nearest folder named `agents` at or above `folder`."""
    for ancestor in (folder, *ancestors(folder)):
        if os.path.basename(ancestor) == "agents":
            return os.path.abspath(ancestor)
    return None


def files(source: str, kind: str, scope: str, origin: str) -> Iterator[Target]:
    """The target `source` is (a `.md` file) or holds (a folder, read whole)."""
    if os.path.isdir(source):
        yield from tree(source, kind, scope, origin)
    elif source.endswith(".md") and os.path.isfile(source):
        path = shown(os.path.normpath(source))
        yield Target(path, path, kind, scope, origin)


def tree(folder: str, kind: str, scope: str, origin: str) -> Iterator[Target]:
    """Every `.md` under `folder` (a command folder's README.md aside), hidden folders skipped.

    An agents folder's README.md is left to `_documented`, which notes the skip.
    """
    stack = [folder]
    agents = kind == "agent"
    while stack:
        current = stack.pop()
        for name, entry in (scan(current) or {}).items():
            if entry.is_dir(follow_symlinks=False):
                if walkable(name):
                    stack.append(entry.path)
            elif name.endswith(".md") and entry.is_file() and (agents or name != "README.md"):
                path = shown(entry.path)
                yield Target(path, path, kind, scope, origin)


def scan(folder: str) -> dict[str, os.DirEntry[str]] | None:
    """The entries of `folder` by name, or None when it cannot be listed."""
    try:
        with os.scandir(folder) as scan:
            return {entry.name: entry for entry in scan}
    except OSError:
        return None


def scan_names(folder: str) -> list[str]:
    """The sorted names in `folder` (none when it cannot be listed)."""
    return sorted(scan(folder) or {})


def parent_name(folder: str) -> str:
    """The name of the folder holding `folder`."""
    return os.path.basename(os.path.dirname(os.path.abspath(folder)))


def shown(path: str) -> str:
    """`x.md` rather than `./x.md` when walking the current folder."""
    return path[2:] if path.startswith("./") else path


def walkable(name: str) -> bool:
    hidden_ok = name == ".claude"
    return name not in SKIPPED_DIRS and (not name.startswith(".") or hidden_ok)
