"""Plugins and marketplaces as Claude Code reads them: which files are a plugin's components.

Sources (Claude Code docs, plugins-reference "Plugin manifest schema" and "Path behavior
rules", plugin-marketplaces "Plugin sources"; checked against Claude Code 2.1.332):
- a plugin's `.claude-plugin/plugin.json` is optional; without it the default folders
  `agents/`, `commands/` and `skills/` are scanned;
- the manifest's `agents` and `commands` (a path or a list of paths, files or folders)
  replace the default folder; its `skills` (folders holding `<name>/SKILL.md`, or a
  folder holding a `SKILL.md` itself) add to the default `skills/`;
- a plugin with a `SKILL.md` at its root, no `skills/` folder and no `skills` field is a
  single-skill plugin (2.1.142 and later); its `agents/` and `commands/` still count;
- a marketplace (`.claude-plugin/marketplace.json`) lists plugins whose `source` is a
  path relative to the marketplace root (`metadata.pluginRoot` is prepended to one that
  does not start with `./`); an entry may carry the same component fields as a manifest.
Paths that leave the plugin (or marketplace) root are ignored: an installed plugin cannot
reach them, and lam-bot never reads outside the folder it was given.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any, NamedTuple

MANIFEST_DIR = ".claude-plugin"
MANIFEST = os.path.join(MANIFEST_DIR, "plugin.json")
MARKETPLACE = os.path.join(MANIFEST_DIR, "marketplace.json")
MANIFEST_MAX_BYTES = 1024 * 1024
SKILL_FILE = "SKILL.md"
COMPONENT_FIELDS = ("agents", "commands", "skills")


class Plugin(NamedTuple):
    """A plugin root and where its components are, as existing paths inside it.

    `agents` and `commands`: the files and folders they come from (the manifest's paths,
    else the default folder); `skills`: the folders holding `<name>/SKILL.md` (or a
    `SKILL.md` of their own); `single`: the root `SKILL.md` of a single-skill plugin;
    `leaving`: the manifest's `agents`/`commands` paths that leave the plugin, as written.
    """

    root: str
    agents: tuple[str, ...]
    commands: tuple[str, ...]
    skills: tuple[str, ...]
    single: str | None
    leaving: tuple[str, ...] = ()


def load_plugin(root: str, entry: dict[str, Any] | None = None) -> Plugin:
    """The plugin at `root`, from its manifest and (when listed) its marketplace entry.

    The manifest wins where both name a component field (a marketplace entry is
    `strict` by default: plugin.json is the authority).
    """
    fields = dict(_component_fields(entry or {}))
    fields.update(_component_fields(read_json(os.path.join(root, MANIFEST)) or {}))
    skills = fields.get("skills", ())
    return Plugin(
        root,
        _existing(root, fields.get("agents", ("agents",))),
        _existing(root, fields.get("commands", ("commands",))),
        tuple(path for path in _existing(root, ("skills", *skills)) if os.path.isdir(path)),
        _single_skill(root, skills),
        _leaving(root, (*fields.get("agents", ()), *fields.get("commands", ()))),
    )


def _leaving(root: str, paths: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(path for path in paths if path and inside(root, path) is None)


def marketplace_plugins(root: str) -> Iterator[tuple[str, dict[str, Any]]]:
    """(plugin folder, marketplace entry) for each local plugin the marketplace at `root` lists."""
    market = read_json(os.path.join(root, MARKETPLACE))
    if market is None:
        return
    metadata = market.get("metadata")
    base = metadata.get("pluginRoot") if isinstance(metadata, dict) else None
    plugins = market.get("plugins")
    for entry in plugins if isinstance(plugins, list) else []:
        source = entry.get("source") if isinstance(entry, dict) else None
        if not isinstance(source, str):
            continue  # github, url, npm ...: not in this folder
        if isinstance(base, str) and not source.startswith("./"):
            source = os.path.join(base, source)
        folder = inside(root, source)
        if folder is not None and os.path.isdir(folder):
            yield folder, entry


def _existing(root: str, paths: tuple[str, ...]) -> tuple[str, ...]:
    found = (inside(root, path) for path in paths)
    return tuple(path for path in found if path is not None and os.path.exists(path))


def leaving_paths(plugin: Plugin) -> list[str]:
    """The manifest's `agents` and `commands` paths that leave the plugin, as written."""
    return list(plugin.leaving)


def _single_skill(root: str, skills: tuple[str, ...]) -> str | None:
    """The root `SKILL.md` of a plugin with no `skills/` folder and no `skills` field."""
    if skills or os.path.isdir(os.path.join(root, "skills")):
        return None
    path = os.path.join(root, SKILL_FILE)
    return path if os.path.isfile(path) else None


def is_plugin_root(folder: str) -> bool:
    """`folder` holds `.claude-plugin/`: a plugin, unless it holds only a marketplace."""
    if not os.path.isdir(os.path.join(folder, MANIFEST_DIR)):
        return False
    if os.path.isfile(os.path.join(folder, MANIFEST)):
        return True
    return not os.path.isfile(os.path.join(folder, MARKETPLACE))


def inside(root: str, relative: str) -> str | None:
    """`root`/`relative` normalised, or None when it is absolute or leaves `root`.

    Leaving counts by name (`../x`) and by symbolic link (a link to a folder elsewhere):
    an installed plugin cannot reach either.
    """
    if not relative or os.path.isabs(relative) or "\0" in relative:
        return None
    base = os.path.abspath(root)
    target = os.path.normpath(os.path.join(base, relative))
    if not _within(base, target):
        return None
    below = target[len(base) :].lstrip(os.sep) or os.curdir  # as os.path.relpath says it
    return None if _links_out(root, below) else os.path.normpath(os.path.join(root, relative))


def _links_out(root: str, below: str) -> bool:
    """A symbolic link between `root` and `root`/`below` (inclusive) points outside `root`."""
    base = os.path.normpath(root)
    parts = below.split(os.sep)
    for depth in range(1, len(parts) + 1):
        step = os.path.join(base, *parts[:depth])
        if os.path.islink(step) and not _within(os.path.realpath(base), os.path.realpath(step)):
            return True
    return False


def _within(base: str, path: str) -> bool:
    return path == base or path.startswith(base.rstrip(os.sep) + os.sep)


def read_json(path: str) -> dict[str, Any] | None:
    """The JSON object in `path`, or None when it is missing, too large or not an object."""
    from lam_bot.validator.source import read_limited

    try:
        data = read_limited(path, MANIFEST_MAX_BYTES)
        if data is None:
            return None
        import json  # only plugins and marketplaces pay for it

        value = json.loads(data)
    except (OSError, ValueError):
        return None
    return value if isinstance(value, dict) else None


def _component_fields(data: dict[str, Any]) -> Iterator[tuple[str, tuple[str, ...]]]:
    for field in COMPONENT_FIELDS:
        value = data.get(field)
        if isinstance(value, str):
            yield field, (value,)
        elif isinstance(value, list):
            yield field, tuple(item for item in value if isinstance(item, str))
