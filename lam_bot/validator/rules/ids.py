"""Every rule id with a one-line description: the reporters' and README's rule table."""

from __future__ import annotations

RULE_HELP: dict[str, str] = {
    "file-empty": "The file is empty.",
    "file-binary": "The file contains a NUL byte.",
    "file-encoding": "The file is not UTF-8.",
    "file-too-large": "The file is over 1 MiB.",
    "file-unreadable": "The file cannot be read.",
    "frontmatter-missing": "An agent file has no YAML frontmatter.",
    "frontmatter-unterminated": "The frontmatter has no closing `---` line.",
    "frontmatter-yaml": "The frontmatter YAML does not parse.",
    "frontmatter-not-mapping": "The frontmatter is not a mapping.",
    "frontmatter-alias": "The frontmatter uses YAML anchors or aliases.",
    "frontmatter-duplicate-key": "A frontmatter key appears twice.",
    "frontmatter-tab": "Tabs are used as indentation in the frontmatter.",
    "frontmatter-too-deep": "The frontmatter nests too deeply.",
    "name-missing": "An agent has no `name`.",
    "name-invalid": "An agent name Claude Code refuses.",
    "name-format": "An agent name outside the documented lowercase-hyphen form.",
    "name-duplicate": "Two agents share a name in one scope.",
    "description-missing": "A `description` is missing or empty.",
    "description-invalid": "A `description` that is not a string.",
    "description-too-long": "A skill description over 1024 characters.",
    "tools-type": "A tool list that is neither a string nor a list.",
    "tools-list": "`tools` written as a YAML list instead of a comma string.",
    "tool-unknown": "A tool that Claude Code does not have.",
    "tool-legacy": "A legacy tool name.",
    "tool-empty": "An empty entry in a tool list.",
    "tool-not-for-subagents": "A tool Claude Code never gives to a subagent.",
    "allowed-tools-in-agent": "`allowed-tools` in an agent (agents read `tools`).",
    "model-invalid": "A `model` Claude Code does not know.",
    "permission-mode-invalid": "A `permissionMode` Claude Code does not know.",
    "permission-bypass": "`permissionMode: bypassPermissions` disables permission prompts.",
    "max-turns-invalid": "`maxTurns` is not a positive integer.",
    "background-invalid": "`background` is not a boolean.",
    "color-unknown": "A `color` Claude Code does not display.",
    "effort-unknown": "An `effort` Claude Code ignores.",
    "memory-unknown": "A `memory` scope Claude Code ignores.",
    "isolation-unknown": "An `isolation` Claude Code ignores.",
    "key-unknown": "A frontmatter field Claude Code does not read.",
    "body-short": "An agent body (system prompt) under 50 characters.",
    "body-degenerate": "Repeated lines, runaway phrases or table separator rows.",
    "skill-name-invalid": "A skill name outside 1-64 of [a-z0-9-] with single inner hyphens.",
    "skill-name-mismatch": "A skill name that differs from its folder.",
    "score-low": "An agent scored below --min-score.",
}

# Findings of discovery (lam_bot.validator.discover, .scope): where a file stands.
# Source: Claude Code docs (skills, plugins-reference) and `claude plugin validate` 2.1.332,
# which reads skills only from files named exactly SKILL.md.
RULE_HELP.update(
    {
        "skill-file-name": "A skill file not named exactly `SKILL.md` (Claude Code skips it).",
    }
)
