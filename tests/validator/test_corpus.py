"""The real-world corpus (../shared/corpus): what Claude Code loads gets no load error.

Of about 360 agent files and 181 skills, eight agents have YAML that parses only through
Claude Code's second pass (an unquoted `: ` inside `description`): they load, with a
`frontmatter-lenient` warning. Two name tools that do not exist: errors. Every other
file loads in Claude Code and gets zero errors.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from lam_bot.validator import FileResult, check_paths
from lam_bot.validator.rules.vacuous import VACUOUS_RULES as VACUOUS

CORPUS = Path(__file__).resolve().parents[3] / "shared" / "corpus"
VOLTAGENT = "voltagent/categories"

BROKEN_YAML = {
    f"{VOLTAGENT}/04-quality-security/gdpr-ccpa-compliance.md",
    f"{VOLTAGENT}/07-specialized-domains/hipaa-compliance.md",
    f"{VOLTAGENT}/08-business-product/assumption-mapping.md",
    f"{VOLTAGENT}/08-business-product/backlog-grooming.md",
    f"{VOLTAGENT}/08-business-product/growth-loops.md",
    f"{VOLTAGENT}/10-research-analysis/ab-test-analysis.md",
    f"{VOLTAGENT}/10-research-analysis/cohort-analysis.md",
    f"{VOLTAGENT}/10-research-analysis/first-principles-thinking.md",
}
UNKNOWN_TOOLS = {
    f"{VOLTAGENT}/04-quality-security/ui-ux-tester.md",  # chrome-mcp, computer-use
    f"{VOLTAGENT}/09-meta-orchestration/codebase-orchestrator.md",  # subagent-catalog:search …
}

pytestmark = pytest.mark.skipif(not CORPUS.is_dir(), reason="../shared/corpus is absent")


@pytest.fixture(scope="module")
def results() -> dict[str, FileResult]:
    return {Path(r.path).relative_to(CORPUS).as_posix(): r for r in check_paths([CORPUS])}


def test_corpus_kinds(results: dict[str, FileResult]) -> None:
    kinds = Counter(r.kind for r in results.values())
    assert kinds["agent"] >= 350
    assert kinds["skill"] == 181
    # voltagent lists its agents in plugin manifests, outside any agents/ folder.
    assert sum(1 for path in results if path.startswith(VOLTAGENT)) >= 150


def test_exactly_the_broken_ten_have_errors(results: dict[str, FileResult]) -> None:
    with_errors = {path for path, r in results.items() if r.errors}
    assert with_errors == UNKNOWN_TOOLS


@pytest.mark.parametrize("path", sorted(BROKEN_YAML))
def test_lenient_yaml_reported_on_its_line(results: dict[str, FileResult], path: str) -> None:
    (diagnostic,) = [d for d in results[path].warnings if d.rule == "frontmatter-lenient"]
    assert diagnostic.line == 3  # the description line
    assert results[path].errors == ()


@pytest.mark.parametrize("path", sorted(UNKNOWN_TOOLS))
def test_unknown_tools_reported(results: dict[str, FileResult], path: str) -> None:
    assert {d.rule for d in results[path].errors} == {"tool-unknown"}


def test_magenta_is_only_a_warning(results: dict[str, FileResult]) -> None:
    colors = [d for r in results.values() for d in r.diagnostics if d.rule == "color-unknown"]
    assert len(colors) == 2
    assert all(d.severity == "warning" for d in colors)


# Risk review on the corpus (issue 9): five lines, all install instructions that pipe a
# download into a shell. Each is a true positive of the rule and benign in intent (the
# vendors' documented installers); a reviewer should still see them before installing.
RISK_HITS = {
    (f"{VOLTAGENT}/07-specialized-domains/healthcare-admin.md", 197),  # … install.sh | bash
    ("wshobson/plugins/cloud-infrastructure/skills/linkerd-patterns/SKILL.md", 58),
    ("wshobson/plugins/kubernetes-operations/skills/gitops-workflow/SKILL.md", 120),
    ("wshobson/plugins/python-development/skills/uv-package-manager/SKILL.md", 58),  # uv, sh
    ("wshobson/plugins/python-development/skills/uv-package-manager/SKILL.md", 61),  # irm|iex
}


def test_risk_review_flags_only_the_piped_installers(results: dict[str, FileResult]) -> None:
    hits = {
        (path, d.line, d.rule)
        for path, r in results.items()
        for d in r.diagnostics
        if d.rule.startswith("risk-")
    }
    assert hits == {(path, line, "risk-pipe-to-shell") for path, line in RISK_HITS}


def test_no_corpus_agent_is_vacuous(results: dict[str, FileResult]) -> None:
    # Every corpus agent was written by a person who said something: none is vacuous.
    found = [(p, d.rule) for p, r in results.items() for d in r.diagnostics if d.rule in VACUOUS]
    assert found == []
