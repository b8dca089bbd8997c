"""The Claude Code catalog: tool names, legacy names and field values, as data.

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
        "TeamCreate",
        "TeamDelete",
        "TodoWrite",
        "ToolSearch",
        "WaitForMcpServers",
        "WebFetch",
        "WebSearch",
        "Workflow",
        "Write",
    }
)

# Legacy name -> current name, or None where the tool is simply gone.
LEGACY_TOOLS: dict[str, str | None] = {
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

MODEL_ALIASES: frozenset[str] = frozenset({"sonnet", "opus", "haiku", "fable", "inherit"})
MODEL_ID_PREFIX = "claude-"
PERMISSION_MODES: frozenset[str] = frozenset(
    {"default", "acceptEdits", "auto", "dontAsk", "bypassPermissions", "plan", "manual"}
)
COLORS: frozenset[str] = frozenset(
    {"red", "blue", "green", "yellow", "purple", "orange", "pink", "cyan"}
)
EFFORTS: frozenset[str] = frozenset({"low", "medium", "high", "xhigh", "max"})
MEMORY_SCOPES: frozenset[str] = frozenset({"user", "project", "local"})
ISOLATIONS: frozenset[str] = frozenset({"worktree"})

# Frontmatter keys Claude Code reads for an agent; anything else is an unknown key.
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

# Fields Claude Code reads in a skill's SKILL.md (the Agent Skills specification's plus its
# own) and in a command file; `version` is not read but is common in the wild.
SKILL_KEYS: frozenset[str] = frozenset(
    {
        "name",
        "description",
        "license",
        "compatibility",
        "metadata",
        "allowed-tools",
        "version",
        "argument-hint",
        "disable-model-invocation",
        "user-invocable",
        "model",
        "context",
        "agent",
        "hooks",
    }
)
COMMAND_KEYS: frozenset[str] = frozenset(
    {"description", "allowed-tools", "argument-hint", "model", "disable-model-invocation"}
)

# Documented forms: an agent name, a skill name (also no leading/trailing/doubled hyphen).
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
