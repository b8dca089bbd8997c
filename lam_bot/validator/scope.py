"""What discovery knows about a file and its rules cannot: where Claude Code finds it.

Two findings depend on where a file stands rather than on its text:
- an agent without frontmatter: Claude Code 2.1.332 skips it in `.claude/agents/` ("with
  no frontmatter name it is treated as a co-located reference document and skipped", the
  wording of `claude plugin validate`), and in a plugin loads it under its file name
  with a generic description ("No frontmatter block found ... to set description and
  other metadata"); the rules report the missing frontmatter, this says what follows;
- a skill file named `skill.md` or `Skill.md`: Claude Code reads only `SKILL.md`
  (docs: skills, plugins-reference; `claude plugin validate` lists no other name).
"""

from __future__ import annotations

import os

from lam_bot.validator.model import FileResult, error, one_line
from lam_bot.validator.target import FOLDER, PLUGIN, PROJECT, SKILL_FILE_NAME, Target

MISSING_FRONTMATTER = "frontmatter-missing"
_START = "start it with a `---` block holding `name` and `description`"


def explain(target: Target, result: FileResult) -> FileResult:
    """`result` with its missing-frontmatter finding saying what Claude Code does instead."""
    if target.kind != "agent" or not any(d.rule == MISSING_FRONTMATTER for d in result.diagnostics):
        return result
    message = one_line(_consequence(target))
    diagnostics = tuple(
        d._replace(message=message) if d.rule == MISSING_FRONTMATTER else d
        for d in result.diagnostics
    )
    return result._replace(diagnostics=diagnostics)


def with_problem(target: Target, result: FileResult) -> FileResult:
    """`result` with the finding discovery made for `target`, if any."""
    if target.problem != SKILL_FILE_NAME:
        return result
    name = os.path.basename(target.path)
    message = (
        f"Claude Code reads a skill only from a file named exactly `SKILL.md`, so `{name}`"
        " is not loaded: rename it"
    )
    finding = error(1, 1, SKILL_FILE_NAME, message).at(result.path)
    return result._replace(diagnostics=(finding, *result.diagnostics))


def _consequence(target: Target) -> str:
    stem = os.path.basename(target.path).removesuffix(".md")
    loaded = f"loads it as agent `{stem}` with a generic description"
    by_origin = {
        PROJECT: "under .claude/agents/ Claude Code takes it for a reference document and"
        " does not load it",
        PLUGIN: f"in a plugin Claude Code {loaded}, so Claude cannot tell when to use it",
        FOLDER: f"Claude Code skips it under .claude/agents/ and in a plugin {loaded}",
    }
    return f"no frontmatter: {by_origin.get(target.origin, by_origin[FOLDER])}; {_START}"
