"""Which files to check, of which kind, and in which scope agent names must be unique.

Walking a folder finds what Claude Code loads (sources: Claude Code docs sub-agents,
skills, plugins-reference, plugin-marketplaces; `claude plugin validate --json` 2.1.332
lists the same files for `.claude/` and for plugin default folders):
- a project's `.claude/agents/**.md` (agents), `.claude/commands/**.md` (commands) and
  `.claude/skills/*/SKILL.md` (skills);
- a plugin's components (see `lam_bot.validator.plugins`): a plugin is a folder with a
  `.claude-plugin/` folder, or a local `source` of a marketplace;
- by convention, outside `.claude/` and outside any plugin: `.md` under an `agents/` or
  `commands/` folder (a plugin without a manifest, as collections publish them) and any
  `SKILL.md`, except under a `docs/` folder (documentation sites describe agents).
Everything else in a skill's folder (`skills/<name>/`) is the skill's own material. A
file in an agents folder with a documentation name (README, CLAUDE, INDEX, all capitals)
and no frontmatter is skipped with a note. A skill file named like `SKILL.md` in another
case is reported (Claude Code reads only `SKILL.md`). A file named explicitly gets its
kind from where it stands (agent by default), and `--kind` forces one.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterator, Sequence
from typing import Any, NamedTuple

from lam_bot.errors import InputError
from lam_bot.validator import plugins
from lam_bot.validator.plugins import MANIFEST_DIR, SKILL_FILE, Plugin

MANIFEST = plugins.MANIFEST
FOLDER_KINDS = {"agents": "agent", "commands": "command"}
SKIPPED_DIRS = frozenset({".git", "node_modules", ".venv", "venv", "__pycache__"})
DOCS_DIRS = frozenset({"docs"})
# Documentation pages that collections keep beside their agents.
DOC_NAMES = frozenset({"README", "CLAUDE", "INDEX", "AGENTS", "CHANGELOG", "CONTRIBUTING"})
ALL_CAPITALS = re.compile(r"[A-Z][A-Z0-9_-]*")
# Where a target comes from: what Claude Code does with it depends on it.
PROJECT, PLUGIN, FOLDER, NAMED = "project", "plugin", "folder", "named"
SKILL_FILE_NAME = "skill-file-name"

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


def discover(
    paths: Sequence[str | os.PathLike[str]], kind: str | None = None, notes: Notes | None = None
) -> list[Target]:
    """The files to check under `paths`, each once, in path order.

    `notes` receives one line for each file skipped on purpose (documentation in an
    agents folder) and for a folder whose Markdown files no rule finds. Raises
    `InputError` for a path that does not exist.
    """
    note = notes or _ignore
    targets: dict[str, Target] = {}
    for given in paths:
        path = clean_path(os.fspath(given))
        if os.path.isdir(path):
            found = list(_walk_forced(path, kind) if kind else _walk(path, note))
            if not kind:
                _hint_unfound(path, found, note)
        elif os.path.exists(path):
            found = _explicit(path, kind, note)
        else:
            raise InputError(f"{path}: no such file or directory")
        for target in found:
            # One input yields each path once already: the normalised display path is
            # key enough; several inputs may overlap.
            key = target.display if len(paths) == 1 else os.path.abspath(target.path)
            targets.setdefault(key, target)
    return sorted(targets.values(), key=lambda t: t.display)


def scope_agents(target: Target) -> list[Target]:
    """The agent files of `target`'s scope (its `.claude/agents/` tree or its plugin)."""
    if target.kind != "agent" or target.origin == NAMED:
        return []
    if target.origin == PLUGIN:
        found = _plugin_agents(plugins.load_plugin(target.scope))
    else:
        found = _tree(target.scope, "agent", target.scope, target.origin)
    here = os.getcwd() + os.sep
    shown = (t.path[len(here) :] if t.path.startswith(here) else t.path for t in found)
    return [Target(path, path, "agent", target.scope, target.origin) for path in shown]


def clean_path(path: str) -> str:
    """`path` without empty or `.` parts or a trailing slash (as pathlib shows it)."""
    odd = "//" in path or "/./" in path or path.startswith("./") or path.endswith(("/", "/."))
    if not odd or path == "/":
        return path
    root = "/" if path.startswith("/") else ""
    return root + "/".join(part for part in path.split("/") if part not in ("", ".")) or "."


