"""One test per catalog fact of Claude Code 2.1.332, each citing its source."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from lam_bot.catalog import CLAUDE_CODE_VERSION, COMMAND_KEYS, SKILL_KEYS
from lam_bot.cli import cli
from lam_bot.validator import FileResult, check_paths, check_text
from lam_bot.validator.rules.ids import RULES
from tests.validator.helpers import BODY, NEGATIVE, agent_text

HEAD = "name: reviewer\ndescription: Reviews code.\n"


def _rules(result: FileResult) -> dict[str, str]:
    return {d.rule: d.severity for d in result.diagnostics}


def _agent(frontmatter: str) -> dict[str, str]:
    return _rules(check_text(agent_text(HEAD + frontmatter)))


def _skill(frontmatter: str, kind: str = "skill") -> dict[str, str]:
    text = f"---\n{frontmatter}---\n\nDo the thing.\n"
    return _rules(check_text(text, path="x/SKILL.md", kind=kind))


def test_the_catalog_names_its_claude_code_version() -> None:
    result = CliRunner().invoke(cli, ["--version"])
    assert f"Claude Code {CLAUDE_CODE_VERSION}" in result.output
    runner = CliRunner()
    bad = str(NEGATIVE / "agent" / "tool-unknown.md")
    log = json.loads(runner.invoke(cli, ["validate", "--format", "sarif", bad]).output)
    driver = log["runs"][0]["tool"]["driver"]
    assert driver["properties"]["claudeCodeVersion"] == CLAUDE_CODE_VERSION
    (rule,) = driver["rules"]
    assert rule["properties"] == {"class": "loss", "source": RULES["tool-unknown"].source}


def test_team_tools_are_gone() -> None:
    # changelog 2.1.178: TeamCreate and TeamDelete were removed.
    found = check_text(agent_text(HEAD + "tools: Read, TeamCreate, TeamDelete\n")).diagnostics
    legacy = [d for d in found if d.rule == "tool-legacy"]
    assert len(legacy) == 2 and all(d.severity == "warning" for d in legacy)
    assert "2.1.178" in legacy[0].message


def test_manual_is_a_permission_mode() -> None:
    # docs: permission-modes; Claude Code 2.1.332 takes `manual` as an alias of `default`.
    assert _agent("permissionMode: manual\n") == {}


@pytest.mark.parametrize(
    "model",
    ["default", "best", "opusplan", "sonnet[1m]", "claude-opus-4-5", "us.anthropic.claude-x"],
)
def test_model_takes_what_the_model_flag_takes(model: str) -> None:
    # docs: model-config: aliases and full ids (API and cloud providers) for `--model`
    # (agents) and `/model` (skills, commands).
    assert _agent(f"model: {model}\n") == {}
    assert "model-invalid" not in _skill(f"model: {model}\n")


def test_an_unknown_model_is_an_error() -> None:
    # docs: model-config: anything else is refused when the agent runs.
    assert _agent("model: gpt-4\n") == {"model-invalid": "error"}


def test_skill_field_set() -> None:
    # docs: skills, frontmatter reference (Claude Code 2.1.332).
    text = (
        "name: x\ndescription: d\nwhen_to_use: when asked\narguments: [issue, branch]\n"
        "argument-hint: '[issue] [branch]'\nallowed-tools: Read Grep\n"
        "disallowed-tools: [AskUserQuestion]\nmodel: haiku\neffort: high\nbackground: true\n"
        "paths: ['src/**']\nshell: powershell\ncontext: fork\nagent: Explore\n"
        "hooks:\n  PreToolUse: []\nmetadata: {team: a}\ncompatibility: claude-code\n"
        "license: MIT\nuser-invocable: false\ndisable-model-invocation: 'true'\n"
    )
    assert _skill(text) == {}


def test_commands_take_skill_fields_but_name_and_paths() -> None:
    # docs: skills: commands take the same frontmatter except `name` and `paths`.
    assert {"name", "paths"} == SKILL_KEYS - COMMAND_KEYS
    assert _skill("description: d\nwhen_to_use: w\n", kind="command") == {}
    assert _skill("description: d\npaths: src/**\n", kind="command") == {"key-unknown": "warning"}


@pytest.mark.parametrize("value", ["Read, Grep", "Read Grep", "[Read, Grep]"])
def test_allowed_tools_forms(value: str) -> None:
    # docs: skills: allowed-tools is a comma- or space-separated string or a YAML list.
    assert _skill(f"description: d\nallowed-tools: {value}\n") == {}
    assert _skill(f"description: d\ndisallowed-tools: {value}\n", kind="command") == {}


def test_allowed_tools_of_the_wrong_type() -> None:
    # claude plugin validate 2.1.332: "allowed-tools must be a string or array of strings".
    assert _skill("description: d\nallowed-tools: 5\n") == {"tools-type": "error"}


@pytest.mark.parametrize("value", ["true", "false", "'true'", '"false"'])
def test_boolean_spellings(value: str) -> None:
    # docs: skills (`disable-model-invocation: true`); the strings "true"/"false" too.
    assert _skill(f"description: d\nuser-invocable: {value}\n") == {}
    assert _agent(f"background: {value}\n") == {}


@pytest.mark.parametrize("value", ["maybe", "yes", "off"])
def test_other_boolean_spellings_are_refused(value: str) -> None:
    # Claude Code parses YAML 1.2, where `yes` and `off` are strings (PyYAML's YAML 1.1
    # reads them as booleans).
    found = _skill(f"description: d\nuser-invocable: {value}\n")
    assert found == {"background-invalid": "error"}


def test_hooks_is_a_mapping_of_known_events() -> None:
    # docs: hooks (events); anthropics/claude-code#91781: `hooks: []` drops the agent.
    assert _agent("hooks: []\n") == {"hooks-invalid": "error"}
    assert _agent("hooks:\n  SubagentStop: []\n") == {}
    assert _agent("hooks:\n  OnSave: []\n") == {"hook-event-unknown": "warning"}


@pytest.mark.parametrize(
    ("field", "value"),
    [("metadata", "[a]"), ("mcpServers", "5"), ("skills", "{a: 1}"), ("paths", "{a: 1}")],
)
def test_field_types(field: str, value: str) -> None:
    # claude plugin validate 2.1.332: "'metadata' must be a mapping … dropped at load time";
    # docs: sub-agents (mcpServers, skills lists), skills (paths).
    found = _skill(f"description: d\n{field}: {value}\n") if field in ("metadata", "paths") else {}
    found = found or _agent(f"{field}: {value}\n")
    assert found == {"field-type": "error"}


def test_shell_values() -> None:
    # claude plugin validate 2.1.332: "shell must be 'bash' or 'powershell'".
    assert _skill("description: d\nshell: bash\n") == {}
    assert _skill("description: d\nshell: zsh\n") == {"shell-invalid": "error"}


def _plugin(tmp_path: Path, frontmatter: str | None) -> dict[str, str]:
    (tmp_path / ".claude-plugin").mkdir()
    (tmp_path / ".claude-plugin" / "plugin.json").write_text('{"name": "p"}')
    (tmp_path / "agents").mkdir()
    head = "" if frontmatter is None else f"---\n{frontmatter}---\n\n"
    (tmp_path / "agents" / "helper.md").write_text(head + BODY)
    (result,) = check_paths([tmp_path])
    return _rules(result)


def test_plugin_agents_ignore_hooks_mcp_servers_and_permission_mode(tmp_path: Path) -> None:
    # docs: plugins-reference: plugin agents do not support hooks, mcpServers,
    # permissionMode.
    found = _plugin(
        tmp_path, "name: h\ndescription: Reviews code.\npermissionMode: plan\nmcpServers: [a]\n"
    )
    assert found == {"plugin-agent-ignored": "warning"}


def test_plugin_agents_load_without_a_name(tmp_path: Path) -> None:
    # claude plugin validate 2.1.332 lists no finding: the agent loads under its file name.
    assert _plugin(tmp_path, "description: Reviews code.\n") == {}


def test_plugin_agents_load_without_frontmatter(tmp_path: Path) -> None:
    # claude plugin validate 2.1.332: only the warning "No frontmatter block found".
    assert _plugin(tmp_path, None) == {"description-missing": "warning"}


def test_project_agents_without_a_name_are_skipped() -> None:
    # claude plugin validate 2.1.332: "with no frontmatter name it is treated as a
    # co-located reference document and skipped".
    found = check_text(
        "---\ndescription: Reviews code.\n---\n\n" + BODY, path=".claude/agents/a.md"
    )
    assert _rules(found) == {"name-missing": "error"}


def test_tools_that_resolve_to_nothing() -> None:
    # docs: tools-reference: only tools that exist are given; none left is no tools at all.
    assert _agent("tools: Frob, Nicate\n")["tools-none"] == "error"
    assert "tools-none" not in _agent("tools: Frob, Read\n")


def test_tools_a_background_agent_does_not_get() -> None:
    # docs: sub-agents (background subagents cannot ask questions and get no MCP tools).
    found = _agent("background: true\ntools: Read, mcp__github\n")
    assert found == {"tool-background": "warning"}
    # AskUserQuestion no subagent gets at all: that warning says it already.
    found = _agent("background: true\ntools: Read, AskUserQuestion\n")
    assert found == {"tool-not-for-subagents": "warning"}
    assert _agent("tools: Read, mcp__github\n") == {}


def test_skill_name_is_a_display_label() -> None:
    # docs: skills (name is a display label); the Agent Skills specification's form is a
    # portability warning.
    found = _skill("name: gsd:add-backlog\ndescription: d\n")
    assert found == {"skill-name-invalid": "warning"}
    assert RULES["skill-name-invalid"].cls == "portable"


def test_long_skill_description_is_a_portability_warning() -> None:
    # agentskills.io specification: description at most 1,024 characters.
    assert _skill(f"description: {'x' * 1100}\n") == {"description-too-long": "warning"}


def test_bom_agent_is_not_registered() -> None:
    # anthropics/claude-code#73158: an agent starting with a UTF-8 BOM is not registered.
    assert _rules(check_text("\ufeff" + agent_text(HEAD)))["file-bom"] == "error"
    assert "file-bom" not in _skill("\ufeffname: x\ndescription: d\n")


def test_second_yaml_pass() -> None:
    # claude plugin validate 2.1.332 loads `description: Use when: x` (it quotes simple
    # one-line values that fail and parses again) and still fails on continuation lines.
    # (`x` says nothing, so it is also description-vacuous.)
    assert _rules(check_text(agent_text("name: a\ndescription: Use when: x\n"))) == {
        "frontmatter-lenient": "warning",
        "description-vacuous": "warning",
    }
    broken = agent_text("name: a\ndescription: Use\n  user: x\n")
    assert _rules(check_text(broken)) == {"frontmatter-yaml": "error"}
