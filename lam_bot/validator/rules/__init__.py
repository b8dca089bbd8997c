"""Rule sets by file kind: each is a function (document, path, catalog) -> findings."""

from __future__ import annotations

from collections.abc import Callable

from lam_bot.catalog import Catalog
from lam_bot.validator.frontmatter import Document
from lam_bot.validator.model import KINDS, Finding
from lam_bot.validator.rules.agent import check_agent
from lam_bot.validator.rules.command import check_command
from lam_bot.validator.rules.skill import check_skill

Rules = Callable[[Document, str, Catalog], list[Finding]]

RULES: dict[str, Rules] = {"agent": check_agent, "skill": check_skill, "command": check_command}
assert tuple(RULES) == KINDS, "every kind has its rules"

__all__ = ["KINDS", "RULES", "Rules"]