def kind_of(parts: Sequence[str], name: str) -> str | None:
    """The kind a path implies: skill, agent, command, or None for other files."""
    if name == SKILL_FILE:
        return "skill"
    for part in reversed(parts):
        if part in FOLDER_KINDS:
            return FOLDER_KINDS[part]
    return None


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


# -- files named on the command line ---------------------------------------------------


def _explicit(path: str, kind: str | None, note: Notes) -> list[Target]:
    name = os.path.basename(path)
    if kind is not None:
        return [Target(path, path, kind, _scope_of(path)[0], NAMED, True)]
    if name.lower() == SKILL_FILE.lower():
        problem = "" if name == SKILL_FILE else SKILL_FILE_NAME
        return [Target(path, path, "skill", "", NAMED, True, problem)]
    if _in_skill(path):
        return []
    found = _explicit_kind(path)
    if found is None:
        return []
    actual, scope, origin = found
    if actual == "agent" and _documentation(path, note):
        return []
    return [Target(path, path, actual, scope, origin, True)]


def _explicit_kind(path: str) -> tuple[str, str, str] | None:
    """(kind, scope, origin) of a named file; None for a plugin file that is no component."""
    parts = os.path.dirname(path).split("/")
    plugin = _plugin_above(path)
    if plugin is not None and not _under_claude(parts):
        found = _plugin_kind(plugin, path)
        if found is not None:
            return found[0], os.path.abspath(plugin.root), PLUGIN
    actual = kind_of(parts, "") or "agent"
    scope, origin = _scope_of(path)
    return actual, scope, origin


def _plugin_kind(plugin: Plugin, path: str) -> tuple[str] | None:
    real = os.path.abspath(path)
    for field, kind in (("agents", "agent"), ("commands", "command")):
        for source in plugins.component_paths(plugin, field):
            source = os.path.abspath(source)
            if real == source or real.startswith(source + os.sep):
                return (kind,)
    return None


def _plugin_above(path: str) -> Plugin | None:
    for folder in _ancestors(path):
        if _is_plugin(folder):
            return plugins.load_plugin(folder)
    return None


def _under_claude(parts: Sequence[str]) -> bool:
    return ".claude" in parts


def _scope_of(path: str) -> tuple[str, str]:
    """(scope, origin) by path alone: the nearest `agents/` folder, else the file's folder."""
    folder = os.path.dirname(path) or "."
    agents = _agents_folder(folder)
    if agents is None:
        return os.path.abspath(folder), NAMED
    parts = agents.split(os.sep)
    return agents, PROJECT if parts[-2:-1] == [".claude"] else FOLDER


def _ancestors(path: str) -> Iterator[str]:
    """The folders holding `path`, nearest first, as far up as the path goes."""
    folder = os.path.dirname(path)
    while True:
        yield folder or "."
        if folder in ("", "/"):
            return
        folder = os.path.dirname(folder)


def _in_skill(path: str) -> bool:
    """`path` is material inside a skill folder (`skills/<name>/` holding a SKILL.md)."""
    for folder in _ancestors(path):
        parent = os.path.basename(os.path.dirname(os.path.abspath(folder)))
        if parent == "skills" and os.path.isfile(os.path.join(folder, SKILL_FILE)):
            return True
    return False


def _agents_folder(folder: str) -> str | None:
    """The absolute path of the nearest folder named `agents` at or above `folder`."""
    for ancestor in (folder, *_ancestors(folder)):
        if os.path.basename(ancestor) == "agents":
            return os.path.abspath(ancestor)
    return None


def _documentation(path: str, note: Notes) -> bool:
    """Skip (with a note) a documentation page that stands in an agents folder."""
    if not is_documentation(os.path.basename(path)) or has_frontmatter(path):
        return False
    note(f"{path}: skipped, a documentation page (no frontmatter), not an agent")
    return True


# -- walking a folder --------------------------------------------------------------------

FREE, DOCS, INSIDE = "free", "docs", "inside"  # how a folder's conventions apply


def _walk(root: str, note: Notes) -> Iterator[Target]:
    top = os.path.normpath(root)
    market: dict[str, dict[str, Any]] = {}
    stack: list[tuple[str, str]] = [(top, FREE)]
    while stack:
        folder, mode = stack.pop()
        entries = _scan(folder)
        if entries is None:
            continue
        if MANIFEST_DIR in entries:
            for source, listed in plugins.marketplace_plugins(folder):
                market.setdefault(os.path.abspath(source), listed)
        entry = market.get(os.path.abspath(folder)) if market else None
        if entry is not None or _is_plugin(folder, entries):
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


