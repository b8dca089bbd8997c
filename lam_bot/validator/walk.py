"""Walking a folder: the files Claude Code loads under it (see `lam_bot.validator.discover`).

Each folder is read in one of three modes: `free` (the folder conventions apply),
`docs` (below a `docs/` folder: only `.claude/` folders and plugins count) and `inside`
(inside a plugin, beyond its components: the same).
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Sequence
from typing import Any

from lam_bot.validator import plugins
from lam_bot.validator.plugins import MANIFEST_DIR, SKILL_FILE, Plugin
from lam_bot.validator.target import (
    FOLDER,
    FOLDER_KINDS,
    OUTSIDE_PLUGIN,
    PLUGIN,
    PROJECT,
    SKILL_FILE_NAME,
    Notes,
    Target,
    documented,
    files,
    has_frontmatter,
    is_documentation,
    parent_name,
    scan,
    scan_names,
    scope_of,
    shown,
    tree,
    walkable,
)

DOCS_DIRS = frozenset({"docs"})
FREE, DOCS, INSIDE = "free", "docs", "inside"  # how a folder's conventions apply


def walk(root: str, note: Notes) -> Iterator[Target]:
    """What Claude Code loads under `root` (and the conventions outside it), as targets."""
    top = os.path.normpath(root)
    market: dict[str, dict[str, Any]] = {}
    stack: list[tuple[str, str]] = [(top, FREE)]
    while stack:
        folder, mode = stack.pop()
        entries = scan(folder)
        if entries is None:
            continue
        if MANIFEST_DIR in entries:
            for source, listed in plugins.marketplace_plugins(folder):
                market.setdefault(os.path.abspath(source), listed)
        entry = market.get(os.path.abspath(folder)) if market else None
        if entry is not None or (MANIFEST_DIR in entries and plugins.is_plugin_root(folder)):
            plugin = plugins.load_plugin(folder, entry)
            yield from _plugin_targets(plugin, note)
            stack += _children(folder, entries, INSIDE, _plugin_owned(plugin))
        elif _name(folder, top) == ".claude":
            yield from _project(folder, note)
            stack += _skills_dir_plugins(folder)
        else:
            yield from _convention(folder, _name(folder, top), entries, mode, note)
            if not _owns_folder(folder, _name(folder, top), entries, mode):
                child_mode = mode if folder == top else _child_mode(folder, mode)
                stack += _children(folder, entries, child_mode, set())


def _children(
    folder: str, entries: dict[str, os.DirEntry[str]], mode: str, skip: set[str]
) -> list[tuple[str, str]]:
    return [
        (entry.path, mode)
        for name, entry in entries.items()
        if walkable(name)
        and entry.is_dir(follow_symlinks=False)
        and os.path.normpath(entry.path) not in skip
    ]


def _name(folder: str, top: str) -> str:
    """A folder's name; the real one for the folder named (`validate .` inside agents/)."""
    return os.path.basename(os.path.abspath(folder) if folder == top else folder)


def _child_mode(folder: str, mode: str) -> str:
    """Below a `docs/` folder (not the one named) the conventions no longer apply."""
    if mode == FREE and os.path.basename(folder) in DOCS_DIRS:
        return DOCS
    return mode


def _owns_folder(folder: str, name: str, entries: dict[str, os.DirEntry[str]], mode: str) -> bool:
    """An agents/ or commands/ folder read whole, or a skill folder (its own material)."""
    if mode != FREE:
        return False
    if name in FOLDER_KINDS:
        return True
    return SKILL_FILE in entries and parent_name(folder) == "skills"


def _convention(
    folder: str, name: str, entries: dict[str, os.DirEntry[str]], mode: str, note: Notes
) -> Iterator[Target]:
    """Files found by the folder conventions outside `.claude/` and plugins."""
    if mode != FREE:
        return
    if name in FOLDER_KINDS:
        scope = os.path.abspath(folder)
        origin = PROJECT if parent_name(folder) == ".claude" else FOLDER  # named directly
        yield from documented(tree(folder, FOLDER_KINDS[name], scope, origin), note)
    elif name == "skills":
        yield from _misnamed_skills(folder, entries)
    elif SKILL_FILE in entries:
        path = shown(os.path.join(folder, SKILL_FILE))
        yield Target(path, path, "skill", "", FOLDER)


def _project(claude: str, note: Notes) -> Iterator[Target]:
    """A project's `.claude/agents/**`, `.claude/commands/**` and `.claude/skills/*/SKILL.md`."""
    agents = os.path.join(claude, "agents")
    yield from documented(tree(agents, "agent", os.path.abspath(agents), PROJECT), note)
    commands = os.path.join(claude, "commands")
    yield from tree(commands, "command", os.path.abspath(commands), PROJECT)
    yield from _skills_in(os.path.join(claude, "skills"), PROJECT)


