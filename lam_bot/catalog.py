"""The Claude Code catalog: tool names, legacy names and field values, as data.

It matches Claude Code `CLAUDE_CODE_VERSION` (shown by `lam-bot --version` and in SARIF);
each set names its source: a page of the Claude Code docs (code.claude.com/docs/en/…),
a changelog version, an issue of anthropics/claude-code, or what the CLI of that version
itself does (`claude plugin validate`, the load oracle of the tests).

A repository can extend it without a code change, in its pyproject.toml:

    [tool.lam-bot]
    extra-tools = ["NewTool"]
    extra-models = ["my-model"]
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from types import MappingProxyType
from typing import NamedTuple

CLAUDE_CODE_VERSION = "2.1.332"

# docs: tools-reference (TeamCreate and TeamDelete left in 2.1.178, see LEGACY_TOOLS).
BUILTIN_TOOLS: frozenset[str] = frozenset(
    {
        "Agent",
        "Artifact",
        "AskUserQuestion",
        "Bash",
        "CronCreate",
        "CronDelete",
        "CronList",
        "Edit",
        "EndConversation",
        "EnterPlanMode",
        "EnterWorktree",
        "ExitPlanMode",
        "ExitWorktree",
        "Glob",
        "Grep",
        "ListAgents",
        "ListMcpResourcesTool",
        "LSP",
        "Monitor",
        "NotebookEdit",
        "PowerShell",
        "PushNotification",
        "Read",
        "ReadMcpResourceTool",
        "RemoteTrigger",
        "ReportFindings",
        "ScheduleWakeup",
        "SendMessage",
        "SendUserFile",
        "ShareOnboardingGuide",
        "Skill",
        "TaskCreate",
        "TaskGet",
        "TaskList",
        "TaskOutput",
        "TaskStop",
        "TaskUpdate",
        "TodoWrite",
        "ToolSearch",
        "WaitForMcpServers",
        "WebFetch",
        "WebSearch",
        "Workflow",
        "Write",
    }
)

# Legacy name -> current name, or None where the tool is simply gone (docs: tools-reference;
# changelog 2.1.178 for TeamCreate and TeamDelete).
LEGACY_TOOLS: dict[str, str | None] = {
    "TeamCreate": None,
    "TeamDelete": None,
    "Task": "Agent",
    "MultiEdit": "Edit",
    "LS": "Glob",
    "NotebookRead": "Read",
    "SlashCommand": "Skill",
    "TodoRead": None,
    "BashOutput": None,
    "KillShell": None,
    "KillBash": None,
}

# The version that removed a tool, for the message (changelog).
REMOVED_IN: dict[str, str] = {"TeamCreate": "2.1.178", "TeamDelete": "2.1.178"}

# Tools Claude Code never hands to a subagent (ExitPlanMode is allowed under permissionMode: plan).
NOT_FOR_SUBAGENTS: frozenset[str] = frozenset(
    {
        "AskUserQuestion",
        "EndConversation",
        "EnterPlanMode",
        "ScheduleWakeup",
        "TaskOutput",
        "WaitForMcpServers",
        "Workflow",
        "ExitPlanMode",
    }
)

# Tools a background subagent does not get: it cannot ask questions and has no MCP tools
# (docs: sub-agents, "Run subagents in foreground or background"). MCP names count too.
BACKGROUND_WITHHELD: frozenset[str] = frozenset({"AskUserQuestion"})

# docs: model-config: the aliases `--model` and `/model` accept (`inherit`: agents and
# skills keep the session's model); any full model id is accepted too (MODEL_ID_MARKERS).
MODEL_ALIASES: frozenset[str] = frozenset(
    {
        "default",
        "best",
        "sonnet",
        "opus",
        "haiku",
        "fable",
        "sonnet[1m]",
        "opus[1m]",
        "opusplan",
        "inherit",
    }
)
MODEL_ID_PREFIX = "claude-"
# docs: model-config: full ids of the API (`claude-…`) and of cloud providers (Bedrock
# `us.anthropic.claude-…` or an inference-profile ARN, Vertex `claude-…@date`).
MODEL_ID_MARKERS: tuple[str, ...] = ("claude-", "anthropic.claude", "arn:aws:bedrock:")
# docs: permission-modes; `manual` is an alias of `default` (Claude Code 2.1.332).
PERMISSION_MODES: frozenset[str] = frozenset(
    {"default", "acceptEdits", "auto", "dontAsk", "bypassPermissions", "plan", "manual"}
)
# docs: skills (context: fork); shell: what `claude plugin validate` 2.1.332 accepts.
SKILL_CONTEXTS: frozenset[str] = frozenset({"fork"})
SHELLS: frozenset[str] = frozenset({"bash", "powershell"})
# Boolean spellings Claude Code reads as true/false: YAML booleans and the strings
# "true"/"false" (docs: skills, `disable-model-invocation: true`).
BOOLEAN_STRINGS: frozenset[str] = frozenset({"true", "false"})
# Hook events of Claude Code 2.1.332 (docs: hooks; the CLI's own event list).
HOOK_EVENTS: frozenset[str] = frozenset(
    {
        "PreToolUse",
        "PostToolUse",
        "PostToolUseFailure",
        "PostToolBatch",
        "Notification",
        "UserPromptSubmit",
        "UserPromptExpansion",
        "SessionStart",
        "SessionEnd",
        "Stop",
        "StopFailure",
        "SubagentStart",
        "SubagentStop",
        "PreCompact",
        "PostCompact",
        "PreModelSwitch",
        "PostModelSwitch",
        "PermissionRequest",
        "PermissionDenied",
        "Setup",
        "TeammateIdle",
        "TaskCreated",
        "TaskCompleted",
        "Elicitation",
        "ElicitationResult",
        "ConfigChange",
        "WorktreeCreate",
        "WorktreeRemove",
        "InstructionsLoaded",
        "CwdChanged",
        "FileChanged",
        "DirectoryAdded",
        "MessageDisplay",
        "PreSkillShellCommand",
    }
)
# docs: plugins-reference: plugin agents do not support these fields (they are ignored).
PLUGIN_AGENT_IGNORED: tuple[str, ...] = ("hooks", "mcpServers", "permissionMode")
COLORS: frozenset[str] = frozenset(
    {"red", "blue", "green", "yellow", "purple", "orange", "pink", "cyan"}
)
EFFORTS: frozenset[str] = frozenset({"low", "medium", "high", "xhigh", "max"})
MEMORY_SCOPES: frozenset[str] = frozenset({"user", "project", "local"})
ISOLATIONS: frozenset[str] = frozenset({"worktree"})

# docs: sub-agents (supported frontmatter fields): anything else is an unknown key.
AGENT_KEYS: frozenset[str] = frozenset(
    {
        "name",
        "description",
        "tools",
        "disallowedTools",
        "model",
        "permissionMode",
        "maxTurns",
        "background",
        "color",
        "effort",
        "memory",
        "isolation",
        "skills",
        "mcpServers",
        "hooks",
        "initialPrompt",
    }
)

# Fields Claude Code reads in a SKILL.md (docs: skills, frontmatter reference: the Agent
# Skills specification's name, description, license, compatibility, metadata,
# allowed-tools, plus Claude Code's own); `version` is not read but is common in the wild.
SKILL_KEYS: frozenset[str] = frozenset(
    {
        "name",
        "description",
        "when_to_use",
        "license",
        "compatibility",
        "metadata",
        "allowed-tools",
        "disallowed-tools",
        "version",
        "argument-hint",
        "arguments",
        "disable-model-invocation",
        "user-invocable",
        "model",
        "effort",
        "background",
        "paths",
        "shell",
        "context",
        "agent",
        "hooks",
    }
)
# docs: skills: a command file takes the skill frontmatter except `name` and `paths`.
COMMAND_KEYS: frozenset[str] = SKILL_KEYS - {"name", "paths"}
# Skill and command fields read as booleans (docs: skills).
SKILL_BOOLEANS: tuple[str, ...] = ("disable-model-invocation", "user-invocable", "background")

# Documented forms (docs: sub-agents; the Agent Skills specification): an agent name, a
# skill name (also no leading/trailing/doubled hyphen), a skill description.
NAME_MAX = 64
SKILL_DESCRIPTION_MAX = 1024


class Catalog(NamedTuple):
    """The tool and value sets one validation run checks against."""

    tools: frozenset[str] = BUILTIN_TOOLS
    legacy: Mapping[str, str | None] = MappingProxyType(LEGACY_TOOLS)
    not_for_subagents: frozenset[str] = NOT_FOR_SUBAGENTS
    models: frozenset[str] = MODEL_ALIASES

    def extended(self, tools: list[str], models: list[str]) -> Catalog:
        """A copy with extra tool and model names."""
        return self._replace(
            tools=self.tools | frozenset(tools), models=self.models | frozenset(models)
        )


DEFAULT_CATALOG = Catalog()


def _find_pyproject(start: str) -> str | None:
    folder = start
    while True:
        candidate = os.path.join(folder, "pyproject.toml")
        if os.path.isfile(candidate):
            return candidate
        parent = os.path.dirname(folder)
        if parent == folder:
            return None
        folder = parent


def load_catalog(start: str | os.PathLike[str] | None = None) -> Catalog:
    """The default catalog, extended from `[tool.lam-bot]` of the nearest pyproject.toml."""
    pyproject = _find_pyproject(os.path.realpath(os.getcwd() if start is None else start))
    if pyproject is None:
        return DEFAULT_CATALOG
    with open(pyproject, encoding="utf-8", errors="replace") as file:
        text = file.read()
    if "[tool.lam-bot" not in text:  # skip the TOML parser on the common path
        return DEFAULT_CATALOG
    return _catalog_from_toml(pyproject, text)


def catalog_for(paths: Sequence[str | os.PathLike[str]]) -> Catalog:
    """The catalog for a run over `paths`: looked up from the first path (a folder) or the
    folder holding it (a file), upwards."""
    if not paths:
        return load_catalog()
    first = os.path.normpath(paths[0])
    return load_catalog(first if os.path.isdir(first) else os.path.dirname(first) or os.curdir)


def _catalog_from_toml(path: str, text: str) -> Catalog:
    from lam_bot.errors import ConfigError

    try:
        import tomllib
    except ModuleNotFoundError:  # Python 3.10
        import tomli as tomllib  # type: ignore[no-redef]
    try:
        table = tomllib.loads(text).get("tool", {}).get("lam-bot", {})
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML: {exc}") from None
    values = {key: table.get(key, []) for key in ("extra-tools", "extra-models")}
    for key, value in values.items():
        if not (isinstance(value, list) and all(isinstance(v, str) for v in value)):
            raise ConfigError(f"{path}: [tool.lam-bot] {key} must be a list of strings")
    return DEFAULT_CATALOG.extended(values["extra-tools"], values["extra-models"])
