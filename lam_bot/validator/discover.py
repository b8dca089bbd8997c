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
from pathlib import Path
from typing import NamedTuple

from lam_bot.errors import InputError

SKILL_FILE = "SKILL.md"
MANIFEST_NAME = ".claude-plugin"
MANIFEST = Path(MANIFEST_NAME) / "plugin.json"
FOLDER_KINDS = {"agents": "agent", "commands": "command"}
SKIPPED_DIRS = frozenset({".git", "node_modules", ".venv", "venv", "__pycache__"})


class Target(NamedTuple):
    """One file to check: its path as shown, its kind, and its agent-name scope."""

    path: str
    display: str
    kind: str
    scope: str


def discover(paths: Sequence[Path], kind: str | None = None) -> list[Target]:
    """The files to check under `paths`, each once, in path order."""
    targets: dict[str, Target] = {}
    for path in paths:
        if path.is_dir():
            found = list(_walk(path, kind))
        elif path.exists():
            found = _explicit(path, kind)
        else:
            raise InputError(f"{path}: no such file or directory")
        for target in found:
            # One input yields each path once already, except via a manifest: the
            # normalised display path is key enough; several inputs may overlap.
            key = target.display if len(paths) == 1 else os.path.abspath(target.path)
            targets.setdefault(key, target)
    return sorted(targets.values(), key=lambda t: t.display)


def kind_of(parts: Sequence[str], name: str) -> str | None:
    """The kind a path implies: skill, agent, command, or None for other files."""
    if name == SKILL_FILE:
        return "skill"
    for part in reversed(parts):
        if part in FOLDER_KINDS:
            return FOLDER_KINDS[part]
    return None


def _explicit(path: Path, kind: str | None) -> list[Target]:
    if kind is None and path.name != SKILL_FILE and _in_skill(path):
        return []
    actual = kind or kind_of(path.parent.parts, path.name) or "agent"
    return [Target(str(path), str(path), actual, _scope(path))]


def _in_skill(path: Path) -> bool:
    return any((folder / SKILL_FILE).is_file() for folder in path.parents)


def _scope(path: Path, plugin_root: Path | None = None) -> str:
    """Agents under one `agents/` folder, or listed by one plugin, share a scope."""
    folder = path.parent
    for ancestor in (folder, *folder.parents):
        if ancestor.name == "agents":
            return os.path.abspath(ancestor)
    return os.path.abspath(plugin_root or folder)


def _walk(root: Path, kind: str | None) -> Iterator[Target]:
    # so `validate .` inside an agents/ folder works
    stack: list[tuple[str, tuple[str, ...]]] = [(os.path.normpath(root), (root.resolve().name,))]
    while stack:
        folder, parts = stack.pop()
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
            yield from _manifest_agents(Path(folder), kind)
        yield from _folder_files(folder, parts, entries, kind)
        stack += [
            (entry.path, (*parts, name))
            for name, entry in entries.items()
            if _walkable(name) and entry.is_dir(follow_symlinks=False)
        ]


def _folder_files(
    folder: str, parts: tuple[str, ...], entries: dict[str, os.DirEntry[str]], kind: str | None
) -> Iterator[Target]:
    scope = ""
    for name, entry in entries.items():
        file_kind = _walked_kind(parts, name, kind)
        if file_kind and entry.is_file():
            scope = scope or _scope(Path(entry.path))
            path = _shown(entry.path)
            yield Target(path, path, file_kind, scope)


def _shown(path: str) -> str:
    """`x.md` rather than `./x.md` when walking the current folder."""
    return path[2:] if path.startswith("./") else path


def _walkable(name: str) -> bool:
    hidden_ok = name in (".claude", MANIFEST_NAME)
    return name not in SKIPPED_DIRS and (not name.startswith(".") or hidden_ok)


def _walked_kind(parts: Sequence[str], name: str, kind: str | None) -> str | None:
    if not name.endswith(".md") or name == "README.md":
        return None
    return kind or kind_of(parts, name)


def _manifest_agents(plugin: Path, kind: str | None) -> Iterator[Target]:
    """Agent files a plugin manifest lists outside the `agents/` convention."""
    import json  # only plugins that list agents pay for it

    try:
        text = (plugin / MANIFEST).read_text(encoding="utf-8")
        if '"agents"' not in text:
            return  # most manifests leave agents to the folder convention
        manifest = json.loads(text)
    except (OSError, ValueError):
        return
    entries = manifest.get("agents") if isinstance(manifest, dict) else None
    if isinstance(entries, str):
        entries = [entries]
    for entry in entries if isinstance(entries, list) else []:
        if not isinstance(entry, str):
            continue
        path = plugin / entry
        files = sorted(path.glob("*.md")) if path.is_dir() else [path]
        for file in files:
            if file.is_file():
                display = os.path.normpath(file)
                yield Target(display, display, kind or "agent", _scope(file, plugin))
