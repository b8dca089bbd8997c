"""The tables: built from a report of synthetic results, rendered as text and Markdown."""

from __future__ import annotations

from typing import Any

from lam_bot.bench.report import build_report
from lam_bot.bench.runner import BenchConfig, Condition, Result
from lam_bot.bench.suites import select_prompts
from lam_bot.bench.tables import (
    MAX_ERROR_ROWS,
    Table,
    build_tables,
    render_markdown,
    render_text,
)
from lam_bot.generate import GenerateSettings


def _results(config: BenchConfig, score: int = 100, **fields: Any) -> list[Result]:
    results = []
    for prompt, condition, run in config.jobs():
        result = Result(
            prompt.suite, prompt.id, prompt.topic, condition.label, condition.repeat,
            condition.constrained, run, run, score=score, attempts=1, **fields,
        )  # fmt: skip
        if prompt.suite == "exec":
            result.passed = score == 100
        results.append(result)
    return results


def _report(results: list[Result] | None = None, **config: Any) -> dict[str, Any]:
    settings = GenerateSettings(model="lam", attempts=config.pop("attempts", 1))
    bench = BenchConfig(settings, **config)
    return build_report(bench, _results(bench) if results is None else results, 1.0)


def _titles(report: dict[str, Any]) -> list[str]:
    return [table.title for table in build_tables(report)]


def test_all_tables_for_a_full_run_with_errors() -> None:
    config = BenchConfig(GenerateSettings(model="lam"), repeats=(False, True))
    report = _report(_results(config, score=0, error="boom"), repeats=(False, True))
    assert _titles(report) == [
        "Key results",
        "Per-prompt scores",
        "Agent generation pass rate",
        "Plan mode points per rubric item",
        "Errors",
    ]


def test_tables_follow_the_suites() -> None:
    assert "Agent generation pass rate" not in _titles(_report(suite="plan"))
    titles = _titles(_report(suite="exec"))
    assert "Plan mode points per rubric item" not in titles and "Errors" not in titles
    key = build_tables(_report(suite="exec"))[0]
    assert [row[0] for row in key.rows][:3] == [
        "Valid JSON rate",
        "Agent generation pass rate",
        "Agent file avg score",
    ]


def test_matrix_columns_are_standard_then_repeated() -> None:
    report = _report(suite="exec", repeats=(False, True), constraints=(True, False))
    matrix = build_tables(report)[2]
    assert matrix.headers == ("Model", "Standard prompt", "+ Instruction repetition")
    assert matrix.rows == [
        ("lam (constrained)", "100% (10/10)", "100% (10/10)"),
        ("lam (unconstrained)", "100% (10/10)", "100% (10/10)"),
    ]


def test_per_prompt_cells_average_runs_and_count_passes() -> None:
    config = BenchConfig(GenerateSettings(model="lam"), runs=2)
    results = _results(config)
    for result in results:
        if result.run == 1:
            result.score, result.passed = 80, result.passed and False
    per_prompt = build_tables(build_report(config, results, 1.0))[1]
    assert per_prompt.rows[0] == ("plan", "S3 monitoring", "90.0")
    assert per_prompt.rows[10] == ("exec", "TypeScript logging cleanup", "90.0 1/2")


def test_first_attempt_row_only_with_retries() -> None:
    def rows(attempts: int) -> list[str]:
        return [row[0] for row in build_tables(_report(attempts=attempts))[0].rows]

    assert "Passed on first attempt" not in rows(1)
    assert "Passed on first attempt" in rows(2)


def test_error_table_is_capped() -> None:
    config = BenchConfig(GenerateSettings(model="lam"), runs=2)
    report = build_report(config, _results(config, error="x" * 200), 1.0)
    errors = build_tables(report)[-1]
    assert len(errors.rows) == MAX_ERROR_ROWS + 1
    assert errors.rows[-1][-1] == "20 more in the JSON report"
    assert all(len(row[-1]) <= 90 for row in errors.rows)


def test_text_columns_line_up() -> None:
    table = Table("T", ("a", "bb"), [("long cell", "x"), ("s", "yyyy")])
    assert render_text([table]) == (
        "T\na          bb\n---------  ----\nlong cell  x\ns          yyyy\n"
    )


def test_markdown_escapes_pipes() -> None:
    table = Table("T", ("a", "b"), [("x|y", "1")])
    assert render_markdown([table]) == "### T\n\n| a | b |\n|---|---|\n| x\\|y | 1 |\n"


def test_every_prompt_has_a_row() -> None:
    per_prompt = build_tables(_report())[1]
    assert [row[1] for row in per_prompt.rows] == [p.topic for p in select_prompts("all")]


def test_condition_labels() -> None:
    assert Condition(repeat=False, constrained=True).label == "standard"
    assert Condition(repeat=True, constrained=False).label == "repeated, unconstrained"