def _skills_dir_plugins(claude: str) -> list[tuple[str, str]]:
    """Plugins kept in `.claude/skills/<name>/` with their own `.claude-plugin/`."""
    skills = os.path.join(claude, "skills")
    entries = scan(skills) or {}
    return [
        (entry.path, INSIDE)
        for entry in entries.values()
        if os.path.isdir(os.path.join(entry.path, MANIFEST_DIR))
    ]


def _plugin_targets(plugin: Plugin, note: Notes) -> Iterator[Target]:
    scope = os.path.abspath(plugin.root)
    if plugin.leaving:  # reported on the manifest, never read
        manifest = shown(os.path.join(plugin.root, plugins.MANIFEST))
        yield Target(manifest, manifest, "agent", scope, PLUGIN, False, OUTSIDE_PLUGIN)
    yield from documented(plugin_agents(plugin), note)
    for source in plugin.commands:
        yield from files(source, "command", scope, PLUGIN)
    for folder in plugin.skills:
        if os.path.isfile(os.path.join(folder, SKILL_FILE)):
            path = shown(os.path.join(folder, SKILL_FILE))
            yield Target(path, path, "skill", "", PLUGIN)
        else:
            yield from _skills_in(folder, PLUGIN)
    if plugin.single is not None:
        path = shown(plugin.single)
        yield Target(path, path, "skill", "", PLUGIN)


def plugin_agents(plugin: Plugin) -> Iterator[Target]:
    """The agent files of `plugin` (its manifest's `agents`, else `agents/`)."""
    scope = os.path.abspath(plugin.root)
    for source in plugin.agents:
        yield from files(source, "agent", scope, PLUGIN)


def _plugin_owned(plugin: Plugin) -> set[str]:
    """Folders of a plugin already read as its components, or its own skill material."""
    root = os.path.normpath(plugin.root)
    if plugin.single is not None:
        return {os.path.join(root, name) for name in scan_names(root)}
    owned = [os.path.join(root, name) for name in ("agents", "commands", "skills")]
    owned += [*plugin.agents, *plugin.commands, *plugin.skills]
    return {os.path.normpath(path) for path in owned}


def _skills_in(folder: str, origin: str) -> Iterator[Target]:
    """`folder/*/SKILL.md`, and misnamed skill files there."""
    entries = scan(folder)
    if entries is None:
        return
    for entry in sorted(entries.values(), key=lambda e: e.name):
        path = os.path.join(entry.path, SKILL_FILE)
        if entry.is_dir() and os.path.isfile(path):
            display = shown(path)
            yield Target(display, display, "skill", "", origin)
    yield from _misnamed_skills(folder, entries, origin)


def _misnamed_skills(
    folder: str, entries: dict[str, os.DirEntry[str]], origin: str = FOLDER
) -> Iterator[Target]:
    """`skills/<name>/skill.md` (any case but SKILL.md) where no SKILL.md stands."""
    for entry in entries.values():
        if not entry.is_dir() or os.path.isfile(os.path.join(entry.path, SKILL_FILE)):
            continue
        for name in scan_names(entry.path):
            if name.lower() == SKILL_FILE.lower():
                path = shown(os.path.join(entry.path, name))
                yield Target(path, path, "skill", "", origin, False, SKILL_FILE_NAME)


def walk_forced(root: str, kind: str) -> Iterator[Target]:
    """With `--kind`: every `.md` under `root` (README.md and skill material aside)."""
    top = os.path.normpath(root)
    stack = [top]
    while stack:
        folder = stack.pop()
        entries = scan(folder)
        if entries is None:
            continue
        if SKILL_FILE in entries:  # the rest of a skill's folder is its own material
            path = shown(os.path.join(folder, SKILL_FILE))
            yield Target(path, path, kind, "")
            continue
        scope, origin = scope_of(os.path.join(folder, "x.md"))
        for name, entry in entries.items():
            if entry.is_dir(follow_symlinks=False):
                if walkable(name):
                    stack.append(entry.path)
            elif name.endswith(".md") and name != "README.md" and entry.is_file():
                path = shown(entry.path)
                yield Target(path, path, kind, scope, origin)


def hint_unfound(folder: str, found: Sequence[Target], note: Notes) -> None:
    """Say how to check agent-looking files that no convention finds in `folder`."""
    checked = {target.path for target in found}
    loose = [
        entry.path
        for name, entry in sorted((scan(folder) or {}).items())
        if name.endswith(".md") and not is_documentation(name) and entry.is_file()
    ]
    unfound = [path for path in loose if shown(path) not in checked and has_frontmatter(path)]
    if unfound:
        note(
            f"{folder}: {len(unfound)} Markdown file(s) with frontmatter are not in an agents/,"
            f" commands/ or skills/ folder, so they were not checked; to check them as"
            f" agents: lam-bot validate --kind agent {folder}"
        )
