"""Every rule id with its severity, its class and its source: the README's rule table.

The severity model (README, "Severity model"):

- error, class `load`: Claude Code does not load the file (or loads it with its
  frontmatter dropped);
- error, class `loss`: Claude Code loads the file but silently loses something its
  author wrote (a tool that does not exist, a value it refuses, a duplicate key whose
  first value is dropped, a field of the wrong type);
- warning, class `lenient`: it loads as written only through Claude Code's leniency
  (the second YAML pass);
- warning, class `portable`: it breaks a portable rule (the Agent Skills specification,
  the documented name form) that Claude Code itself does not enforce;
- warning, class `legacy`: a removed or legacy name;
- warning, class `ignored`: a field or value that is ignored where it stands;
- warning, class `advice`: lam-bot's own review beyond loading (risk, quality);
- error, class `unchecked`: lam-bot will not check the file (YAML aliases, nesting
  deeper than 64 levels, over 1 MiB), so it cannot vouch for it;
- error, class `threshold`: a limit the user set on the command line (`--min-score`).

Each rule's source is where the fact it encodes comes from: a docs page of
code.claude.com, a changelog version, an issue of anthropics/claude-code, the Agent
Skills specification (agentskills.io), or `claude plugin validate` of the Claude Code
version in `lam_bot.catalog.CLAUDE_CODE_VERSION` (the load oracle).
"""

from __future__ import annotations

from typing import NamedTuple

ERROR_CLASSES = frozenset({"load", "loss", "unchecked", "threshold"})
WARNING_CLASSES = frozenset({"lenient", "portable", "legacy", "ignored", "advice"})

ORACLE = "claude plugin validate 2.1.332"
SUB_AGENTS = "docs: sub-agents"
SKILLS = "docs: skills"
TOOLS = "docs: tools-reference"
PLUGINS = "docs: plugins-reference"
AGENT_SKILLS = "agentskills.io specification"
VACUOUS = "lam-bot's quality review (issue 11: a 135M model's empty agent scored 100)"
RISK = "lam-bot's risk review (issue 9: an issue author can steer the model)"


class Rule(NamedTuple):
    """One rule: `severity` is "error" or "warning", `cls` its class in the model."""

    severity: str
    cls: str
    source: str
    help: str


def _e(cls: str, source: str, text: str) -> Rule:
    return Rule("error", cls, source, text)


def _w(cls: str, source: str, text: str) -> Rule:
    return Rule("warning", cls, source, text)


