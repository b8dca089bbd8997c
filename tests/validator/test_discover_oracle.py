"""Discovery against the real Claude Code: `claude plugin validate --json` lists what it found.

The oracle lists only files with findings, so every file here has frontmatter that no
YAML parser accepts (a description over several lines with a `key: "…"` line): each
file the oracle finds is listed as an error, and the listed set is what it discovered.
"""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

from lam_bot.validator.discover import discover

VERSION = "2.1.332"
BINARY = "node_modules/@anthropic-ai/claude-code-linux-x64/claude"
ORACLE = Path(
    os.environ.get(
        "LAM_BOT_CLAUDE_CODE", Path.home() / f".cache/lam-bot/claude-code/{VERSION}/{BINARY}"
    )
)
BROKEN = '---\nname: {name}\ndescription: Reviews: code\n  user: "hi"\n---\n\nBody text.\n'

pytestmark = pytest.mark.skipif(
    not ORACLE.is_file(),
    reason=f"Claude Code {VERSION} is not installed: npm install --prefix "
    f"~/.cache/lam-bot/claude-code/{VERSION} @anthropic-ai/claude-code@{VERSION}",
)


def _write(root: Path, *paths: str) -> None:
    for relative in paths:
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(
            BROKEN.format(name=path.parent.name if path.name == "SKILL.md" else path.stem)
        )


def _oracle(root: Path, home: Path) -> set[str]:
    home.mkdir(exist_ok=True)
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(home),
        "DISABLE_AUTOUPDATER": "1",
        "DISABLE_TELEMETRY": "1",
        "CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC": "1",
    }
    command = [str(ORACLE), "plugin", "validate", "--json", str(root)]
    done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=120)
    report = json.loads(done.stdout)
    return {Path(item["file"]).relative_to(root).as_posix() for item in report["contents"] or []}


def _ours(root: Path) -> set[str]:
    return {Path(t.path).relative_to(root).as_posix() for t in discover([root]) if not t.problem}


def test_project_folder_as_the_oracle_finds_it(tmp_path: Path) -> None:
    root = tmp_path / "project"
    _write(
        root,
        ".claude/agents/a.md",
        ".claude/agents/team/b.md",
        ".claude/commands/c.md",
        ".claude/commands/ops/d.md",
        ".claude/skills/s/SKILL.md",
        ".claude/skills/s/deep/t/SKILL.md",
        ".claude/skills/x/y/SKILL.md",
        ".claude/skills/q/skill.md",
        ".claude/other/o.md",
        "docs/agents/page.md",
    )
    assert _ours(root) == _oracle(root, tmp_path / "home")


def test_plugin_default_folders_as_the_oracle_finds_them(tmp_path: Path) -> None:
    root = tmp_path / "plugin"
    (root / ".claude-plugin").mkdir(parents=True)
    (root / ".claude-plugin/plugin.json").write_text('{"name": "plugin"}')
    _write(
        root,
        "agents/a.md",
        "agents/sub/b.md",
        "commands/c.md",
        "skills/s/SKILL.md",
        "other/o.md",
        "docs/agents/page.md",
    )
    assert _ours(root) == _oracle(root, tmp_path / "home")


def test_known_difference_manifest_paths(tmp_path: Path) -> None:
    # `plugin validate` scans the default folders only; the runtime follows the
    # manifest's `agents` and `commands`, which replace them (docs: plugins-reference,
    # Path behavior rules). lam-bot checks what the runtime loads.
    root = tmp_path / "plugin"
    (root / ".claude-plugin").mkdir(parents=True)
    manifest = {"name": "plugin", "agents": ["./custom/x.md"]}
    (root / ".claude-plugin/plugin.json").write_text(json.dumps(manifest))
    _write(root, "agents/a.md", "custom/x.md")
    assert _oracle(root, tmp_path / "home") == {"agents/a.md"}
    assert _ours(root) == {"custom/x.md"}


def test_known_difference_documentation_in_a_plugin(tmp_path: Path) -> None:
    # In a plugin the oracle takes agents/README.md without frontmatter for an agent
    # (a warning: "No frontmatter block found"); lam-bot skips it with a note, as the
    # page is documentation (issue 10). Under .claude/agents both skip it.
    for root in (tmp_path / "plugin", tmp_path / "project/.claude"):
        (root / "agents").mkdir(parents=True)
        (root / "agents/README.md").write_text("# About these agents\n")
    (tmp_path / "plugin/.claude-plugin").mkdir()
    (tmp_path / "plugin/.claude-plugin/plugin.json").write_text('{"name": "plugin"}')
    home = tmp_path / "home"
    assert _oracle(tmp_path / "plugin", home) == {"agents/README.md"}
    assert _oracle(tmp_path / "project", home) == set()
    assert _ours(tmp_path / "plugin") == _ours(tmp_path / "project") == set()
    notes: list[str] = []
    discover([tmp_path / "plugin"], notes=notes.append)
    assert notes[0].endswith("Claude Code still loads it as a plugin agent: keep it out of agents/")


CORPUS_PLUGIN = (
    Path(__file__).resolve().parents[3] / "shared/corpus/voltagent/categories/08-business-product"
)


@pytest.mark.skipif(not CORPUS_PLUGIN.is_dir(), reason="../shared/corpus is absent")
def test_known_difference_on_the_corpus(tmp_path: Path) -> None:
    # The same difference on a real plugin: voltagent's plugin.json lists its agents
    # beside the manifest. `plugin validate` finds none of them (not even the three whose
    # YAML breaks), the runtime loads every one; lam-bot checks every one.
    manifest = json.loads((CORPUS_PLUGIN / ".claude-plugin/plugin.json").read_text())
    listed = {entry.removeprefix("./") for entry in manifest["agents"]}
    assert _oracle(CORPUS_PLUGIN, tmp_path / "home") == set()
    assert _ours(CORPUS_PLUGIN) == listed
