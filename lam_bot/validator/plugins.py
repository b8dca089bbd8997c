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
    """A plugin root and its manifest's component paths (None: the field is absent)."""

    root: str
    agents: tuple[str, ...] | None
    commands: tuple[str, ...] | None
    skills: tuple[str, ...]


def load_plugin(root: str, entry: dict[str, Any] | None = None) -> Plugin:
    """The plugin at `root`, from its manifest and (when listed) its marketplace entry.

    The manifest wins where both name a component field (a marketplace entry is
    `strict` by default: plugin.json is the authority).
    """
    fields = dict(_component_fields(entry or {}))
    fields.update(_component_fields(read_json(os.path.join(root, MANIFEST)) or {}))
    return Plugin(root, fields.get("agents"), fields.get("commands"), fields.get("skills", ()))


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


def leaving_paths(plugin: Plugin) -> list[str]:
    """The manifest's `agents` and `commands` paths that leave the plugin, as written."""
    listed = (*(plugin.agents or ()), *(plugin.commands or ()))
    return [path for path in listed if path and inside(plugin.root, path) is None]


def component_paths(plugin: Plugin, field: str) -> list[str]:
    """The existing files and folders a plugin's `agents` or `commands` come from."""
    paths: tuple[str, ...] | None = getattr(plugin, field)
    if paths is None:
        paths = (field,)
    found = (inside(plugin.root, path) for path in paths)
    return [path for path in found if path is not None and os.path.exists(path)]


def skill_folders(plugin: Plugin) -> list[str]:
    """The folders whose `<name>/SKILL.md` (or own `SKILL.md`) are the plugin's skills."""
    folders = [os.path.join(plugin.root, "skills")]
    folders += [path for path in (inside(plugin.root, p) for p in plugin.skills) if path]
    return [folder for folder in folders if os.path.isdir(folder)]


def single_skill(plugin: Plugin) -> str | None:
    """The root `SKILL.md` of a single-skill plugin, else None."""
    if plugin.skills or os.path.isdir(os.path.join(plugin.root, "skills")):
        return None
    path = os.path.join(plugin.root, SKILL_FILE)
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
    path = os.path.normpath(os.path.join(root, relative))
    if not _within(os.path.abspath(root), os.path.abspath(path)):
        return None
    if not _within(os.path.realpath(root), os.path.realpath(path)):
        return None
    return path


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
