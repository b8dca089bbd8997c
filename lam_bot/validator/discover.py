"""Which files to check, of which kind, and in which scope agent names must be unique.

Kinds: a `SKILL.md` is a skill; a `.md` under an `agents/` folder is an agent, under a
`commands/` folder a command (the nearest such folder decides); a plugin's
`.claude-plugin/plugin.json` may list agent files anywhere in the plugin. Everything
else inside a skill's folder is the skill's own material and is never checked.
Walking a directory skips README.md, hidden folders other than `.claude`, and other
Markdown. A file named explicitly gets its kind from its path, agent by default.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Sequence
from typing import NamedTuple

from lam_bot.errors import InputError

SKILL_FILE = "SKILL.md"
MANIFEST_NAME = ".claude-plugin"
MANIFEST = os.path.join(MANIFEST_NAME, "plugin.json")
MANIFEST_MAX_BYTES = 1024 * 1024
FOLDER_KINDS = {"agents": "agent", "commands": "command"}
SKIPPED_DIRS = frozenset({".git", "node_modules", ".venv", "venv", "__pycache__"})


class Target(NamedTuple):
    """One file to check: its path as shown, its kind, and its agent-name scope.

    `plugin` is the plugin folder of a file that a plugin manifest lists, else "".
    """

    path: str
    display: str
    kind: str
    scope: str
    plugin: str = ""

    @property
    def outside_plugin(self) -> bool:
        """Listed by a plugin manifest but outside that plugin (never read nor fixed).

        Claude Code refuses manifest paths that leave the plugin: `claude plugin validate`
        2.1.332 says 'Path contains ".." which could be a path traversal attempt' and
        'must start with "./"' (so absolute paths too).
        """
        return bool(self.plugin) and not is_within(self.path, self.plugin)


def discover(paths: Sequence[str | os.PathLike[str]], kind: str | None = None) -> list[Target]:
    """The files to check under `paths`, each once, in path order."""
    targets: dict[str, Target] = {}
    for given in paths:
        path = clean_path(os.fspath(given))
        if os.path.isdir(path):
            found = list(_walk(path, kind))
        elif os.path.exists(path):
            found = _explicit(path, kind)
        else:
            raise InputError(f"{path}: no such file or directory")
        for target in found:
            # One input yields each path once already, except via a manifest: the
            # normalised display path is key enough; several inputs may overlap.
            key = target.display if len(paths) == 1 else os.path.abspath(target.path)
            targets.setdefault(key, target)
    return sorted(targets.values(), key=lambda t: t.display)


def clean_path(path: str) -> str:
    """`path` without empty or `.` parts or a trailing slash (as pathlib shows it)."""
    odd = "//" in path or "/./" in path or path.startswith("./") or path.endswith(("/", "/."))
    if not odd or path == "/":
        return path
    root = "/" if path.startswith("/") else ""
    return root + "/".join(part for part in path.split("/") if part not in ("", ".")) or "."


def is_within(path: str, folder: str) -> bool:
    """`path` is `folder` or below it, as written (`..` resolved, symlinks not: what
    Claude Code's manifest check looks at; `--fix` refuses symlinks on its own)."""
    inner, outer = os.path.abspath(path), os.path.abspath(folder)
    return inner == outer or inner.startswith(outer.rstrip("/") + "/")


def kind_of(parts: Sequence[str], name: str) -> str | None:
    """The kind a path implies: skill, agent, command, or None for other files."""
    if name == SKILL_FILE:
        return "skill"
    for part in reversed(parts):
        if part in FOLDER_KINDS:
            return FOLDER_KINDS[part]
    return None


def _explicit(path: str, kind: str | None) -> list[Target]:
    name = os.path.basename(path)
    if kind is None and name != SKILL_FILE and _in_skill(path):
        return []
    actual = kind or kind_of(os.path.dirname(path).split("/"), name) or "agent"
    return [Target(path, path, actual, _scope(path))]


def _ancestors(path: str) -> Iterator[str]:
    """The folders holding `path`, nearest first, as far up as the path goes."""
    folder = os.path.dirname(path)
    while True:
        yield folder or "."
        if folder in ("", "/"):
            return
        folder = os.path.dirname(folder)


def _in_skill(path: str) -> bool:
    return any(os.path.isfile(os.path.join(folder, SKILL_FILE)) for folder in _ancestors(path))


def _scope(path: str, plugin_root: str | None = None) -> str:
    """Agents under one `agents/` folder, or listed by one plugin, share a scope."""
    folder = os.path.dirname(path) or "."
    return _agents_folder(folder) or os.path.abspath(plugin_root or folder)


def _agents_folder(folder: str) -> str | None:
    """The absolute path of the nearest folder named `agents` at or above `folder`."""
    for ancestor in (folder, *_ancestors(folder)):
        if os.path.basename(ancestor) == "agents":
            return os.path.abspath(ancestor)
    return None


def _walk(root: str, kind: str | None) -> Iterator[Target]:
    # Each folder carries the names of its parts below the root, starting with the root's
    # own real name (so `validate .` inside an agents/ folder works), and its scope: the
    # nearest `agents/` folder at or above it, or None.
    top = os.path.normpath(root)
    stack: list[tuple[str, tuple[str, ...], str | None]] = [
        (top, (os.path.basename(os.path.realpath(top)),), _agents_folder(top))
    ]
    while stack:
        folder, parts, scope = stack.pop()
        try:
            with os.scandir(folder) as scan:
                entries = {entry.name: entry for entry in scan}
        except OSError:
            continue
        if SKILL_FILE in entries:  # the rest of a skill's folder is its own material
            path = _shown(os.path.join(folder, SKILL_FILE))
            yield Target(path, path, kind or "skill", "")
            continue
        if MANIFEST_NAME in entries:
            yield from _manifest_agents(folder, kind)
        yield from _folder_files(folder, parts, entries, kind, scope)
        for name, entry in entries.items():
            if _walkable(name) and entry.is_dir(follow_symlinks=False):
                child_scope = os.path.abspath(entry.path) if name == "agents" else scope
                stack.append((entry.path, (*parts, name), child_scope))


def _folder_files(
    folder: str,
    parts: tuple[str, ...],
    entries: dict[str, os.DirEntry[str]],
    kind: str | None,
    scope: str | None,
) -> Iterator[Target]:
    folder_kind = kind or kind_of(parts, "")
    if folder_kind is None:
        return  # not under an agents/ or commands/ folder (skill folders never get here)
    for name, entry in entries.items():
        if name.endswith(".md") and name != "README.md" and entry.is_file():
            scope = scope or os.path.abspath(folder)
            path = _shown(entry.path)
            yield Target(path, path, folder_kind, scope)


def _shown(path: str) -> str:
    """`x.md` rather than `./x.md` when walking the current folder."""
    return path[2:] if path.startswith("./") else path


def _walkable(name: str) -> bool:
    hidden_ok = name in (".claude", MANIFEST_NAME)
    return name not in SKIPPED_DIRS and (not name.startswith(".") or hidden_ok)


def _manifest_agents(plugin: str, kind: str | None) -> Iterator[Target]:
    """Agent files a plugin manifest lists outside the `agents/` convention."""
    from lam_bot.validator.source import read_limited

    try:
        data = read_limited(os.path.join(plugin, MANIFEST), MANIFEST_MAX_BYTES)
        if data is None or b'"agents"' not in data:
            return  # most manifests leave agents to the folder convention
        import json  # only plugins that list agents pay for it

        manifest = json.loads(data)
    except (OSError, ValueError):
        return
    entries = manifest.get("agents") if isinstance(manifest, dict) else None
    if isinstance(entries, str):
        entries = [entries]
    for entry in entries if isinstance(entries, list) else []:
        if not isinstance(entry, str):
            continue
        path = os.path.join(plugin, entry)
        if not is_within(path, plugin):  # reported, never read: see Target.outside_plugin
            display = os.path.normpath(path)
            yield Target(display, display, kind or "agent", "", plugin)
            continue
        files = _markdown_in(path) if os.path.isdir(path) else [path]
        for file in files:
            if os.path.isfile(file):
                display = os.path.normpath(file)
                yield Target(display, display, kind or "agent", _scope(display, plugin), plugin)


def _markdown_in(folder: str) -> list[str]:
    try:
        with os.scandir(folder) as scan:
            return sorted(entry.path for entry in scan if entry.name.endswith(".md"))
    except OSError:
        return []
