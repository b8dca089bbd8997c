"""The result cache: reused only while nothing that decides a result has changed."""

from __future__ import annotations

import marshal
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

import lam_bot.validator as validator
from lam_bot.validator import check_paths
from lam_bot.validator.cache import cache_dir
from tests.validator.helpers import GOOD_AGENT

CORPUS = Path(__file__).resolve().parents[3] / "shared" / "corpus"
EXAMPLES = Path(__file__).parent / "examples"
UNKNOWN_TOOL = "---\nname: a\ndescription: A.\ntools: Read, Frobnicate\n---\n\n" + "Body. " * 20


@pytest.fixture(autouse=True)
def own_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setenv("LAM_BOT_CACHE_DIR", str(folder))
    return folder


@pytest.fixture
def checks(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """The display paths of the files actually checked (not served from the cache)."""
    seen: list[str] = []
    original = validator._check_target

    def counting(target: validator.Target, catalog: validator.Catalog) -> validator.Checked:
        seen.append(target.display)
        return original(target, catalog)

    monkeypatch.setattr(validator, "_check_target", counting)
    monkeypatch.setattr(validator, "PARALLEL_MIN_FILES", 10**9)  # count in this process
    yield seen


def _agent(folder: Path, name: str, text: str, age: float = 3600) -> Path:
    path = folder / ".claude" / "agents" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    _age(path, age)
    return path


def _age(path: Path, seconds: float) -> None:
    then = time.time() - seconds
    os.utime(path, (then, then))


def test_a_second_run_reuses_results_and_agrees(tmp_path: Path, checks: list[str]) -> None:
    _agent(tmp_path, "good.md", GOOD_AGENT.read_text())
    _agent(tmp_path, "bad.md", UNKNOWN_TOOL)
    first = check_paths([tmp_path], cache=True)
    assert len(checks) == 2
    assert check_paths([tmp_path], cache=True) == first == check_paths([tmp_path])
    assert len(checks) == 4  # the uncached run checked both again; the cached one neither


def test_a_changed_file_is_checked_again(tmp_path: Path, checks: list[str]) -> None:
    path = _agent(tmp_path, "a.md", UNKNOWN_TOOL)
    assert check_paths([tmp_path], cache=True)[0].errors
    path.write_text(UNKNOWN_TOOL.replace("Frobnicate", "Grep      "))  # same size
    _age(path, 60)
    assert not check_paths([tmp_path], cache=True)[0].errors
    assert len(checks) == 2


def test_a_file_modified_moments_ago_is_not_stored(tmp_path: Path, checks: list[str]) -> None:
    _agent(tmp_path, "a.md", UNKNOWN_TOOL, age=0)
    check_paths([tmp_path], cache=True)
    check_paths([tmp_path], cache=True)
    assert len(checks) == 2


def test_a_new_catalog_does_not_see_old_results(tmp_path: Path) -> None:
    _agent(tmp_path, "a.md", UNKNOWN_TOOL)
    assert check_paths([tmp_path], cache=True)[0].errors
    (tmp_path / "pyproject.toml").write_text('[tool.lam-bot]\nextra-tools = ["Frobnicate"]\n')
    assert not check_paths([tmp_path], cache=True)[0].errors


def test_kind_and_shown_path_are_part_of_the_key(
    tmp_path: Path, checks: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    path = _agent(tmp_path, "a.md", GOOD_AGENT.read_text())
    as_agent = check_paths([path], cache=True)
    as_command = check_paths([path], kind="command", cache=True)
    assert as_agent[0].kind == "agent" and as_command[0].kind == "command"
    monkeypatch.chdir(tmp_path)
    relative = check_paths([Path(".claude")], cache=True)
    assert relative[0].path == os.path.join(".claude", "agents", "a.md")
    assert len(checks) == 3


def test_a_damaged_cache_is_ignored_and_rewritten(
    tmp_path: Path, own_cache: Path, checks: list[str]
) -> None:
    _agent(tmp_path, "a.md", UNKNOWN_TOOL)
    expected = check_paths([tmp_path], cache=True)
    (stored,) = own_cache.iterdir()
    entries = marshal.loads(stored.read_bytes())
    damaged = [
        b"",
        b"\x00garbage",
        marshal.dumps([1, 2]),
        marshal.dumps(dict.fromkeys(entries, 1)),
        marshal.dumps({key: (*value[:2], ("x",)) for key, value in entries.items()}),
    ]
    for garbage in damaged:
        stored.write_bytes(garbage)
        assert check_paths([tmp_path], cache=True) == expected
    assert check_paths([tmp_path], cache=True) == expected
    assert len(checks) == 6  # each damaged cache, then the rewritten one served the last


def test_a_cache_that_cannot_be_written_changes_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("")
    monkeypatch.setenv("LAM_BOT_CACHE_DIR", str(blocker / "cache"))
    _agent(tmp_path, "a.md", UNKNOWN_TOOL)
    assert check_paths([tmp_path], cache=True) == check_paths([tmp_path])


def test_the_folder_follows_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("LAM_BOT_CACHE_DIR")
    monkeypatch.setenv("XDG_CACHE_HOME", "/x")
    assert cache_dir() == "/x/lam-bot"


def test_no_cache_leaves_no_trace(tmp_path: Path, own_cache: Path) -> None:
    _agent(tmp_path, "a.md", GOOD_AGENT.read_text())
    command = [sys.executable, "-m", "lam_bot", "validate", "--no-cache", str(tmp_path)]
    assert subprocess.run(command, capture_output=True, check=False).returncode == 0
    assert not own_cache.exists()


def test_a_run_served_from_the_cache_never_imports_yaml(tmp_path: Path) -> None:
    _agent(tmp_path, "a.md", GOOD_AGENT.read_text())
    script = (
        "import sys\nfrom lam_bot.cli import main\n"
        f"code = main(['validate', '-q', {str(tmp_path)!r}])\n"
        "print(code, sorted(m for m in ('yaml', 'lam_bot.validator.rules') if m in sys.modules))"
    )
    runs = [
        subprocess.run([sys.executable, "-c", script], capture_output=True, text=True) for _ in "ab"
    ]
    assert [run.stdout.split("\n")[-2] for run in runs] == [
        "0 ['lam_bot.validator.rules', 'yaml']",
        "0 []",
    ]


@pytest.mark.skipif(not CORPUS.is_dir(), reason="no corpus beside the project")
def test_the_corpus_reads_the_same_from_the_cache() -> None:
    cold = check_paths([CORPUS], cache=True)
    assert check_paths([CORPUS], cache=True) == cold == check_paths([CORPUS])


def test_example_files_read_the_same_from_the_cache() -> None:
    cold = check_paths([EXAMPLES], cache=True)
    assert check_paths([EXAMPLES], cache=True) == cold == check_paths([EXAMPLES])
