"""Rules for skills (`SKILL.md`).

Frontmatter is optional (Claude Code then uses the folder name and the first paragraph);
when present it must parse. In Claude Code a skill's `name` is a display label (docs:
skills); the Agent Skills specification's rules (1–64 of `[a-z0-9-]`, no leading,
trailing or doubled hyphen, equal to the folder; description at most 1,024 characters)
are portability warnings.
"""

from __future__ import annotations

import os
import re

from lam_bot.catalog import NAME_MAX, SKILL_DESCRIPTION_MAX, SKILL_KEYS, Catalog
from lam_bot.validator.frontmatter import Document
from lam_bot.validator.model import Finding, warning
from lam_bot.validator.rules.common import check_description_type, check_model, check_unknown_keys
from lam_bot.validator.rules.fields import check_skill_fields

SKILL_NAME = re.compile(r"[a-z0-9]+(-[a-z0-9]+)*")


def check_skill(doc: Document, path: str, catalog: Catalog) -> list[Finding]:
    """Findings for a SKILL.md (frontmatter errors are the document's own)."""
    findings = _name(doc, path) + _description(doc) + check_model(doc, catalog)
    findings += check_skill_fields(doc, catalog)
    return findings + check_unknown_keys(doc, SKILL_KEYS, "skill")


def _name(doc: Document, path: str) -> list[Finding]:
    field = doc.fields.get("name")
    if field is None:
        return []
    name = field.value
    if not isinstance(name, str) or len(name) > NAME_MAX or not SKILL_NAME.fullmatch(name):
        message = (
            f"skill name {name!r} is not portable: the Agent Skills specification wants 1-"
            f"{NAME_MAX} lowercase letters, digits and single inner hyphens"
        )
        return [warning(field.line, field.col, "skill-name-invalid", message)]
    folder = os.path.basename(os.path.dirname(path))
    if folder and folder != name:
        message = f"skill name `{name}` differs from its folder `{folder}`"
        return [warning(field.line, field.col, "skill-name-mismatch", message)]
    return []


def _description(doc: Document) -> list[Finding]:
    field = doc.fields.get("description")
    if field is None or not isinstance(field.value, str):
        return check_description_type(doc)
    if len(field.value) > SKILL_DESCRIPTION_MAX:
        message = (
            f"skill description is {len(field.value)} characters: the Agent Skills"
            f" specification allows at most {SKILL_DESCRIPTION_MAX}"
        )
        return [warning(field.line, field.col, "description-too-long", message)]
    return []
