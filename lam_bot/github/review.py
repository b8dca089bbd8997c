"""The pull request's "Review before merging" section: each risk finding, with its line.

The flagged line is the agent file's own text, which may hold the very thing flagged
(an HTML comment, bidirectional controls, a mention). It is quoted in a fenced code
block, where GitHub renders no HTML and links no mentions or issue references, with a
fence longer than any backtick run in it, and with every invisible or control
character shown as a visible `<U+XXXX>` so it can neither hide nor reorder the text.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from lam_bot.github.logsafe import inert, one_line
from lam_bot.validator.model import Diagnostic, FileResult
from lam_bot.validator.rules.risk import RISK_PREFIX, invisible_characters

MAX_QUOTED = 200
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_BACKTICKS = re.compile(r"`+")


def risk_findings(result: FileResult) -> tuple[Diagnostic, ...]:
    """The risk-review diagnostics (`risk-…` rules) of `result`."""
    return tuple(d for d in result.diagnostics if d.rule.startswith(RISK_PREFIX))


def reveal(line: str) -> str:
    """`line` with invisible and control characters shown as `<U+XXXX>`, at most MAX_QUOTED."""
    shown = _CONTROL.sub(_code_point, invisible_characters().sub(_code_point, line))
    return shown if len(shown) <= MAX_QUOTED else shown[: MAX_QUOTED - 1] + "…"


def _code_point(match: re.Match[str]) -> str:
    return f"<U+{ord(match.group()):04X}>"


def _code_block(text: str) -> list[str]:
    longest = max((len(run) for run in _BACKTICKS.findall(text)), default=0)
    fence = "`" * max(3, longest + 1)
    return [f"{fence}text", text, fence]


def section(text: str, result: FileResult) -> list[str]:
    """The markdown lines of the section for the agent file `text`; none without findings."""
    findings = risk_findings(result)
    if not findings:
        return []
    lines = text.split("\n")
    out = [
        "### ⚠️ Review before merging",
        "",
        f"lam-bot's risk review flagged {_count(findings)} in the agent file. The model "
        "writes from the issue's text, so read each line below before merging:",
        "",
    ]
    for finding in findings:
        quoted = lines[finding.line - 1] if 0 < finding.line <= len(lines) else ""
        out.append(f"- line {finding.line}, `{finding.rule}`: {inert(one_line(finding.message))}")
        out += ["", *_code_block(reveal(quoted)), ""]
    return out


def _count(findings: Sequence[Diagnostic]) -> str:
    return f"{len(findings)} line{'s' * (len(findings) != 1)}"
