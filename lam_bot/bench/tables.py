"""The model card's tables, built from a JSON report and rendered as text or Markdown.

Key results per condition, per-prompt scores, the standard-versus-repeated pass-rate
matrix, the plan rubric's points per item, and the errors.
"""

from __future__ import annotations

from collections.abc import Callable
from statistics import mean
from typing import Any, NamedTuple

from lam_bot.bench.scorers import PLAN_RUBRIC

Report = dict[str, Any]
# Errors are listed in full in the JSON report; the table shows the first ones.
MAX_ERROR_ROWS = 20
MAX_ERROR_CHARS = 90


class Table(NamedTuple):
    """A titled table of strings."""

    title: str
    headers: tuple[str, ...]
    rows: list[tuple[str, ...]]


def _pct(rate: float | None) -> str:
    return "-" if rate is None else f"{rate * 100:.0f}%"


def _num(value: float | None, fmt: str, unit: str = "") -> str:
    return "-" if value is None else f"{value:{fmt}}{unit}"


def _key_rows(summary: dict[str, Any], attempts: int) -> list[tuple[str, str]]:
    rows: list[tuple[str, str]] = []
    if summary["plan_runs"]:
        rows.append(("Plan mode avg score", _num(summary["plan_average"], ".1f", "/100")))
        rows.append(("Plan mode min score", _num(summary["plan_minimum"], "d")))
    rows.append(("Valid JSON rate", _pct(summary["valid_json_rate"])))
    if summary["exec_runs"]:
        counts = f" ({summary['passed']}/{summary['exec_runs']})"
        rows.append(("Agent generation pass rate", _pct(summary["pass_rate"]) + counts))
        if attempts > 1:
            first = summary["first_attempt_passed"] / summary["exec_runs"]
            rows.append(("Passed on first attempt", _pct(first)))
        rows.append(("Agent file avg score", _num(summary["exec_average"], ".1f", "/100")))
    rows.append(("Avg inference latency", _num(summary["average_latency_seconds"], ".1f", "s")))
    rows.append(("Time to first token", _num(summary["first_token_seconds"], ".2f", "s")))
    rows.append(("Tokens per second", _num(summary["tokens_per_second"], ".1f")))
    runs = summary["plan_runs"] + summary["exec_runs"]
    rows.append(("Errors", f"{summary['errors']}/{runs}"))
    return rows


def key_results(report: Report) -> Table:
    """The card's key-results table, one column per condition."""
    conditions = report["conditions"]
    attempts = report["settings"].get("attempts") or 1
    columns = [_key_rows(report["summary"][c], attempts) for c in conditions]
    rows = [
        (label, *(column[i][1] for column in columns)) for i, (label, _) in enumerate(columns[0])
    ]
    return Table("Key results", ("Metric", *conditions), rows)


def _results(report: Report, **match: Any) -> list[dict[str, Any]]:
    return [r for r in report["results"] if all(r[k] == v for k, v in match.items())]


def _prompt_cell(results: list[dict[str, Any]]) -> str:
    if not results:
        return "-"
    scores = [r["score"] for r in results]
    score = f"{scores[0]}" if len(scores) == 1 else f"{mean(scores):.1f}"
    if results[0]["suite"] == "plan":
        return score
    passed = sum(bool(r["passed"]) for r in results)
    verdict = ("pass" if passed else "fail") if len(results) == 1 else f"{passed}/{len(results)}"
    return f"{score} {verdict}"


def per_prompt(report: Report) -> Table:
    """Score per prompt and condition (mean over runs; execution mode adds passes)."""
    rows = []
    for prompt in report["prompts"]:
        cells = [
            _prompt_cell(
                _results(report, suite=prompt["suite"], prompt_id=prompt["id"], condition=c)
            )
            for c in report["conditions"]
        ]
        rows.append((prompt["suite"], prompt["topic"], *cells))
    return Table("Per-prompt scores", ("Suite", "Prompt", *report["conditions"]), rows)


