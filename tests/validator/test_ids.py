"""The severity model: every rule has a class and a source, and findings follow it."""

from __future__ import annotations

from pathlib import Path

from lam_bot.validator import check_paths
from lam_bot.validator.rules.ids import ERROR_CLASSES, RULES, WARNING_CLASSES
from tests.validator.helpers import NEGATIVE, POSITIVE


def test_every_rule_has_a_class_and_a_source() -> None:
    for rule, entry in RULES.items():
        assert entry.source.strip(), rule
        assert entry.help.strip(), rule
        classes = ERROR_CLASSES if entry.severity == "error" else WARNING_CLASSES
        assert entry.severity in ("error", "warning"), rule
        assert entry.cls in classes, f"{rule}: class {entry.cls} is not a {entry.severity} class"


def test_every_class_has_a_rule() -> None:
    assert {entry.cls for entry in RULES.values()} == ERROR_CLASSES | WARNING_CLASSES


def test_findings_have_the_severity_of_their_rule() -> None:
    # Every example file, every finding: the rule code and the model agree.
    results = check_paths([POSITIVE])
    for kind_dir in NEGATIVE.iterdir():
        results += check_paths([kind_dir], kind=kind_dir.name)
    diagnostics = [d for r in results for d in r.diagnostics]
    assert len({d.rule for d in diagnostics}) >= 40
    for d in diagnostics:
        assert d.severity == RULES[d.rule].severity, f"{Path(d.path).name}: {d.rule}"


def test_the_readme_states_the_model() -> None:
    readme = (Path(__file__).parents[2] / "README.md").read_text()
    section = readme.split("**Severity model.**", 1)[1].split("\n\n", 1)[0]
    for cls in ERROR_CLASSES | WARNING_CLASSES:
        assert f"`{cls}`" in section, cls