RULES: dict[str, Rule] = {
    "file-empty": _e(
        "load", SUB_AGENTS + " (a Markdown file with YAML frontmatter)", "The file is empty."
    ),
    "file-binary": _e("load", SUB_AGENTS + " (a Markdown file)", "The file contains a NUL byte."),
    "file-encoding": _e("load", SUB_AGENTS + " (a Markdown file)", "The file is not UTF-8."),
    "file-too-large": _e(
        "unchecked", "lam-bot's own 1 MiB reading limit", "The file is over 1 MiB."
    ),
    "file-unreadable": _e("load", "the file system", "The file cannot be read."),
    # Findings of discovery (lam_bot.validator.discover, .scope): where a file stands.
    "skill-file-name": _e(
        "load",
        SKILLS + ", " + PLUGINS + "; " + ORACLE + " (reads skills only from SKILL.md)",
        "A skill file not named exactly `SKILL.md` (Claude Code skips it).",
    ),
    "manifest-path-outside": _e(
        "load",
        ORACLE + ' (plugin.json paths: "must start with ./", "contains .. which could be a'
        ' path traversal attempt")',
        "A plugin manifest lists a file outside the plugin (not read).",
    ),
    "file-bom": _e(
        "load",
        "anthropics/claude-code#73158",
        "An agent starting with a UTF-8 BOM is not registered.",
    ),
    "frontmatter-missing": _e(
        "load",
        ORACLE + " (no frontmatter name: skipped as a reference document)",
        "A project agent file has no YAML frontmatter.",
    ),
    "frontmatter-unterminated": _e(
        "load",
        ORACLE + " (no frontmatter block found)",
        "The frontmatter has no closing `---` line.",
    ),
    "frontmatter-yaml": _e(
        "load",
        ORACLE + " (YAML frontmatter failed to parse)",
        "The frontmatter YAML does not parse, even after Claude Code's second pass.",
    ),
    "frontmatter-not-mapping": _e(
        "load",
        ORACLE + " (frontmatter must be a YAML mapping)",
        "The frontmatter is not a mapping.",
    ),
    "frontmatter-tab": _w(
        "portable",
        ORACLE + " (loads a tab-indented block; YAML 1.2 allows spaces only)",
        "Tabs are used as indentation in the frontmatter.",
    ),
    "frontmatter-duplicate-key": _e(
        "loss",
        ORACLE + " (a duplicate key keeps its last value)",
        "A frontmatter key appears twice.",
    ),
    "frontmatter-lenient": _w(
        "lenient",
        ORACLE + " (loads after quoting simple `key: value` lines)",
        "The frontmatter loads only through Claude Code's second YAML pass.",
    ),
    "frontmatter-alias": _e(
        "unchecked",
        "lam-bot refuses YAML aliases (alias bombs)",
        "The frontmatter uses YAML anchors or aliases.",
    ),
    "frontmatter-too-deep": _e(
        "unchecked", "lam-bot's own nesting limit", "The frontmatter nests too deeply."
    ),
    "name-missing": _e(
        "load",
        ORACLE + " (no frontmatter name: skipped as a reference document)",
        "A project agent has no `name`.",
    ),
    "name-invalid": _e(
        "load",
        "Claude Code 2.1.332 runtime: names must be strings, not start with `-` or contain `:`",
        "An agent name Claude Code refuses.",
    ),
    "name-format": _w(
        "portable",
        SUB_AGENTS + " (lowercase letters and hyphens)",
        "An agent name outside the documented lowercase-hyphen form.",
    ),
    "name-duplicate": _e(
        "loss",
        SUB_AGENTS + " (one definition wins per name and scope)",
        "Two agents share a name in one scope.",
    ),
    "description-missing": _w(
        "advice",
        ORACLE + " (no description: a warning, the agent loads)",
        "A `description` is missing or empty.",
    ),
    "description-invalid": _e(
        "loss",
        ORACLE + " (description must be a string: dropped at runtime)",
        "A `description` that is not a string.",
    ),
    "description-too-long": _w(
        "portable",
        AGENT_SKILLS + " (description at most 1,024 characters)",
        "A skill description over 1024 characters.",
    ),
    "tools-type": _e(
        "loss",
        ORACLE + " (allowed-tools must be a string or array of strings)",
        "A tool list that is neither a string nor a list.",
    ),
    "tools-list": _w(
        "advice",
        SUB_AGENTS + " (tools: a comma-separated list)",
        "An agent's `tools` written as a YAML list instead of a comma string.",
    ),
    "tools-none": _e(
        "loss",
        TOOLS + " (only listed tools that exist are given)",
        "A `tools` value that names no tool Claude Code has.",
    ),
    "tool-unknown": _e("loss", TOOLS, "A tool that Claude Code does not have."),
    "tool-legacy": _w(
        "legacy",
        TOOLS + "; changelog 2.1.178 (TeamCreate, TeamDelete removed)",
        "A legacy or removed tool name.",
    ),
    "tool-empty": _w(
        "ignored", "lam-bot: an empty entry names no tool", "An empty entry in a tool list."
    ),
    "tool-not-for-subagents": _w(
        "ignored", SUB_AGENTS + "; " + TOOLS, "A tool Claude Code never gives to a subagent."
    ),
    "tool-background": _w(
        "ignored",
        SUB_AGENTS + " (background subagents: no MCP tools, no questions)",
        "A tool a background subagent does not get.",
    ),
    "allowed-tools-in-agent": _w(
        "ignored",
        SUB_AGENTS + " (agents read `tools`)",
        "`allowed-tools` in an agent (agents read `tools`).",
    ),
    "model-invalid": _e(
        "loss",
        "docs: model-config (the values `--model` and `/model` accept)",
        "A `model` Claude Code does not know.",
    ),
    "permission-mode-invalid": _e(
        "loss",
        SUB_AGENTS + "; docs: permission-modes",
        "A `permissionMode` Claude Code does not know.",
    ),
    "permission-bypass": _w(
        "advice",
        "docs: permission-modes",
        "`permissionMode: bypassPermissions` disables permission prompts.",
    ),
    "max-turns-invalid": _e("loss", SUB_AGENTS, "`maxTurns` is not a positive integer."),
    "background-invalid": _e(
        "loss",
        SUB_AGENTS + "; " + SKILLS,
        "A boolean field (`background`, `user-invocable`, …) that is not true or false.",
    ),
    "color-unknown": _w("ignored", SUB_AGENTS, "A `color` Claude Code does not display."),
    "effort-unknown": _w("ignored", SUB_AGENTS + "; " + SKILLS, "An `effort` Claude Code ignores."),
    "memory-unknown": _w("ignored", SUB_AGENTS, "A `memory` scope Claude Code ignores."),
    "isolation-unknown": _w("ignored", SUB_AGENTS, "An `isolation` Claude Code ignores."),
    "context-unknown": _w(
        "ignored", SKILLS + " (context: fork)", "A skill `context` other than `fork`."
    ),
    "shell-invalid": _e(
        "loss",
        ORACLE + " (shell must be 'bash' or 'powershell')",
        "A skill `shell` other than bash or powershell.",
    ),
    "field-type": _e(
        "loss",
        ORACLE + " ('metadata' must be a mapping: dropped at load time); " + SKILLS,
        "A field of the wrong type (`metadata`, `paths`, `skills`, `mcpServers`, …).",
    ),
    "hooks-invalid": _e(
        "load",
        "anthropics/claude-code#91781 (`hooks: []` drops the agent); docs: hooks",
        "`hooks` that is not a mapping of hook events.",
    ),
    "hook-event-unknown": _w(
        "ignored",
        "docs: hooks (hook events)",
        "A `hooks` key that is not a Claude Code hook event.",
    ),
    "plugin-agent-ignored": _w(
        "ignored",
        PLUGINS + " (plugin agents: hooks, mcpServers, permissionMode not supported)",
        "A field plugin agents ignore.",
    ),
    "key-unknown": _w(
        "ignored", SUB_AGENTS + "; " + SKILLS, "A frontmatter field Claude Code does not read."
    ),
    "body-short": _w(
        "advice",
        "the model card's execution-mode rubric",
        "An agent body (system prompt) under 50 characters.",
    ),
    "body-degenerate": _w(
        "advice",
        "the model card's execution-mode rubric",
        "Repeated lines, runaway phrases or table separator rows.",
    ),
    "skill-name-invalid": _w(
        "portable",
        AGENT_SKILLS + " (name: 1-64 of [a-z0-9-]); " + SKILLS + " (name is a display label)",
        "A skill name outside the Agent Skills form.",
    ),
    "skill-name-mismatch": _w(
        "portable",
        AGENT_SKILLS + " (name equals the folder)",
        "A skill name that differs from its folder.",
    ),
    "score-low": _e(
        "threshold", "`--min-score` on the command line", "An agent scored below --min-score."
    ),
    # Vacuous content (issue 11): well-formed agents that say nothing; SmolLM2-135M wrote
    # all of these and scored 100. Exact tests in lam_bot/validator/rules/vacuous.py.
    "description-vacuous": _w(
        "advice", VACUOUS, "A description that only repeats the name or has no verb."
    ),
    "description-trigger-empty": _w(
        "advice", VACUOUS, 'A "Use when" clause or `When:` line with no words.'
    ),
    "body-fragment": _w(
        "advice", VACUOUS, "A list item that is a bare number, punctuation, or trails off into it."
    ),
    "list-self-numbered": _w(
        "advice", VACUOUS, "A numbered list item that numbers itself again (`1. 1. …`)."
    ),
    "parameter-duplicate": _w(
        "advice", VACUOUS, "The same parameter or input name twice in one section."
    ),
    # Risk review (issue 9): what a reviewer must see before installing any file. Exact
    # tests in lam_bot/validator/rules/risk.py.
    "risk-pipe-to-shell": _w(
        "advice", RISK, "Downloaded code piped into a shell (`curl … | sh`, `irm … | iex`)."
    ),
    "risk-credential-send": _w(
        "advice",
        RISK,
        "Credential material (SSH keys, cloud credentials, `.env`, tokens in the environment)"
        " near a network send.",
    ),
    "risk-override-instructions": _w(
        "advice",
        RISK + "; OWASP LLM01 prompt injection",
        "An instruction to ignore or override earlier instructions.",
    ),
    "risk-hidden-content": _w(
        "advice", RISK, "An HTML comment or hidden markup in an agent's, skill's or command's body."
    ),
    "risk-invisible-character": _w(
        "advice",
        RISK + "; CVE-2021-42574 (bidirectional controls); Unicode tag characters",
        "Zero-width, bidirectional or other invisible characters.",
    ),
    "risk-bypass-bash": _w(
        "advice",
        SUB_AGENTS + " (bypassPermissions skips permission prompts; no `tools` inherits all)",
        "`permissionMode: bypassPermissions` together with Bash.",
    ),
}

# One-line descriptions by rule id (the reporters' view of RULES).
RULE_HELP: dict[str, str] = {rule: entry.help for rule, entry in RULES.items()}
