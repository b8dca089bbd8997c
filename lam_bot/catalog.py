"""The Claude Code catalog: tool names, legacy names and field values, as data.

A repository can extend it without a code change, in its pyproject.toml:

    [tool.lam-bot]
    extra-tools = ["NewTool"]
    extra-models = ["my-model"]
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

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


@dataclass(frozen=True)
class Catalog:
    """The tool and value sets one validation run checks against."""

    tools: frozenset[str] = BUILTIN_TOOLS
    legacy: dict[str, str | None] = field(default_factory=lambda: dict(LEGACY_TOOLS))
    not_for_subagents: frozenset[str] = NOT_FOR_SUBAGENTS
    models: frozenset[str] = MODEL_ALIASES

    def extended(self, tools: list[str], models: list[str]) -> Catalog:
        """A copy with extra tool and model names."""
        return Catalog(
            tools=self.tools | frozenset(tools),
            legacy=self.legacy,
            not_for_subagents=self.not_for_subagents,
            models=self.models | frozenset(models),
        )


DEFAULT_CATALOG = Catalog()


def _find_pyproject(start: Path) -> Path | None:
    for folder in (start, *start.parents):
        candidate = folder / "pyproject.toml"
        if candidate.is_file():
            return candidate
    return None


def load_catalog(start: Path | None = None) -> Catalog:
    """The default catalog, extended from `[tool.lam-bot]` of the nearest pyproject.toml."""
    pyproject = _find_pyproject((start or Path.cwd()).resolve())
    if pyproject is None:
        return DEFAULT_CATALOG
    text = pyproject.read_text(encoding="utf-8", errors="replace")
    if "[tool.lam-bot" not in text:  # skip the TOML parser on the common path
        return DEFAULT_CATALOG
    return _catalog_from_toml(pyproject, text)


def _catalog_from_toml(path: Path, text: str) -> Catalog:
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
