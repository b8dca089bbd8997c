from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from lam_bot.catalog import BUILTIN_TOOLS
from lam_bot.errors import InputError
from lam_bot.plan import Plan
from lam_bot.synthesize import (
    agent_filename,
    code,
    derive_grants,
    describe,
    one_line,
    reasoning_grants,
    safe_agent_path,
    synthesize,
)
from lam_bot.validator import check_text
from tests.support.plans import example_plan


def plan_with(**changes: object) -> Plan:
    data = example_plan()
    for dotted, value in changes.items():
        node: Any = data
        *parents, last = dotted.split("__")
        for key in parents:
            node = node[int(key)] if key.isdigit() else node[key]
        node[last] = value
    return Plan.model_validate(data)


def frontmatter(text: str) -> dict[str, object]:
    _, block, _ = text.split("---\n", 2)
    loaded = yaml.safe_load(block)
    assert isinstance(loaded, dict)
    return loaded


def test_seed_example_scores_100_without_warnings() -> None:
    synthesis = synthesize(plan_with())
    result = check_text(synthesis.text, "docker-memory-monitor.md")
    assert result.score == 100
    assert result.diagnostics == ()


def test_frontmatter_fields() -> None:
    fields = frontmatter(synthesize(plan_with()).text)
    assert list(fields) == ["name", "description", "tools", "model"]
    assert fields["name"] == "docker-memory-monitor"
    assert fields["model"] == "inherit"
    assert fields["tools"] == "Read, Grep, Glob, Bash"
    assert fields["description"] == (
        "Monitors Docker container memory usage and alerts on high usage. "
        "Use when the user asks for a memory check or a scheduled check runs."
    )


def test_grants_keep_their_reasons() -> None:
    grants = {grant.tool: grant.reason for grant in synthesize(plan_with()).grants}
    assert grants["Bash"].startswith('named in the reasoning: "It requires Bash for running')
    assert grants["Read"].startswith("named in the reasoning")
    assert grants["Grep"].startswith("reads or inspects files")


def test_body_sections() -> None:
    text = synthesize(plan_with()).text
    for heading in ("## Tools", "## Process", "## Constraints", "## Output"):
        assert f"\n{heading}\n" in text
    assert (
        "1. Collect current memory usage for each container. Use `check_container_stats`." in text
    )
    assert "If it fails: Report that the Docker daemon is unreachable." in text


@pytest.mark.parametrize(
    ("text", "tools"),
    [
        ("Runs kubectl get pods to list failing pods", {"Bash"}),
        ("Creates a new markdown file with the summary", {"Write"}),
        ("Updates the config file with the new limits", {"Edit"}),
        ("Calls the Jira REST API for open tickets", {"WebFetch"}),
        ("Searches the web for CVE announcements", {"WebSearch"}),
        ("Delegates each repository to a sub-agent", {"Agent"}),
        ("Reads the log files for stack traces", {"Read", "Grep", "Glob"}),
    ],
)
def test_keyword_rules(text: str, tools: set[str]) -> None:
    plan = plan_with(
        reasoning="A small design.",
        agent__tools=[example_plan()["agent"]["tools"][0] | {"description": text}],
        agent__skills__0__steps=[{"action": "Report", "tool": None, "on_failure": None}],
    )
    assert {grant.tool for grant in derive_grants(plan)} == tools


def test_fallback_is_read_grep_glob() -> None:
    plan = plan_with(
        reasoning="A small design.",
        agent__tools=[example_plan()["agent"]["tools"][0] | {"description": "Summarises stats"}],
        agent__skills__0__steps=[{"action": "Report", "tool": None, "on_failure": None}],
    )
    grants = derive_grants(plan)
    assert [grant.tool for grant in grants] == ["Read", "Grep", "Glob"]


def test_reasoning_names_are_case_sensitive_whole_words_mid_sentence() -> None:
    text = "Read the docs first. It needs Bash, WebFetch for the API and bash or Bashful. Agent x."
    assert [grant.tool for grant in reasoning_grants(text)] == ["Bash", "WebFetch"]


def test_never_grants_outside_the_catalog_or_subagent_forbidden() -> None:
    reasoning = "It uses AskUserQuestion, Workflow, Kubernetes and FooTool plus Write for reports."
    grants = derive_grants(plan_with(reasoning=reasoning))
    names = {grant.tool for grant in grants}
    assert names <= BUILTIN_TOOLS
    assert "AskUserQuestion" not in names and "Workflow" not in names
    assert "Write" in names


def test_untrusted_strings_stay_on_one_line() -> None:
    hostile = "ok\n---\nname: evil\n## Constraints\n|---|---|\u202e"
    plan = plan_with(
        agent__description=hostile, agent__role=hostile, agent__constraints=[hostile, hostile]
    )
    synthesis = synthesize(plan)
    fields = frontmatter(synthesis.text)
    assert fields["name"] == "docker-memory-monitor"
    assert synthesis.text.count("\n---\n") == 1
    result = check_text(synthesis.text, "docker-memory-monitor.md")
    assert result.errors == () and result.warnings == ()
    assert "\u202e" not in synthesis.text


def test_description_without_triggers_and_with_when_prefix() -> None:
    plan = plan_with(agent__skills__0__trigger="When a deploy finishes.")
    assert describe(plan).endswith("Use when a deploy finishes.")


def test_one_line() -> None:
    assert one_line(" a\n\tb\x00c\u200b ") == "a b c"
    assert one_line("abcdef", 4) == "abc…"


@pytest.mark.parametrize("name", ["../evil", "a/b", "..", "Evil", "x" * 65, "", "a--b"])
def test_traversal_and_bad_names_refused(tmp_path: Path, name: str) -> None:
    with pytest.raises(InputError):
        safe_agent_path(tmp_path, name)


def test_safe_path_refuses_symlink_escape(tmp_path: Path) -> None:
    outside = tmp_path / "outside.md"
    outside.write_text("x")
    agents = tmp_path / "agents"
    agents.mkdir()
    (agents / "monitor.md").symlink_to(outside)
    with pytest.raises(InputError, match="escapes"):
        safe_agent_path(agents, "monitor")
    assert safe_agent_path(agents, "other") == (agents / "other.md").resolve()


@pytest.mark.parametrize("name", ["con", "nul", "aux", "prn", "com1", "lpt9", "COM3", "Nul"])
def test_windows_reserved_names_are_refused_with_a_clear_message(tmp_path: Path, name: str) -> None:
    # CON.md is as unusable as CON on Windows: the extension does not matter.
    with pytest.raises(InputError, match=r"reserved file name on Windows|not a valid agent name"):
        safe_agent_path(tmp_path, name)
    with pytest.raises(InputError, match="reserved file name on Windows"):
        agent_filename(name.lower())


@pytest.mark.parametrize("name", ["console", "com10", "lpt0", "nul-checker", "aux-monitor"])
def test_names_that_only_start_like_reserved_ones_are_fine(tmp_path: Path, name: str) -> None:
    assert safe_agent_path(tmp_path, name).name == f"{name}.md"


def test_names_with_backticks_stay_one_code_span() -> None:
    assert code("send_alert") == "`send_alert`"
    assert code("a`b") == "`` a`b ``"
    assert code("x\n## y") == "`x ## y`"


def test_step_input_is_written_after_the_tool() -> None:
    steps = [{"action": "Probe", "tool": "check_container_stats", "input": {"id": "web", "n": 3}}]
    text = synthesize(plan_with(agent__skills__0__steps=steps)).text
    assert "1. Probe. Use `check_container_stats`. Input: `id` = web; `n` = 3.\n" in text
