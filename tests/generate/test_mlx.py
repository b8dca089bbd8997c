"""The real mlx-lm path on the tiny random-weight Qwen3 fixture (Linux CPU)."""

from __future__ import annotations

import json
import shutil
import sys
import time
from pathlib import Path

import mlx.core as mx
import numpy as np
import pytest
import yaml

from lam_bot.backends.grammar import Constraint, Masker, allowed_ids, lltokenizer, mask_bias
from lam_bot.backends.mlx import MlxBackend, Sampler
from lam_bot.catalog import BUILTIN_TOOLS
from lam_bot.errors import BackendError, GenerationError
from lam_bot.generate import GenerateSettings, generate_agent
from lam_bot.plan import parse_plan, plan_json_schema
from lam_bot.profile import SMALL, profile_schema
from lam_bot.prompt import build_messages
from lam_bot.synthesize import synthesize
from lam_bot.validator import check_text
from lam_bot.validator.rules.vacuous import VACUOUS_RULES
from tests.support.fixture_model import VOCAB_SIZE
from tests.support.plans import EXAMPLE_REQUEST, card_plan_text, example_plan_json

SEEDS = 4
BUDGET = 2800  # seed 0 ended within it here with a complete plan (2,661 tokens)
MESSAGES = build_messages(EXAMPLE_REQUEST)


@pytest.fixture(scope="module")
def backend(tiny_model: Path) -> MlxBackend:
    return MlxBackend(str(tiny_model))


def complete(backend: MlxBackend, seed: int, max_tokens: int) -> str:
    schema = plan_json_schema()
    return backend.complete(
        MESSAGES, schema, seed=seed, temperature=None, max_tokens=max_tokens
    ).text


def test_random_weights_end_in_a_valid_plan_or_a_clean_cut_off(backend: MlxBackend) -> None:
    # Bounds are sized for realistic plans (plan.py), not for noise: a random-weight
    # model writes every string to its maxLength and may keep opening list items, so
    # each run ends either in a plan that scores 100 or at max_tokens with `cut_off`,
    # which generate.py turns into a one-line error. Never anything in between.
    # Which seeds end inside BUDGET depends on the CPU's float rounding, so the last run
    # uses the `small` profile, whose worst case fits its budget (test_profile.py): one
    # complete plan on any machine, and the valid branch below always runs.
    runs = [(plan_json_schema(), seed, BUDGET) for seed in range(SEEDS)]
    runs.append((profile_schema(SMALL), 0, SMALL.max_tokens))
    start, counts, valid = time.perf_counter(), [], 0
    for schema, seed, budget in runs:
        result = backend.complete(MESSAGES, schema, seed=seed, temperature=None, max_tokens=budget)
        counts.append(result.completion_tokens)
        if result.cut_off:
            assert result.completion_tokens == budget
            assert budget == BUDGET, "the small profile's worst case fits its budget"
            continue
        plan = parse_plan(result.text)
        synthesis = synthesize(plan)
        checked = check_text(synthesis.text, f"{plan.agent.name}.md")
        # Random weights write noise: a file is either clean and scores 100, or the gate
        # refuses it for vacuous content (never an error, never 100 with findings).
        # (Risk findings, if noise ever spells one, are the reviewer's and cost no points.)
        rules = {d.rule for d in checked.diagnostics if not d.rule.startswith("risk-")}
        assert rules <= VACUOUS_RULES, (seed, checked.diagnostics)
        assert (checked.score == 100) == (not rules), (seed, checked.rubric)
        _, block, _ = synthesis.text.split("---\n", 2)
        fields = yaml.safe_load(block)
        assert fields["name"] == plan.agent.name
        assert set(fields["tools"].split(", ")) <= BUILTIN_TOOLS
        valid += 1
    seconds = time.perf_counter() - start
    print(
        f"\n{len(runs)} runs: {valid} valid plans, {len(runs) - valid} cut off, "
        f"{sum(counts)} tokens in {seconds:.0f}s",
        file=sys.stderr,
    )
    assert valid >= 1


def test_a_cut_off_random_plan_is_a_clean_generation_error(tiny_model: Path) -> None:
    settings = GenerateSettings(model=str(tiny_model), attempts=1, seed=1, max_tokens=200)
    with pytest.raises(GenerationError, match="cut off at 200 tokens") as info:
        generate_agent(EXAMPLE_REQUEST, settings)
    assert "\n" not in str(info.value)


def test_same_seed_same_reply_with_the_cached_prefix(backend: MlxBackend, tiny_model: Path) -> None:
    def reply(on: MlxBackend) -> str:
        return on.complete(MESSAGES, None, seed=3, temperature=None, max_tokens=48).text

    first = reply(backend)
    prefix = backend._prefix
    assert reply(backend) == first
    assert backend._prefix is prefix  # the system prefix was prefilled once
    other = build_messages("Review pull requests for SQL injection", repeat=False)
    backend.complete(other, None, seed=1, temperature=None, max_tokens=8)
    assert backend._prefix is prefix  # same system text, different request: still reused
    assert reply(MlxBackend(str(tiny_model))) == first  # trimming left no trace of replies


