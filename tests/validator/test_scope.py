"""Named files (what pre-commit passes) are checked against the other agents of their scope."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

import pytest

from lam_bot.validator import FileResult, check_paths
from lam_bot.validator.discover import discover, scope_agents
from tests.validator.helpers import agent_text, rules

BAD_TOOL = "tools: Read, Nope\n"


def _agent(path: Path, name: str, extra: str = "") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(agent_text(f"name: {name}\ndescription: Reviews code when asked.\n{extra}"))
    return path


def _duplicates(results: Sequence[FileResult]) -> list[tuple[str, str]]:
    return [
        (Path(r.path).name, d.message)
        for r in results
        for d in r.diagnostics
        if d.rule == "name-duplicate"
    ]


@pytest.mark.parametrize("cache", [False, True])
def test_a_named_file_meets_its_scope(
    tmp_path: Path, cache: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LAM_BOT_CACHE_DIR", str(tmp_path / "cache"))
    agents = tmp_path / ".claude/agents"
    _agent(agents / "a-first.md", "reviewer", BAD_TOOL)  # its own findings stay unreported
    _agent(agents / "team/z-other.md", "other")
    changed = _agent(agents / "m-new.md", "reviewer")
    results = check_paths([changed], cache=cache)
    assert [Path(r.path).name for r in results] == ["m-new.md"]
    assert _duplicates(results) == [
        ("m-new.md", f"agent name `reviewer` is already used by {agents / 'a-first.md'}")
    ]
    assert rules(results[0]) == {"name-duplicate"}


def test_the_named_file_carries_the_error_when_it_comes_first(tmp_path: Path) -> None:
    agents = tmp_path / ".claude/agents"
    changed = _agent(agents / "a-new.md", "reviewer")
    _agent(agents / "sub/b-old.md", "reviewer")
    (message,) = [m for _, m in _duplicates(check_paths([changed]))]
    assert message.endswith("b-old.md")


def test_two_named_files_keep_path_order(tmp_path: Path) -> None:
    agents = tmp_path / ".claude/agents"
    first = _agent(agents / "a.md", "reviewer")
    second = _agent(agents / "b.md", "reviewer")
    _agent(agents / "c.md", "reviewer")
    assert [name for name, _ in _duplicates(check_paths([second, first]))] == ["b.md"]


def test_plugin_scope_reads_the_manifests_agents(tmp_path: Path) -> None:
    plugin = tmp_path / "plugin"
    (plugin / ".claude-plugin").mkdir(parents=True)
    manifest = {"name": "plugin", "agents": ["./a.md", "./b.md"]}
    (plugin / ".claude-plugin/plugin.json").write_text(json.dumps(manifest))
    _agent(plugin / "a.md", "reviewer")
    changed = _agent(plugin / "b.md", "reviewer")
    _agent(tmp_path / "other-plugin/agents/a.md", "reviewer")  # another scope
    assert [name for name, _ in _duplicates(check_paths([changed]))] == ["b.md"]


def test_same_name_in_another_scope_is_fine(tmp_path: Path) -> None:
    _agent(tmp_path / "one/.claude/agents/a.md", "reviewer")
    changed = _agent(tmp_path / "two/.claude/agents/a.md", "reviewer")
    assert _duplicates(check_paths([changed])) == []


def test_a_loose_named_file_reads_nothing_else(tmp_path: Path) -> None:
    _agent(tmp_path / "a.md", "reviewer")
    changed = _agent(tmp_path / "b.md", "reviewer")
    assert _duplicates(check_paths([changed])) == []


CORPUS = Path(__file__).resolve().parents[3] / "shared" / "corpus"


@pytest.mark.skipif(not CORPUS.is_dir(), reason="../shared/corpus is absent")
def test_corpus_scopes_are_the_plugins() -> None:
    # voltagent: each category's plugin.json lists its agents (the scope is the plugin);
    # wshobson: each plugin's agents/ folder. Names repeat across plugins, never within.
    for manifest in sorted(CORPUS.glob("voltagent/categories/*/.claude-plugin/plugin.json")):
        listed = json.loads(manifest.read_text())["agents"]
        plugin = manifest.parent.parent
        (named,) = discover([plugin / listed[0]])
        assert named.origin == "plugin"
        others = {Path(t.path).name for t in scope_agents(named)}
        assert others == {entry.removeprefix("./") for entry in listed}
    named_files = sorted(CORPUS.glob("wshobson/plugins/*/agents/*.md"))
    results = check_paths(named_files)
    assert len(results) == len(named_files)
    assert not [d for r in results for d in r.diagnostics if d.rule == "name-duplicate"]
