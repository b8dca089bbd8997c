"""The seed's execution-mode score of an agent file, 0–100, as an itemised rubric.

frontmatter 25: a YAML frontmatter block that parses into a mapping;
name 10: a `name` Claude Code accepts; description 10: a non-empty `description`;
tools 15: `tools` is a comma-separated string of current Claude Code tools (omitted,
list-form or legacy-named tools earn 0); body 15: a system prompt of at least 50
characters; process 10 and constraints 10: see `lam_bot.validator.content`;
no_degenerate 5: no degenerate content. Vacuous content (lam_bot.validator.rules.vacuous)
costs the description's points when it is in the description, the no_degenerate points
when it is in the body, so a file with such findings never scores 100.
"""

from __future__ import annotations

from collections.abc import Sequence

from lam_bot.catalog import Catalog
from lam_bot.validator.content import has_constraints, has_process
from lam_bot.validator.frontmatter import Document
from lam_bot.validator.model import Finding, RubricItem
from lam_bot.validator.rules.vacuous import BODY_RULES, DESCRIPTION_RULES
from lam_bot.validator.tools import is_valid_tool_string

# key, label, points: the weights are the seed's.
RUBRIC: tuple[tuple[str, str, int], ...] = (
    ("frontmatter", "Valid YAML frontmatter", 25),
    ("name", "Name", 10),
    ("description", "Description", 10),
    ("tools", "Tools: comma string of valid tool names", 15),
    ("body", "System prompt of 50+ characters", 15),
    ("process", "Process or instructions section", 10),
    ("constraints", "Behavioural constraints", 10),
    ("no_degenerate", "No degenerate content", 5),
)


def score_agent(
    doc: Document | None, findings: Sequence[Finding], catalog: Catalog
) -> tuple[int, tuple[RubricItem, ...]]:
    """The score and its rubric; `doc` is None when the file could not be read."""
    earned = _earned(doc, {f.rule for f in findings}, catalog) if doc else {}
    rubric = tuple(
        RubricItem(key, label, points if earned.get(key) else 0, points)
        for key, label, points in RUBRIC
    )
    return sum(item.points for item in rubric), rubric


def _earned(doc: Document, rules: set[str], catalog: Catalog) -> dict[str, bool]:
    fields = doc.fields
    tools = fields.get("tools")
    return {
        "frontmatter": doc.has_frontmatter and doc.parsed,
        "name": "name" in fields and not rules & {"name-invalid"},
        "description": "description" in fields
        and not rules & {"description-missing", "description-invalid", *DESCRIPTION_RULES},
        "tools": tools is not None and is_valid_tool_string(tools.value, catalog),
        "body": "body-short" not in rules and bool(doc.body.strip()),
        "process": has_process(doc.body),
        "constraints": has_constraints(doc.body),
        "no_degenerate": not rules & {"body-degenerate", *BODY_RULES},
    }