def _is_plugin(folder: str, entries: dict[str, os.DirEntry[str]] | None = None) -> bool:
    """`folder` holds `.claude-plugin/`: a plugin, unless it only holds a marketplace."""
    manifest = entries.get(MANIFEST_DIR) if entries is not None else None
    if entries is not None and (manifest is None or not manifest.is_dir()):
        return False
    if entries is None and not os.path.isdir(os.path.join(folder, MANIFEST_DIR)):
        return False
    # A marketplace root is a plugin only when it has a manifest (or lists itself).
    return os.path.isfile(os.path.join(folder, plugins.MANIFEST)) or not os.path.isfile(
        os.path.join(folder, plugins.MARKETPLACE)
    )


def _children(
    folder: str, entries: dict[str, os.DirEntry[str]], mode: str, skip: set[str]
) -> list[tuple[str, str]]:
    return [
        (entry.path, mode)
        for name, entry in entries.items()
        if _walkable(name)
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
    return SKILL_FILE in entries and _parent_name(folder) == "skills"


def _convention(
    folder: str, name: str, entries: dict[str, os.DirEntry[str]], mode: str, note: Notes
) -> Iterator[Target]:
    """Files found by the folder conventions outside `.claude/` and plugins."""
    if mode != FREE:
        return
    if name in FOLDER_KINDS:
        scope = os.path.abspath(folder)
        origin = PROJECT if _parent_name(folder) == ".claude" else FOLDER  # named directly
        yield from _documented(_tree(folder, FOLDER_KINDS[name], scope, origin), note)
    elif name == "skills":
        yield from _misnamed_skills(folder, entries)
    elif SKILL_FILE in entries:
        path = _shown(os.path.join(folder, SKILL_FILE))
        yield Target(path, path, "skill", "", FOLDER)


def _project(claude: str, note: Notes) -> Iterator[Target]:
    """A project's `.claude/agents/**`, `.claude/commands/**` and `.claude/skills/*/SKILL.md`."""
    agents = os.path.join(claude, "agents")
    yield from _documented(_tree(agents, "agent", os.path.abspath(agents), PROJECT), note)
    commands = os.path.join(claude, "commands")
    yield from _tree(commands, "command", os.path.abspath(commands), PROJECT)
    yield from _skills_in(os.path.join(claude, "skills"), PROJECT)


def _skills_dir_plugins(claude: str) -> list[tuple[str, str]]:
    """Plugins kept in `.claude/skills/<name>/` with their own `.claude-plugin/`."""
    skills = os.path.join(claude, "skills")
    entries = _scan(skills) or {}
    return [
        (entry.path, INSIDE)
        for entry in entries.values()
        if os.path.isdir(os.path.join(entry.path, MANIFEST_DIR))
    ]


def _plugin_targets(plugin: Plugin, note: Notes) -> Iterator[Target]:
    yield from _documented(_plugin_agents(plugin), note)
    scope = os.path.abspath(plugin.root)
    for source in plugins.component_paths(plugin, "commands"):
        yield from _files(source, "command", scope, PLUGIN)
    for folder in plugins.skill_folders(plugin):
        if os.path.isfile(os.path.join(folder, SKILL_FILE)):
            path = _shown(os.path.join(folder, SKILL_FILE))
            yield Target(path, path, "skill", "", PLUGIN)
        else:
            yield from _skills_in(folder, PLUGIN)
    single = plugins.single_skill(plugin)
    if single is not None:
        path = _shown(single)
        yield Target(path, path, "skill", "", PLUGIN)


def _plugin_agents(plugin: Plugin) -> Iterator[Target]:
    scope = os.path.abspath(plugin.root)
    for source in plugins.component_paths(plugin, "agents"):
        yield from _files(source, "agent", scope, PLUGIN)


def _plugin_owned(plugin: Plugin) -> set[str]:
    """Folders of a plugin already read as its components, or its own skill material."""
    root = os.path.normpath(plugin.root)
    if plugins.single_skill(plugin) is not None:
        return {os.path.join(root, name) for name in _scan_names(root)}
    owned = [os.path.join(root, name) for name in ("agents", "commands", "skills")]
    owned += plugins.component_paths(plugin, "agents") + plugins.component_paths(plugin, "commands")
    owned += plugins.skill_folders(plugin)
    return {os.path.normpath(path) for path in owned}


def _skills_in(folder: str, origin: str) -> Iterator[Target]:
    """`folder/*/SKILL.md`, and misnamed skill files there."""
    entries = _scan(folder)
    if entries is None:
        return
    for entry in sorted(entries.values(), key=lambda e: e.name):
        path = os.path.join(entry.path, SKILL_FILE)
        if entry.is_dir() and os.path.isfile(path):
            shown = _shown(path)
            yield Target(shown, shown, "skill", "", origin)
    yield from _misnamed_skills(folder, entries, origin)


def _misnamed_skills(
    folder: str, entries: dict[str, os.DirEntry[str]], origin: str = FOLDER
) -> Iterator[Target]:
    """`skills/<name>/skill.md` (any case but SKILL.md) where no SKILL.md stands."""
    for entry in entries.values():
        if not entry.is_dir() or os.path.isfile(os.path.join(entry.path, SKILL_FILE)):
            continue
        for name in _scan_names(entry.path):
            if name.lower() == SKILL_FILE.lower():
                path = _shown(os.path.join(entry.path, name))
                yield Target(path, path, "skill", "", origin, False, SKILL_FILE_NAME)


def _documented(targets: Iterator[Target], note: Notes) -> Iterator[Target]:
    for target in targets:
        if not _documentation(target.display, note):
            yield target


def _files(source: str, kind: str, scope: str, origin: str) -> Iterator[Target]:
    if os.path.isdir(source):
        yield from _tree(source, kind, scope, origin)
    elif source.endswith(".md") and os.path.isfile(source):
        path = _shown(os.path.normpath(source))
        yield Target(path, path, kind, scope, origin)


def _tree(folder: str, kind: str, scope: str, origin: str) -> Iterator[Target]:
    """Every `.md` under `folder` (a command folder's README.md aside), hidden folders skipped.

    An agents folder's README.md is left to `_documented`, which notes the skip.
    """
    stack = [folder]
    agents = kind == "agent"
    while stack:
        current = stack.pop()
        for name, entry in (_scan(current) or {}).items():
            if entry.is_dir(follow_symlinks=False):
                if _walkable(name):
                    stack.append(entry.path)
            elif name.endswith(".md") and entry.is_file() and (agents or name != "README.md"):
                path = _shown(entry.path)
                yield Target(path, path, kind, scope, origin)


def _walk_forced(root: str, kind: str) -> Iterator[Target]:
    """With `--kind`: every `.md` under `root` (README.md and skill material aside)."""
    top = os.path.normpath(root)
    stack = [top]
    while stack:
        folder = stack.pop()
        entries = _scan(folder)
        if entries is None:
            continue
        if SKILL_FILE in entries:  # the rest of a skill's folder is its own material
            path = _shown(os.path.join(folder, SKILL_FILE))
            yield Target(path, path, kind, "")
            continue
        scope, origin = _scope_of(os.path.join(folder, "x.md"))
        for name, entry in entries.items():
            if entry.is_dir(follow_symlinks=False):
                if _walkable(name):
                    stack.append(entry.path)
            elif name.endswith(".md") and name != "README.md" and entry.is_file():
                path = _shown(entry.path)
                yield Target(path, path, kind, scope, origin)


def _hint_unfound(folder: str, found: Sequence[Target], note: Notes) -> None:
    """Say how to check agent-looking files that no convention finds in `folder`."""
    shown = {target.path for target in found}
    loose = [
        entry.path
        for name, entry in sorted((_scan(folder) or {}).items())
        if name.endswith(".md") and not is_documentation(name) and entry.is_file()
    ]
    unfound = [path for path in loose if _shown(path) not in shown and has_frontmatter(path)]
    if unfound:
        note(
            f"{folder}: {len(unfound)} Markdown file(s) with frontmatter are not in an agents/,"
            f" commands/ or skills/ folder, so they were not checked; to check them as"
            f" agents: lam-bot validate --kind agent {folder}"
        )


def _scan(folder: str) -> dict[str, os.DirEntry[str]] | None:
    try:
        with os.scandir(folder) as scan:
            return {entry.name: entry for entry in scan}
    except OSError:
        return None


def _scan_names(folder: str) -> list[str]:
    return sorted(_scan(folder) or {})


def _parent_name(folder: str) -> str:
    return os.path.basename(os.path.dirname(os.path.abspath(folder)))


def _shown(path: str) -> str:
    """`x.md` rather than `./x.md` when walking the current folder."""
    return path[2:] if path.startswith("./") else path


def _walkable(name: str) -> bool:
    hidden_ok = name == ".claude"
    return name not in SKIPPED_DIRS and (not name.startswith(".") or hidden_ok)


def _ignore(message: str) -> None:
    """Notes nobody asked for."""
