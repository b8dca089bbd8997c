"""Rules for command files (`.md` under a `commands/` folder); frontmatter is optional.

A command takes the skill frontmatter except `name` and `paths` (docs: skills).
"""

from __future__ import annotations

from lam_bot.catalog import COMMAND_KEYS, Catalog
from lam_bot.validator.frontmatter import Document
from lam_bot.validator.model import Finding
from lam_bot.validator.rules.common import check_description_type, check_model, check_unknown_keys
from lam_bot.validator.rules.fields import check_skill_fields


def check_command(doc: Document, path: str, catalog: Catalog) -> list[Finding]:
    """Findings for a command file (frontmatter errors are the document's own)."""
    findings = check_description_type(doc) + check_model(doc, catalog)
    findings += check_skill_fields(doc, catalog)
    return findings + check_unknown_keys(doc, COMMAND_KEYS, "command")