def test_prompt_uses_the_chat_template_without_thinking(backend: MlxBackend) -> None:
    text = backend.loaded.tokenizer.decode(backend.prompt_tokens(MESSAGES))
    assert text.startswith("<|im_start|>system\nYou are a Large Action Model")
    assert text.endswith("<|im_start|>assistant\n<think>\n\n</think>\n\n")


def test_constrained_cut_off_keeps_the_partial_text(backend: MlxBackend) -> None:
    schema = plan_json_schema()
    result = backend.complete(MESSAGES, schema, seed=0, temperature=None, max_tokens=16)
    assert result.cut_off
    assert result.completion_tokens == 16 == len(backend.last_tokens)
    assert result.text == backend.loaded.tokenizer.decode(backend.last_tokens)
    assert result.text.startswith('{"reasoning":"')  # the grammar's prefix, then noise
    with pytest.raises(GenerationError):
        parse_plan(result.text)


def test_picks_are_counted_by_kind(backend: MlxBackend) -> None:
    schema = plan_json_schema()
    result = backend.complete(MESSAGES, schema, seed=5, temperature=None, max_tokens=160)
    kinds = backend.last_picks
    assert sum(kinds.values()) == result.completion_tokens == 160
    assert kinds["forced"] > 0 and kinds["sparse"] > 0 and kinds["dense"] > 0


def test_unconstrained_at_max_tokens_is_cut_off(backend: MlxBackend) -> None:
    result = backend.complete(MESSAGES, None, seed=1, temperature=0.0, max_tokens=12)
    assert result.completion_tokens == 12
    assert result.cut_off
    assert result.prompt_tokens == len(backend.prompt_tokens(MESSAGES))


def test_mask_is_padded_to_the_model_vocabulary(backend: MlxBackend) -> None:
    hf_tokenizer = backend.loaded.tokenizer._tokenizer
    assert len(hf_tokenizer) < VOCAB_SIZE == backend.loaded.vocab_size
    constraint = Constraint(lltokenizer(hf_tokenizer, VOCAB_SIZE), plan_json_schema())
    bias = constraint.bias(VOCAB_SIZE)
    assert bias.shape == (VOCAB_SIZE,)
    allowed = np.flatnonzero(bias == 0)
    assert [hf_tokenizer.decode([t]) for t in allowed] == ['{"']  # whitespace is not flexible
    assert (bias[len(hf_tokenizer) :] < 0).all()


def test_grammar_accepts_the_seed_plan_token_by_token(backend: MlxBackend) -> None:
    hf_tokenizer = backend.loaded.tokenizer._tokenizer
    constraint = Constraint(lltokenizer(hf_tokenizer, VOCAB_SIZE), plan_json_schema())
    tokens = hf_tokenizer.encode(example_plan_json(separators=(",", ":")))
    for token in tokens:
        assert constraint.bias(VOCAB_SIZE)[token] == 0
        constraint.consume(token)
    assert constraint.done


def test_grammar_accepts_the_cards_plan_with_its_omitted_keys(backend: MlxBackend) -> None:
    hf_tokenizer = backend.loaded.tokenizer._tokenizer
    constraint = Constraint(lltokenizer(hf_tokenizer, VOCAB_SIZE), plan_json_schema())
    card = json.dumps(json.loads(card_plan_text()), separators=(",", ":"), ensure_ascii=False)
    for token in hf_tokenizer.encode(card):
        assert constraint.bias(VOCAB_SIZE)[token] == 0
        constraint.consume(token)
    assert constraint.done


def test_masker_matches_the_full_bias_at_every_step(backend: MlxBackend) -> None:
    hf_tokenizer = backend.loaded.tokenizer._tokenizer
    constraint = Constraint(lltokenizer(hf_tokenizer, VOCAB_SIZE), plan_json_schema())
    masker, logits = Masker(VOCAB_SIZE), mx.random.normal((1, VOCAB_SIZE), key=mx.random.key(0))
    kinds = set()
    for token in hf_tokenizer.encode(example_plan_json(separators=(",", ":"))):
        bias = mask_bias(constraint.fill(), VOCAB_SIZE)
        expected = np.array(logits[0]) + bias
        choice = masker.apply(logits, constraint.bitmask)
        if choice.ids is None:  # dense: the same logits, forbidden ones pushed down
            kinds.add("dense")
            assert np.array_equal(np.array(choice.logits), expected)
        else:
            kinds.add("forced" if choice.logits is None else "sparse")
            assert np.array_equal(choice.ids, np.flatnonzero(bias == 0))
            if choice.logits is not None:
                assert np.array_equal(np.array(choice.logits), expected[choice.ids])
        constraint.consume(token)
    assert kinds == {"dense", "sparse", "forced"}


def test_allowed_ids_unpacks_set_bits_below_the_vocabulary() -> None:
    words = np.zeros(4, dtype=np.int32)
    words[0], words[2], words[3] = 0b1011, -(1 << 31), 1  # bit 31 is the sign
    assert allowed_ids(words, 97).tolist() == [0, 1, 3, 95, 96]
    assert allowed_ids(words, 96).tolist() == [0, 1, 3, 95]


