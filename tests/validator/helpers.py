"""Shared helpers for the validator tests."""

from __future__ import annotations

from pathlib import Path

from lam_bot.validator import FileResult

EXAMPLES = Path(__file__).parent / "examples"
POSITIVE = EXAMPLES / "positive"
NEGATIVE = EXAMPLES / "negative"
GOOD_AGENT = POSITIVE / ".claude" / "agents" / "docker-memory-monitor.md"

BODY = "You review pull requests for security problems and explain each finding clearly.\n"


def agent_text(frontmatter: str, body: str = BODY) -> str:
    """An agent file with this frontmatter (without the `---` lines) and a valid body."""
    return f"---\n{frontmatter}---\n\n{body}"


def rules(result: FileResult) -> set[str]:
    """The rule ids a result reports."""
    return {d.rule for d in result.diagnostics}
