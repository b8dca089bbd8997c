"""All 20 prompts through mlx-lm on the tiny random-weight Qwen3 fixture model.

Random weights write noise, so the scores are not the point: the run must finish,
record every prompt with its timings, and the grammar must keep every reply that
was not cut off valid JSON. 16 tokens a reply keeps it to ~1 s a prompt here.
"""

from __future__ import annotations

from pathlib import Path

from lam_bot.bench import BenchConfig, run_bench, text_tables
from lam_bot.generate import GenerateSettings
from tests.bench.test_runner import RESULT_FIELDS


def test_fixture_model_bench(tiny_model: Path) -> None:
    settings = GenerateSettings(model=str(tiny_model), max_tokens=16, temperature=0.0)
    seen: list[str] = []
    report = run_bench(BenchConfig(settings), progress=lambda r: seen.append(r.prompt_id))
    results = report["results"]
    assert seen == [r["prompt_id"] for r in results] == [p["id"] for p in report["prompts"]]
    assert len(results) == 20
    for item in results:
        assert set(item) == RESULT_FIELDS
        assert item["cut_off"] or item["valid_json"], item
        assert item["passed"] is (None if item["suite"] == "plan" else item["score"] == 100)
    tables = text_tables(report)
    assert tables.startswith("Key results\n") and "Errors" in tables