def _matrix_cell(results: list[dict[str, Any]]) -> str:
    if not results:
        return "-"
    passed = sum(bool(r["passed"]) for r in results)
    return f"{passed / len(results) * 100:.0f}% ({passed}/{len(results)})"


def repetition_matrix(report: Report) -> Table | None:
    """Pass rate, standard prompt versus instruction repetition, per decoding mode."""
    runs = _results(report, suite="exec")
    if not runs:
        return None
    repeats = sorted({r["repeat"] for r in runs})
    headers = {False: "Standard prompt", True: "+ Instruction repetition"}
    model = report["settings"]["model"]
    rows = []
    for constrained in sorted({r["constrained"] for r in runs}, reverse=True):
        label = f"{model} ({'constrained' if constrained else 'unconstrained'})"
        cells = [
            _matrix_cell(_results(report, suite="exec", constrained=constrained, repeat=rep))
            for rep in repeats
        ]
        rows.append((label, *cells))
    return Table("Agent generation pass rate", ("Model", *(headers[r] for r in repeats)), rows)


def rubric_points(report: Report) -> Table | None:
    """Plan mode: mean points per rubric item and condition."""
    if not _results(report, suite="plan"):
        return None
    rows = []
    for item in PLAN_RUBRIC:
        cells = [
            _num(_mean_points(_results(report, suite="plan", condition=c), item.key), ".1f")
            for c in report["conditions"]
        ]
        rows.append((f"{item.label} ({item.points})", *cells))
    return Table("Plan mode points per rubric item", ("Item", *report["conditions"]), rows)


def _mean_points(results: list[dict[str, Any]], key: str) -> float | None:
    return mean(r["items"].get(key, 0) for r in results) if results else None


def errors(report: Report) -> Table | None:
    """The first errors, one line each."""
    failed = [r for r in report["results"] if r["error"]]
    if not failed:
        return None
    rows: list[tuple[str, ...]] = [
        (r["prompt_id"], r["condition"], str(r["run"]), _clip(r["error"]))
        for r in failed[:MAX_ERROR_ROWS]
    ]
    if len(failed) > MAX_ERROR_ROWS:
        rows.append(("…", "", "", f"{len(failed) - MAX_ERROR_ROWS} more in the JSON report"))
    return Table("Errors", ("Prompt", "Condition", "Run", "Error"), rows)


def _clip(text: str) -> str:
    line = " ".join(text.split())
    return line if len(line) <= MAX_ERROR_CHARS else line[: MAX_ERROR_CHARS - 1] + "…"


def build_tables(report: Report) -> list[Table]:
    """Every table that has data, in the card's order."""
    tables = [key_results(report), per_prompt(report)]
    optional = (repetition_matrix(report), rubric_points(report), errors(report))
    return tables + [table for table in optional if table is not None]


def _widths(table: Table) -> list[int]:
    return [
        max(len(cell) for cell in column) for column in zip(table.headers, *table.rows, strict=True)
    ]


def render_text(tables: list[Table]) -> str:
    """Aligned plain-text tables."""
    blocks = []
    for table in tables:
        widths = _widths(table)
        rows = [
            "  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip()
            for row in (table.headers, *table.rows)
        ]
        rule = "  ".join("-" * w for w in widths)
        blocks.append("\n".join([table.title, rows[0], rule, *rows[1:]]))
    return "\n\n".join(blocks) + "\n"


def _md_cell(cell: str) -> str:
    return cell.replace("|", "\\|")


def render_markdown(tables: list[Table]) -> str:
    """GitHub-flavoured Markdown tables."""
    blocks = []
    for table in tables:
        lines = [f"### {table.title}", ""]
        lines.append("| " + " | ".join(map(_md_cell, table.headers)) + " |")
        lines.append("|" + "|".join("---" for _ in table.headers) + "|")
        lines.extend("| " + " | ".join(map(_md_cell, row)) + " |" for row in table.rows)
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks) + "\n"


RENDERERS: dict[str, Callable[[list[Table]], str]] = {
    "text": render_text,
    "markdown": render_markdown,
}
