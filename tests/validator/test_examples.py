"""Example files drive the rules: positive ones are clean, each negative one trips its rule."""

from __future__ import annotations

from pathlib import Path

import pytest

from lam_bot.validator import check_paths
from lam_bot.validator.rules.ids import RULE_HELP
from tests.validator.helpers import NEGATIVE, POSITIVE, rules

# Rules whose failing input is built by a test instead of stored as an example (a file
# that is not UTF-8 would trip the repository's own tools).
BUILT_IN_TESTS = {"file-encoding", "file-too-large", "file-unreadable", "score-low"}


def _negative_examples() -> list[tuple[str, Path, str]]:
    cases = []
    for kind_dir in sorted(NEGATIVE.iterdir()):
        for path in sorted(kind_dir.iterdir()):
            rule = path.name.removesuffix(".md").split("--")[0]
            cases.append((kind_dir.name, path, rule))
    return cases


NEGATIVE_EXAMPLES = _negative_examples()


@pytest.mark.parametrize(
    ("kind", "path", "rule"),
    NEGATIVE_EXAMPLES,
    ids=[f"{k}/{p.name}" for k, p, _ in NEGATIVE_EXAMPLES],
)
def test_negative_example_trips_its_rule(kind: str, path: Path, rule: str) -> None:
    results = check_paths([path], kind=None if path.is_dir() else kind)
    assert results, f"{path} was not checked"
    found = set().union(*(rules(r) for r in results))
    assert rule in found, f"{path}: expected {rule}, got {sorted(found)}"


def test_every_rule_has_a_failing_example() -> None:
    covered = {rule for _, _, rule in NEGATIVE_EXAMPLES}
    assert set(RULE_HELP) - covered == BUILT_IN_TESTS
    assert covered <= set(RULE_HELP)


def test_positive_examples_are_clean() -> None:
    results = check_paths([POSITIVE])
    assert {r.kind for r in results} == {"agent", "skill", "command"}
    assert [d for r in results for d in r.diagnostics] == []


def test_skill_material_is_never_checked() -> None:
    paths = {Path(r.path).name for r in check_paths([POSITIVE])}
    assert "helper.md" not in paths
    assert "planner.md" in paths  # listed by the plugin manifest, outside agents/
