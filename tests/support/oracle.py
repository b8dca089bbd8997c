"""The real Claude Code CLI as the load oracle: `claude plugin validate --json DIR`.

`scripts/install-oracle` installs `@anthropic-ai/claude-code` at the version of
`lam_bot.catalog.CLAUDE_CODE_VERSION` into the cache folder this module looks in. The CLI
runs offline with a scratch HOME and Claude Code's own switches for updates, telemetry
and other traffic (../shared/NOTES.md).

What the oracle's JSON says about a file (read from its output for broken files):
`contents[]` lists only files with findings, each with `file`, `type` (agent, skill,
command), `errors[]` and `warnings[]` of `{path, message}`. An error whose `path` is
`frontmatter` means the frontmatter is not read at all (YAML that fails even Claude
Code's second pass, or not a mapping): the file does not load, or loads with its
frontmatter dropped. Other errors name a field whose value is dropped (`description must
be a string … At runtime this value is dropped`). Warnings (no frontmatter block, no
description) leave the file loading.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path
from typing import NamedTuple

from lam_bot.catalog import CLAUDE_CODE_VERSION

INSTALL_HINT = (
    f"the Claude Code {CLAUDE_CODE_VERSION} oracle is not installed: run scripts/install-oracle"
)
OFFLINE = {
    "DISABLE_AUTOUPDATER": "1",
    "DISABLE_TELEMETRY": "1",
    "CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC": "1",
}


class Verdict(NamedTuple):
    """What the oracle says about one file."""

    load_errors: tuple[str, ...]  # frontmatter not read: does not load as written
    field_errors: tuple[str, ...]  # loads, dropping the value of a field
    warnings: tuple[str, ...]

    @property
    def loads(self) -> bool:
        """True when the oracle reads the file's frontmatter."""
        return not self.load_errors


CLEAN = Verdict((), (), ())


def oracle_dir() -> Path:
    """Where scripts/install-oracle puts the CLI (the same rule as the script)."""
    given = os.environ.get("LAM_BOT_ORACLE_DIR")
    if given:
        return Path(given)
    cache = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(cache) / "lam-bot" / "claude-code" / CLAUDE_CODE_VERSION


def oracle_path() -> Path | None:
    """The installed `claude` binary, or None."""
    binary = oracle_dir() / "node_modules" / ".bin" / "claude"
    return binary if binary.is_file() and os.access(binary, os.X_OK) else None


def run_oracle(binary: Path, folder: Path, home: Path) -> dict[Path, Verdict]:
    """The oracle's verdict on every file it reports under `folder` (resolved paths);
    a file it does not list is clean. Raises RuntimeError when it prints no report."""
    home.mkdir(parents=True, exist_ok=True)
    env = {"PATH": os.environ.get("PATH", ""), "HOME": str(home), **OFFLINE}
    done = subprocess.run(
        [str(binary), "plugin", "validate", "--json", str(folder)],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )
    try:
        report = json.loads(done.stdout)
    except ValueError:
        raise RuntimeError(f"oracle printed no JSON: {done.stderr.strip()[:500]}") from None
    return {Path(item["file"]).resolve(): _verdict(item) for item in report.get("contents") or []}


def _verdict(item: dict[str, list[dict[str, str]]]) -> Verdict:
    errors = item.get("errors") or []
    load = tuple(e["message"] for e in errors if e.get("path") == "frontmatter")
    fields = tuple(e["message"] for e in errors if e.get("path") != "frontmatter")
    return Verdict(load, fields, tuple(w["message"] for w in item.get("warnings") or []))


class Copy(NamedTuple):
    """One original file and its copy in an oracle tree."""

    original: Path
    copy: Path
    plugin: bool


def build_trees(files: list[tuple[Path, str, bool]], root: Path) -> list[Copy]:
    """Copy (path, kind, in_plugin) files into `root/project/.claude/…` and a plugin at
    `root/plugin`, byte for byte, each under a unique name (skills keep their folder name
    unless it is taken)."""
    plugin = root / "plugin"
    (plugin / ".claude-plugin").mkdir(parents=True)
    manifest = {"name": "oracle-check", "version": "1.0.0", "description": "copies"}
    (plugin / ".claude-plugin" / "plugin.json").write_text(json.dumps(manifest))
    bases = {False: root / "project" / ".claude", True: plugin}
    taken: set[Path] = set()
    copies = []
    for path, kind, in_plugin in files:
        target = _unique(bases[in_plugin], path, kind, taken)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, target)
        copies.append(Copy(path, target, in_plugin))
    return copies


def _unique(base: Path, path: Path, kind: str, taken: set[Path]) -> Path:
    number = 1
    while True:
        suffix = "" if number == 1 else f"-{number}"
        if kind == "skill":
            target = base / "skills" / f"{path.parent.name}{suffix}" / "SKILL.md"
        else:
            target = base / f"{kind}s" / f"{path.stem}{suffix}.md"
        if target not in taken:
            taken.add(target)
            return target
        number += 1
