"""Discovery finds the files Claude Code loads, of the kind it loads them as.

Sources cited per test: the Claude Code docs (mirror pleaseai/claude-code-docs,
docs/plugins-reference.md "Path behavior rules" and "Plugin manifest schema",
docs/plugin-marketplaces.md "Plugin sources"), and `claude plugin validate --json`
2.1.332, which lists the files it found in a `.claude/` folder or a plugin's default
folders (tests/validator/test_discover_oracle.py compares with it directly).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from lam_bot.validator import check_paths
from lam_bot.validator.discover import discover
from tests.validator.helpers import agent_text, rules

SKILL = "---\nname: {name}\ndescription: Does one thing well when asked to.\n---\n\nSteps.\n"


def _agent(path: Path, name: str | None = None) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    name = name or path.stem
    path.write_text(agent_text(f"name: {name}\ndescription: Reviews code when asked.\n"))
    return path


def _skill(path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(SKILL.format(name=path.parent.name))
    return path


def _manifest(root: Path, **fields: object) -> None:
    (root / ".claude-plugin").mkdir(parents=True, exist_ok=True)
    (root / ".claude-plugin" / "plugin.json").write_text(json.dumps({"name": root.name, **fields}))


def _found(root: Path, notes: list[str] | None = None) -> dict[str, str]:
    targets = discover([root], notes=None if notes is None else notes.append)
    return {Path(t.path).relative_to(root).as_posix(): t.kind for t in targets}


def test_project_folders(tmp_path: Path) -> None:
    # Oracle 2.1.332: .claude/agents and .claude/commands are read recursively, skills
    # only as .claude/skills/<name>/SKILL.md (a deeper SKILL.md is not listed).
    _agent(tmp_path / ".claude/agents/a.md")
    _agent(tmp_path / ".claude/agents/team/b.md")
    _agent(tmp_path / ".claude/commands/ops/deploy.md")
    _skill(tmp_path / ".claude/skills/review/SKILL.md")
    _skill(tmp_path / ".claude/skills/review/examples/inner/SKILL.md")
    _agent(tmp_path / ".claude/skills/review/agents/helper.md")  # the skill's material
    _agent(tmp_path / ".claude/other/c.md")
    assert _found(tmp_path) == {
        ".claude/agents/a.md": "agent",
        ".claude/agents/team/b.md": "agent",
        ".claude/commands/ops/deploy.md": "command",
        ".claude/skills/review/SKILL.md": "skill",
    }


def test_manifest_agents_and_commands_replace_the_default_folders(tmp_path: Path) -> None:
    # plugins-reference, Path behavior rules: "Replaces the default: commands, agents";
    # "Adds to the default: skills".
    plugin = tmp_path / "p"
    _manifest(plugin, agents=["./custom/x.md"], commands="./cmds/", skills="./more/")
    _agent(plugin / "agents/ignored.md")
    _agent(plugin / "custom/x.md")
    _agent(plugin / "commands/ignored.md")
    _agent(plugin / "cmds/sub/run.md")
    _skill(plugin / "skills/one/SKILL.md")
    _skill(plugin / "more/two/SKILL.md")
    assert _found(plugin) == {
        "custom/x.md": "agent",
        "cmds/sub/run.md": "command",
        "skills/one/SKILL.md": "skill",
        "more/two/SKILL.md": "skill",
    }


def test_default_folders_beside_the_manifest(tmp_path: Path) -> None:
    # plugins-reference: "The manifest is optional ... auto-discovers components in
    # default locations"; the oracle lists agents/sub/*.md of a plugin too.
    plugin = tmp_path / "p"
    (plugin / ".claude-plugin").mkdir(parents=True)
    _agent(plugin / "agents/a.md")
    _agent(plugin / "agents/sub/b.md")
    _agent(plugin / "docs/agents/page.md")  # not a component of the plugin
    _agent(plugin / "examples/agents/sample.md")
    assert _found(plugin) == {"agents/a.md": "agent", "agents/sub/b.md": "agent"}


def test_manifest_paths_never_leave_the_plugin(tmp_path: Path) -> None:
    _agent(tmp_path / "outside.md")
    plugin = tmp_path / "p"
    (tmp_path / "elsewhere").mkdir()
    _agent(tmp_path / "elsewhere/far.md")
    agents = ["../outside.md", str(tmp_path / "outside.md"), "./in.md", "./linked/"]
    _manifest(plugin, agents=agents)
    _agent(plugin / "in.md")
    (plugin / "linked").symlink_to(tmp_path / "elsewhere")
    # The leaving paths are never read; the manifest itself is reported once
    # (manifest-path-outside, a load error: claude plugin validate refuses such paths).
    assert _found(plugin) == {"in.md": "agent", ".claude-plugin/plugin.json": "agent"}
    refused = [d for r in check_paths([plugin]) for d in r.diagnostics if r.path.endswith(".json")]
    assert [d.rule for d in refused] == ["manifest-path-outside"]
    assert "../outside.md" in refused[0].message and "./linked/" in refused[0].message


def test_marketplace_sources(tmp_path: Path) -> None:
    # plugin-marketplaces, Plugin sources: a relative `source` is resolved against the
    # marketplace root; `metadata.pluginRoot` is prepended to one without `./`; an
    # entry may carry component fields; github/npm sources are not local.
    market = {
        "name": "m",
        "owner": {"name": "o"},
        "metadata": {"pluginRoot": "./plugins"},
        "plugins": [
            {"name": "one", "source": "one"},
            {"name": "two", "source": "./plugins/two", "agents": ["./special/s.md"]},
            {"name": "far", "source": {"source": "github", "repo": "o/far"}},
            {"name": "escape", "source": "../elsewhere"},
        ],
    }
    (tmp_path / ".claude-plugin").mkdir()
    (tmp_path / ".claude-plugin/marketplace.json").write_text(json.dumps(market))
    _agent(tmp_path / "plugins/one/agents/a.md")
    _agent(tmp_path / "plugins/two/agents/ignored.md")
    _agent(tmp_path / "plugins/two/special/s.md")
    _agent(tmp_path / "docs/agents/page.md")
    assert _found(tmp_path) == {
        "plugins/one/agents/a.md": "agent",
        "plugins/two/special/s.md": "agent",
    }


def test_single_skill_plugin_keeps_its_agents_and_commands(tmp_path: Path) -> None:
    # plugins-reference: a plugin with a SKILL.md at its root, no skills/ folder and no
    # `skills` field is a single-skill plugin (2.1.142); agents/ and commands/ still load.
    plugin = tmp_path / "p"
    _manifest(plugin)
    _skill(plugin / "SKILL.md")
    _agent(plugin / "agents/a.md")
    _agent(plugin / "commands/c.md")
    _agent(plugin / "references/notes.md")
    assert _found(plugin) == {
        "SKILL.md": "skill",
        "agents/a.md": "agent",
        "commands/c.md": "command",
    }


def test_a_skill_elsewhere_does_not_swallow_its_folders_agents(tmp_path: Path) -> None:
    _skill(tmp_path / "tools/SKILL.md")
    _agent(tmp_path / "tools/agents/a.md")
    _skill(tmp_path / "skills/s/SKILL.md")
    _agent(tmp_path / "skills/s/agents/material.md")  # inside a real skill folder
    assert _found(tmp_path) == {
        "tools/SKILL.md": "skill",
        "tools/agents/a.md": "agent",
        "skills/s/SKILL.md": "skill",
    }


def test_docs_pages_are_agents_only_when_named(tmp_path: Path) -> None:
    page = _agent(tmp_path / "docs/agents/reviewer.md")
    _agent(tmp_path / "docs/.claude/agents/real.md")
    assert _found(tmp_path) == {"docs/.claude/agents/real.md": "agent"}
    assert [t.kind for t in discover([page])] == ["agent"]
    assert _found(tmp_path / "docs") == {
        "agents/reviewer.md": "agent",
        ".claude/agents/real.md": "agent",
    }


def test_documentation_in_an_agents_folder_is_skipped_with_a_note(tmp_path: Path) -> None:
    agents = tmp_path / ".claude/agents"
    _agent(agents / "a.md")
    for name in ("README.md", "CLAUDE.md", "INDEX.md", "STYLE-GUIDE.md"):
        (agents / name).write_text("# About these agents\n\nThey review code.\n")
    notes: list[str] = []
    assert _found(tmp_path, notes) == {".claude/agents/a.md": "agent"}
    assert len(notes) == 4
    assert all("skipped, a documentation page (no frontmatter)" in note for note in notes)
    named: list[str] = []
    assert discover([agents / "CLAUDE.md"], notes=named.append) == []
    assert len(named) == 1


def test_a_documentation_name_with_frontmatter_is_an_agent(tmp_path: Path) -> None:
    _agent(tmp_path / "agents/README.md", "readme")
    assert _found(tmp_path) == {"agents/README.md": "agent"}


def test_an_agent_without_frontmatter_says_what_claude_code_does(tmp_path: Path) -> None:
    # Oracle 2.1.332: in .claude/agents "with no frontmatter name it is treated as a
    # co-located reference document and skipped"; in a plugin it loads under its file
    # name ("No frontmatter block found ... to set description and other metadata").
    project = tmp_path / "project/.claude/agents/reviewer.md"
    plugin = tmp_path / "plugin/agents/reviewer.md"
    loose = tmp_path / "loose/agents/reviewer.md"  # could be either
    (tmp_path / "plugin/.claude-plugin").mkdir(parents=True)
    for path in (project, plugin, loose):
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("You review code and report the problems you find, worst first.\n")
    messages = {
        Path(d.path).parts[len(tmp_path.parts)]: d.message
        for r in check_paths([tmp_path])
        for d in r.diagnostics
        if d.rule in ("frontmatter-missing", "description-missing")
    }
    assert "reference document and does not load it" in messages["project"]
    # The plugin agent loads, so the rules report only its missing description (a warning).
    assert "loads this plugin agent under its file name" in messages["plugin"]
    assert "skips it under .claude/agents/ and in a plugin loads it" in messages["loose"]
    named = check_paths([project.parent])  # the agents folder itself, named
    assert "reference document" in named[0].diagnostics[0].message


def test_misnamed_skill_files_are_reported(tmp_path: Path) -> None:
    _skill(tmp_path / ".claude/skills/one/skill.md")
    _skill(tmp_path / "plugin/skills/two/Skill.md")
    (tmp_path / "plugin/.claude-plugin").mkdir()
    _skill(tmp_path / "skills/three/SKILL.md")
    results = check_paths([tmp_path])
    reported = {Path(r.path).name for r in results if "skill-file-name" in rules(r)}
    assert reported == {"skill.md", "Skill.md"}
    named = check_paths([tmp_path / ".claude/skills/one/skill.md"])
    assert [r.errors[0].rule for r in named] == ["skill-file-name"]


def test_a_folder_of_loose_agents_says_how_to_check_them(tmp_path: Path) -> None:
    _agent(tmp_path / "reviewer.md")
    (tmp_path / "README.md").write_text("# My agents\n")
    notes: list[str] = []
    assert discover([tmp_path], notes=notes.append) == []
    assert len(notes) == 1
    assert notes[0].endswith(f"lam-bot validate --kind agent {tmp_path}")
    assert [t.kind for t in discover([tmp_path], kind="agent")] == ["agent"]


def test_corpus_voltagent_lists_and_wshobson_folders(tmp_path: Path) -> None:
    # The two layouts of ../shared/corpus, rebuilt small: voltagent's plugin.json lists
    # agent files beside it; wshobson's plugins use agents/ and skills/ folders.
    volt = tmp_path / "voltagent/categories/01-core"
    _manifest(volt, agents=["./api-designer.md"])
    _agent(volt / "api-designer.md")
    (volt / "README.md").write_text("# Core development\n")
    wsh = tmp_path / "wshobson/plugins/backend"
    _agent(wsh / "agents/architect.md")
    _skill(wsh / "skills/api-design/SKILL.md")
    assert _found(tmp_path) == {
        "voltagent/categories/01-core/api-designer.md": "agent",
        "wshobson/plugins/backend/agents/architect.md": "agent",
        "wshobson/plugins/backend/skills/api-design/SKILL.md": "skill",
    }


def test_a_plugin_kept_in_the_skills_folder(tmp_path: Path) -> None:
    # plugins-reference, skills-directory plugins: `<skills-dir>/foo/.claude-plugin/
    # plugin.json` is a plugin `foo@skills-dir` with its own skills and agents.
    tool = tmp_path / ".claude/skills/tool"
    _manifest(tool)
    _agent(tool / "agents/helper.md")
    _skill(tool / "skills/inner/SKILL.md")
    assert _found(tmp_path) == {
        ".claude/skills/tool/agents/helper.md": "agent",
        ".claude/skills/tool/skills/inner/SKILL.md": "skill",
    }


def test_a_marketplace_that_is_its_own_plugin(tmp_path: Path) -> None:
    # plugin-marketplaces: a `source` of "./" is the marketplace root itself, listing
    # its skills (as anthropics/skills does).
    market = {"name": "m", "owner": {"name": "o"}, "plugins": [{"name": "all", "source": "./"}]}
    (tmp_path / ".claude-plugin").mkdir()
    (tmp_path / ".claude-plugin/marketplace.json").write_text(json.dumps(market))
    _skill(tmp_path / "skills/pdf/SKILL.md")
    _agent(tmp_path / "agents/a.md")
    _agent(tmp_path / "docs/agents/page.md")
    assert _found(tmp_path) == {"skills/pdf/SKILL.md": "skill", "agents/a.md": "agent"}


def test_the_current_folder_keeps_its_real_name(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _agent(tmp_path / ".claude/agents/a.md")
    _skill(tmp_path / ".claude/skills/s/SKILL.md")
    monkeypatch.chdir(tmp_path / ".claude/agents")
    assert [(t.display, t.kind, t.origin) for t in discover(["."])] == [
        ("a.md", "agent", "project")
    ]
    monkeypatch.chdir(tmp_path / ".claude")
    assert [t.display for t in discover(["."])] == ["agents/a.md", "skills/s/SKILL.md"]
