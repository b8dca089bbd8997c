"""Generation profiles: a small model's tighter grammar is a subset of the card's schema."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from lam_bot.plan import MAX_PLAN_TOKENS, Plan, plan_json_schema, worst_case_plan
from lam_bot.profile import (
    FULL,
    PROSE_PATTERN,
    SMALL,
    SMALL_GGUF_BYTES,
    Profile,
    profile_schema,
    resolve_profile,
    token_budget,
)
from lam_bot.settings import GenerateSettings
from tests.support.plans import EXAMPLE_PLAN

BOUNDS = ("maxLength", "maxItems", "maxProperties")


def _pairs(small: Any, full: Any, path: str = "") -> list[tuple[str, Any, Any]]:
    """Every (path, small, full) leaf pair of two schemas with the same shape."""
    if isinstance(full, dict):
        assert isinstance(small, dict), path
        if small.get("pattern") == PROSE_PATTERN and "pattern" not in full:
            small = {k: v for k, v in small.items() if k != "pattern"}  # prose: a subset
        assert small.keys() == full.keys(), path
        return [p for k in full for p in _pairs(small[k], full[k], f"{path}/{k}")]
    if isinstance(full, list):
        assert isinstance(small, list) and len(small) == len(full), path
        return [p for i, f in enumerate(full) for p in _pairs(small[i], f, f"{path}/{i}")]
    return [(path, small, full)]


def test_small_schema_only_lowers_upper_bounds() -> None:
    changed = 0
    for path, small, full in _pairs(profile_schema(SMALL), plan_json_schema()):
        if path.rsplit("/", 1)[-1] in BOUNDS:
            assert small <= full, path
            changed += small < full
        else:  # keys, types, patterns, minimums and required lists are the card's
            assert small == full, path
    assert changed > 10
    patterned = [n for n in _nodes(profile_schema(SMALL)) if n.get("pattern") == PROSE_PATTERN]
    assert len(patterned) == 12  # every prose field; names, tools and inputs stay free
    assert profile_schema(FULL) == plan_json_schema()


def _nodes(node: Any) -> list[dict[str, Any]]:
    if isinstance(node, list):
        return [n for item in node for n in _nodes(item)]
    if isinstance(node, dict):
        return [node, *(n for value in node.values() for n in _nodes(value))]
    return []


def test_small_schema_keeps_minimums_satisfiable() -> None:
    tiny = Profile("tiny", 256, string_length=0, max_items=(("steps", 0), ("tools", 0)))
    for node in _nodes(profile_schema(tiny)):
        assert node.get("maxLength", 1) >= node.get("minLength", 0), node
        assert node.get("maxItems", 1) >= node.get("minItems", 0), node


def test_the_small_worst_case_parses_and_fits_the_small_budget() -> None:
    from tests.support.fixture_model import load_tokenizer

    worst = worst_case_plan(profile_schema(SMALL))  # raises if the schema allowed more
    text = worst.model_dump_json()
    # Every string at maxLength, every list at maxItems: the longest plan the small
    # grammar can produce (compact JSON) fits the budget, so it is never cut off.
    assert len(load_tokenizer().encode(text)) < SMALL.max_tokens < MAX_PLAN_TOKENS
    assert len(worst.agent.tools) == dict(SMALL.max_items)["tools"]


def test_the_card_plan_still_parses_under_every_profile() -> None:
    # Profiles change what the grammar asks for, never what parsing accepts.
    assert Plan.model_validate(EXAMPLE_PLAN).agent.name


def test_auto_picks_small_for_the_offline_model_and_small_gguf_files(tmp_path: Path) -> None:
    assert resolve_profile("auto", "smollm2") is SMALL
    assert resolve_profile(None, "chendren/Qwen3-8B-LAM-v4") is FULL
    small, large = tmp_path / "small.gguf", tmp_path / "large.gguf"
    small.write_bytes(b"GGUF")
    with large.open("wb") as handle:  # sparse: no disk used
        handle.truncate(SMALL_GGUF_BYTES + 1)
    assert resolve_profile("auto", str(small)) is SMALL
    assert resolve_profile("auto", str(large)) is FULL
    assert resolve_profile("full", "smollm2") is FULL
    assert resolve_profile("small", "chendren/Qwen3-8B-LAM-v4") is SMALL


def test_the_budget_is_the_users_or_the_profiles() -> None:
    assert token_budget(GenerateSettings(model="smollm2")) == SMALL.max_tokens
    assert token_budget(GenerateSettings()) == MAX_PLAN_TOKENS
    assert token_budget(GenerateSettings(model="smollm2", max_tokens=700)) == 700
    assert token_budget(GenerateSettings(model="smollm2", profile="full")) == MAX_PLAN_TOKENS


def test_generate_sends_the_profiles_schema_and_budget(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from lam_bot.backends import base
    from lam_bot.backends.base import Completion
    from lam_bot.cli import cli

    seen: list[tuple[Any, int]] = []

    class Recorder:
        name = "recorder"

        def complete(self, messages: Any, schema: Any, **options: Any) -> Completion:
            seen.append((schema, options["max_tokens"]))
            return Completion(json.dumps(EXAMPLE_PLAN), 10, 300, 1.0, 0.1)

    monkeypatch.setitem(base.BACKENDS, "mlx", lambda settings: Recorder())
    monkeypatch.setattr(base, "_CACHE", {})
    monkeypatch.chdir(tmp_path)
    for extra in ([], ["--profile", "full"], ["--max-tokens", "900"]):
        args = ["generate", "--model", "smollm2", "-q", "--plan-only", *extra, "a request"]
        result = CliRunner().invoke(cli, args, catch_exceptions=False)
        assert result.exit_code == 0, result.output
    assert seen == [
        (profile_schema(SMALL), SMALL.max_tokens),
        (plan_json_schema(), MAX_PLAN_TOKENS),
        (profile_schema(SMALL), 900),
    ]
