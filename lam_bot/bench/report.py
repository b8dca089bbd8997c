"""The JSON report: settings, prompts, per-condition key results and every raw result.

Key results follow the model card: plan-mode average and minimum score, valid-JSON
rate (over every reply), agent-generation pass rate (execution mode, score 100),
average latency; plus decode tokens per second and time to first token.
"""

from __future__ import annotations

import json
import platform
from datetime import datetime, timezone
from pathlib import Path
from statistics import mean
from typing import TYPE_CHECKING, Any

from lam_bot import __version__
from lam_bot.bench.runner import BenchConfig, Result, result_json
from lam_bot.bench.suites import select_prompts

if TYPE_CHECKING:
    from lam_bot.generate import GenerateSettings

REPORT_VERSION = 1


def _rate(hits: int, total: int) -> float | None:
    return hits / total if total else None


def _mean(values: list[float]) -> float | None:
    return mean(values) if values else None


def summarize(results: list[Result]) -> dict[str, Any]:
    """Key results of one condition's results."""
    plan = [r.score for r in results if r.suite == "plan"]
    runs = [r for r in results if r.suite == "exec"]
    passed = sum(bool(r.passed) for r in runs)
    timed = [r for r in results if r.completion_tokens]
    decode = sum(r.decode_seconds for r in timed)
    ttft = [r.first_token_seconds for r in timed if r.first_token_seconds is not None]
    return {
        "plan_runs": len(plan),
        "plan_average": _mean([float(score) for score in plan]),
        "plan_minimum": min(plan) if plan else None,
        "valid_json_rate": _rate(sum(r.valid_json for r in results), len(results)),
        "exec_runs": len(runs),
        "passed": passed,
        "pass_rate": _rate(passed, len(runs)),
        "first_attempt_passed": sum(bool(r.passed) and r.attempts == 1 for r in runs),
        "exec_average": _mean([float(r.score) for r in runs]),
        "average_latency_seconds": _mean([r.latency_seconds for r in timed]),
        "tokens_per_second": sum(r.completion_tokens for r in timed) / decode if decode else None,
        "first_token_seconds": _mean(ttft),
        "errors": sum(r.error is not None for r in results),
    }


def settings_json(settings: GenerateSettings) -> dict[str, Any]:
    """The generation settings worth keeping (never the API key)."""
    from lam_bot.profile import settings_profile, token_budget

    keys = ("backend", "model", "base_url", "attempts", "temperature", "seed")
    chosen = {key: getattr(settings, key) for key in keys}
    profile = settings_profile(settings).name
    return {**chosen, "max_tokens": token_budget(settings), "profile": profile}


def build_report(config: BenchConfig, results: list[Result], seconds: float) -> dict[str, Any]:
    """The whole report as JSON-ready data."""
    labels = [condition.label for condition in config.conditions]
    return {
        "report_version": REPORT_VERSION,
        "lam_bot": __version__,
        "created": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "machine": f"{platform.system()} {platform.machine()}, Python {platform.python_version()}",
        "seconds": round(seconds, 3),
        "settings": {**settings_json(config.settings), "suite": config.suite, "runs": config.runs},
        "conditions": labels,
        "prompts": [p._asdict() for p in select_prompts(config.suite)],
        "summary": {
            label: summarize([r for r in results if r.condition == label]) for label in labels
        },
        "results": [result_json(r) for r in results],
    }


def write_report(path: Path, report: dict[str, Any]) -> None:
    """Write the JSON report atomically."""
    from lam_bot.files import atomic_write

    atomic_write(path, json.dumps(report, indent=2) + "\n")