def test_masker_rejects_a_short_mask() -> None:
    with pytest.raises(BackendError, match="covers 32 tokens"):
        Masker(64).apply(mx.zeros((1, 64)), np.zeros((1, 1), dtype=np.int32))


def test_mask_bias_rejects_a_short_mask() -> None:
    with pytest.raises(BackendError, match="covers 32 tokens"):
        mask_bias(np.zeros((1, 1), dtype=np.int32), 64)


def test_sampler_top_k_top_p_and_greedy() -> None:
    logits = np.full(1000, -1e30, dtype=np.float32)
    logits[[3, 7, 9]] = [5.0, 4.0, -20.0]
    picks = {Sampler(0.7, 0.8, 20, seed)(logits) for seed in range(50)}
    assert picks == {3}  # token 3 alone holds over 80% of the mass; 9 is far below
    assert Sampler(0.0, 0.8, 20, None)(logits) == 3
    flat = np.zeros(5000, dtype=np.float32)
    assert len({Sampler(1.0, 1.0, 20, seed)(flat) for seed in range(200)}) <= 20


def test_a_missing_model_path_says_no_such_file_or_folder(tmp_path: Path) -> None:
    for model in ("/nonexistent/model", str(tmp_path / "missing.gguf"), "./not-here"):
        with pytest.raises(BackendError) as info:
            MlxBackend(model)
        assert str(info.value) == f"--model {model}: no such file or folder"


def test_the_default_model_offline_is_one_sentence_with_the_ways_forward() -> None:
    # conftest sets HF_HUB_OFFLINE=1: the hub refuses to download, as on a machine
    # that cannot reach Hugging Face. The hub library's own text is not shown.
    with pytest.raises(BackendError) as info:
        MlxBackend("chendren/Qwen3-8B-LAM-v4")
    assert str(info.value) == (
        "cannot download model chendren/Qwen3-8B-LAM-v4 (about 16 GB) from Hugging Face "
        "with HF_HUB_OFFLINE set: use --backend openai with a server, or the small "
        "offline model with --model smollm2"
    )


def _copy_model(source: Path, target: Path) -> Path:
    shutil.copytree(source, target)
    return target


def test_a_model_folder_without_a_tokenizer_says_so(tiny_model: Path, tmp_path: Path) -> None:
    folder = _copy_model(tiny_model, tmp_path / "model")
    for name in ("tokenizer.json", "vocab.json", "tokenizer.model"):
        (folder / name).unlink(missing_ok=True)
    with pytest.raises(BackendError, match=r"model folder .* has no tokenizer"):
        MlxBackend(str(folder))


def test_a_model_folder_without_a_chat_template_says_so(tiny_model: Path, tmp_path: Path) -> None:
    folder = _copy_model(tiny_model, tmp_path / "model")
    config_path = folder / "tokenizer_config.json"
    config = json.loads(config_path.read_text())
    del config["chat_template"]
    config_path.write_text(json.dumps(config))
    with pytest.raises(BackendError, match=r"model folder .* has no chat template"):
        MlxBackend(str(folder))


def _greedy_plan(backend: MlxBackend, jump_forward: bool, max_tokens: int) -> tuple[list[int], int]:
    backend.jump_forward = jump_forward
    try:
        schema = plan_json_schema()
        backend.complete(MESSAGES, schema, seed=0, temperature=0.0, max_tokens=max_tokens)
    finally:
        backend.jump_forward = True
    return backend.last_tokens, backend.last_passes


@pytest.mark.parametrize("max_tokens", [1200, 40])
def test_jump_forward_decodes_the_same_tokens_in_fewer_passes(
    backend: MlxBackend, max_tokens: int
) -> None:
    jumped, passes = _greedy_plan(backend, True, max_tokens)
    stepped, step_passes = _greedy_plan(backend, False, max_tokens)
    assert jumped == stepped  # greedy: one pass over a forced run changes no logit's argmax
    assert step_passes == len(stepped) - 1  # every token but the last fed back on its own
    assert passes < step_passes
    assert backend.last_picks["forced"] > 0
    assert len(jumped) <= max_tokens


def test_forced_runs_are_the_grammars_and_keep_it_consistent(backend: MlxBackend) -> None:
    hf_tokenizer = backend.loaded.tokenizer._tokenizer
    constraint = Constraint(lltokenizer(hf_tokenizer, VOCAB_SIZE), plan_json_schema())
    tokens = hf_tokenizer.encode(example_plan_json(separators=(",", ":")))
    index, forced_total = 0, 0
    while index < len(tokens):
        constraint.consume(tokens[index])
        index += 1
        forced = constraint.forced()
        if forced:  # the card's plan in canonical tokens: every forced run matches it
            assert forced == tokens[index : index + len(forced)]
            constraint.consume_run(forced)
            index, forced_total = index + len(forced), forced_total + len(forced)
    assert constraint.done
    assert forced_total > len(tokens) // 10
