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
from collections.abc import Sequence

from lam_bot.errors import InputError
from lam_bot.validator import plugins
from lam_bot.validator.plugins import SKILL_FILE, Plugin
from lam_bot.validator.target import (
    FOLDER_KINDS,
    NAMED,
    PLUGIN,
    SKILL_FILE_NAME,
    Notes,
    Target,
    ancestors,
    documentation,
    scope_of,
    tree,
)
from lam_bot.validator.walk import hint_unfound, plugin_agents, walk, walk_forced

__all__ = ["Notes", "Target", "clean_path", "discover", "kind_of", "scope_agents"]


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
            found = list(walk_forced(path, kind) if kind else walk(path, note))
            if not kind:
                hint_unfound(path, found, note)
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
        found = plugin_agents(plugins.load_plugin(target.scope))
    else:
        found = tree(target.scope, "agent", target.scope, target.origin)
    here = os.getcwd() + os.sep
    paths = (t.path[len(here) :] if t.path.startswith(here) else t.path for t in found)
    return [Target(path, path, "agent", target.scope, target.origin) for path in paths]


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


def _explicit(path: str, kind: str | None, note: Notes) -> list[Target]:
    name = os.path.basename(path)
    if kind is not None:
        return [Target(path, path, kind, scope_of(path)[0], NAMED, True)]
    if name.lower() == SKILL_FILE.lower():
        problem = "" if name == SKILL_FILE else SKILL_FILE_NAME
        return [Target(path, path, "skill", "", NAMED, True, problem)]
    if _in_skill(path):
        return []
    found = _explicit_kind(path)
    if found is None:
        return []
    actual, scope, origin = found
    if actual == "agent" and documentation(path, note, origin):
        return []
    return [Target(path, path, actual, scope, origin, True)]


def _explicit_kind(path: str) -> tuple[str, str, str] | None:
    """(kind, scope, origin) of a named file; None for a plugin file that is no component."""
    parts = os.path.dirname(path).split("/")
    plugin = _plugin_above(path)
    if plugin is not None and not _under_claude(parts):
        found = _plugin_kind(plugin, path)
        if found is not None:
            return found, os.path.abspath(plugin.root), PLUGIN
    actual = kind_of(parts, "") or "agent"
    scope, origin = scope_of(path)
    return actual, scope, origin


def _plugin_kind(plugin: Plugin, path: str) -> str | None:
    """`agent` or `command` when `path` is one of the plugin's components, else None."""
    real = os.path.abspath(path)
    for sources, kind in ((plugin.agents, "agent"), (plugin.commands, "command")):
        for source in map(os.path.abspath, sources):
            if real == source or real.startswith(source + os.sep):
                return kind
    return None


def _plugin_above(path: str) -> Plugin | None:
    for folder in ancestors(path):
        if plugins.is_plugin_root(folder):
            return plugins.load_plugin(folder)
    return None


def _under_claude(parts: Sequence[str]) -> bool:
    return ".claude" in parts


def _in_skill(path: str) -> bool:
    """`path` is material inside a skill folder (`skills/<name>/` holding a SKILL.md)."""
    for folder in ancestors(path):
        parent = os.path.basename(os.path.dirname(os.path.abspath(folder)))
        if parent == "skills" and os.path.isfile(os.path.join(folder, SKILL_FILE)):
            return True
    return False


def _ignore(message: str) -> None:
    """Notes nobody asked for."""
