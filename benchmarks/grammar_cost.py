"""What the grammar costs on the mlx backend: the tiny fixture model, or --model (e.g. smollm2).

    .venv/bin/python benchmarks/grammar_cost.py [--model smollm2|PATH] [--seeds 3]

Prints, in one run:
- the grammar's cost per token at the model's vocabulary (151,936 on the fixture), mean over every
  step, replaying the seed's example plan (realistic) and a random-weight plan (worst
  case: every string runs to its maxLength) through the matcher with fresh random
  logits each step. The decode loop's own `GrammarPicker` picks each token; its cost
  is its time minus the unconstrained pick's (host copy and sampler) on the same
  logits, split into llguidance's mask fill and the rest (the mask's apply). Named
  peers for applying a full mask: the previous full unpack (numpy `unpackbits` then
  an MLX add) and the compiled MLX shift-and-`where`;
- per plan (one per seed): its tokens, the forward passes with jump-forward decoding
  (a grammar-forced run in one pass) and without (one pass per token), and the
  constrained/unconstrained speed ratio both ways (same model, loop, prompt and seed;
  the peer is unconstrained decoding of as many tokens as the constrained plan, its
  time per token over ours);
- the seed's example plan in the model's tokens, compact versus pretty-printed JSON;
- PASS or MISS per target: grammar <= 0.3 ms per token (mean, issue 3), median ratio
  with jump-forward >= 1.15 (issue 11).
Run it on a quiet machine: on 2 cores another busy process moves every figure by half.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import NamedTuple

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import mlx.core as mx
import numpy as np

from lam_bot.backends.grammar import Constraint, apply_bias, lltokenizer, mask_bias
from lam_bot.backends.mlx import GrammarPicker, MlxBackend, _sampler
from lam_bot.plan import plan_json_schema
from lam_bot.prompt import build_messages
from tests.support.plans import EXAMPLE_PLAN, EXAMPLE_REQUEST

GRAMMAR_MS = 0.3
RATIO = 1.15  # issue 11: jump-forward makes constrained decoding faster than free
LOGIT_SETS = 64


def _shift_where(vocab: int):  # type: ignore[no-untyped-def]
    shifts = mx.arange(32, dtype=mx.int32)

    def apply(logits: mx.array, words: mx.array) -> mx.array:
        bits = (words[:, None] >> shifts[None, :]) & 1
        return mx.where(bits.reshape(-1)[:vocab].astype(mx.bool_), logits, -mx.inf)

    return mx.compile(apply)


def _ms(start: float) -> float:
    return (time.perf_counter() - start) * 1000.0


class _TimedFill:
    """Wraps a constraint's fill to add up llguidance's time."""

    def __init__(self, constraint: Constraint) -> None:
        self.fill, self.ms = constraint.fill, 0.0
        constraint.fill = self  # type: ignore[method-assign]

    def __call__(self) -> np.ndarray:
        start = time.perf_counter()
        bitmask = self.fill()
        self.ms += _ms(start)
        return bitmask


def _logit_sets(vocab: int) -> list[mx.array]:
    sets = [mx.random.normal((1, vocab), key=mx.random.key(i)) for i in range(LOGIT_SETS)]
    mx.eval(sets)
    return sets


def _constraint(backend: MlxBackend) -> Constraint:
    vocab = backend.loaded.vocab_size
    tokenizer = lltokenizer(backend.loaded.tokenizer._tokenizer, vocab)
    return Constraint(tokenizer, plan_json_schema())


def _picks(backend: MlxBackend, tokens: list[int], sets: list[mx.array]) -> dict[str, object]:
    """Mean ms per token of the decode loop's constrained pick, and of its mask fill."""
    constraint, vocab = _constraint(backend), backend.loaded.vocab_size
    timed = _TimedFill(constraint)
    picker, total = GrammarPicker(constraint, vocab, _sampler(None, 0)), 0.0
    for step, token in enumerate(tokens):
        start = time.perf_counter()
        picker(sets[step % LOGIT_SETS])
        total += _ms(start)
        constraint.consume(token)
    return {"pick": total / len(tokens), "fill": timed.ms / len(tokens), "kinds": picker.kinds}


def _free_picks(tokens: list[int], sets: list[mx.array]) -> float:
    """Mean ms per token of the unconstrained pick (host copy, sampler), same logits."""
    free, total = _sampler(None, 0), 0.0
    for step in range(len(tokens)):
        start = time.perf_counter()
        free(np.array(sets[step % LOGIT_SETS][0]))
        total += _ms(start)
    return total / len(tokens)


def _peers(backend: MlxBackend, tokens: list[int], sets: list[mx.array]) -> dict[str, float]:
    """Mean ms per token of applying the full mask the two peer ways."""
    constraint, vocab = _constraint(backend), backend.loaded.vocab_size
    where, unpack, shift = _shift_where(vocab), 0.0, 0.0
    for step, token in enumerate(tokens):
        logits, bitmask = sets[step % LOGIT_SETS], constraint.fill()
        start = time.perf_counter()
        mx.eval(apply_bias(logits, mask_bias(bitmask, vocab)))
        unpack += _ms(start)
        start = time.perf_counter()
        mx.eval(where(logits, mx.array(bitmask.reshape(-1))))
        shift += _ms(start)
        constraint.consume(token)
    return {"unpack": unpack / len(tokens), "where": shift / len(tokens)}


def grammar_cost(backend: MlxBackend, tokens: list[int]) -> dict[str, object]:
    """Per-token ms of the grammar (fill, the rest) and the full-mask peers, replaying `tokens`.

    Each is measured in its own pass so that none warms the caches for another.
    """
    sets = _logit_sets(backend.loaded.vocab_size)
    picks = _picks(backend, tokens, sets)
    total = picks["pick"] - _free_picks(tokens, sets)  # type: ignore[operator]
    rest = total - picks["fill"]  # type: ignore[operator]
    peers = _peers(backend, tokens, sets)
    return picks | peers | {"tokens": len(tokens), "total": total, "rest": rest}


def _report(label: str, cost: dict[str, object]) -> None:
    kinds = ", ".join(f"{n} {k}" for k, n in sorted(cost["kinds"].items()))  # type: ignore[attr-defined]
    print(f"  {label}: {cost['tokens']} tokens ({kinds})")
    print(
        f"    fill {cost['fill']:.3f} ms + apply {cost['rest']:.3f} ms"
        f" = {cost['total']:.3f} ms per token"
    )
    print(
        f"    peers applying the full mask every step: numpy unpackbits + MLX add"
        f" {cost['unpack']:.3f} ms, compiled MLX shift+where {cost['where']:.3f} ms"
    )


class PlanRun(NamedTuple):
    """One plan decoded three ways: jump-forward, one pass per token, and the free peer."""

    tokens: int
    passes: int
    stepped_passes: int
    seconds: float
    stepped_seconds: float
    free_tokens: int
    free_seconds: float

    def ratio(self, seconds: float) -> float:
        """Constrained speed over the peer's: the peer's time per token / ours."""
        return (self.free_seconds / self.free_tokens) / (seconds / self.tokens)


def plan_run(backend: MlxBackend, seed: int) -> PlanRun:
    """Decode the example request's plan with and without jump-forward, then the free peer."""
    messages, schema = build_messages(EXAMPLE_REQUEST), plan_json_schema()
    done = backend.complete(messages, schema, seed=seed, temperature=None, max_tokens=4096)
    passes = backend.last_passes
    backend.jump_forward = False
    try:
        stepped = backend.complete(messages, schema, seed=seed, temperature=None, max_tokens=4096)
    finally:
        backend.jump_forward = True
    stepped_passes = backend.last_passes
    loose = backend.complete(
        messages, None, seed=seed, temperature=None, max_tokens=done.completion_tokens
    )
    return PlanRun(
        done.completion_tokens,
        passes,
        stepped_passes,
        done.seconds,
        stepped.seconds,
        loose.completion_tokens,
        loose.seconds,
    )


def throughput(backend: MlxBackend, seeds: int) -> list[PlanRun]:
    """One `PlanRun` per seed, printed as it finishes."""
    runs = []
    print("per plan (seed: tokens, forward passes jump-forward/one per token, ratio jf/stepped):")
    for seed in range(seeds):
        run = plan_run(backend, seed)
        runs.append(run)
        print(
            f"  seed {seed}: {run.tokens} tokens, {run.passes}/{run.stepped_passes} passes,"
            f" constrained {run.tokens / run.seconds:.1f} tok/s, peer unconstrained"
            f" {run.free_tokens / run.free_seconds:.1f} tok/s ({run.free_tokens} tokens),"
            f" ratio {run.ratio(run.seconds):.3f} / {run.ratio(run.stepped_seconds):.3f}",
            flush=True,
        )
    return runs


def example_tokens(backend: MlxBackend) -> tuple[list[int], int]:
    encode = backend.loaded.tokenizer._tokenizer.encode
    compact = encode(json.dumps(EXAMPLE_PLAN, separators=(",", ":")))
    pretty = encode(json.dumps(EXAMPLE_PLAN, indent=2))
    return compact, len(pretty)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--model", help="mlx folder, GGUF file or smollm2 (default: build the tiny fixture)"
    )
    parser.add_argument("--seeds", type=int, default=3)
    args = parser.parse_args()
    model = args.model
    if model is None:
        from tests.support.fixture_model import build_tiny_model

        model = str(build_tiny_model(Path(tempfile.mkdtemp(prefix="tiny-qwen3-"))))
    backend = MlxBackend(model)
    compact, pretty = example_tokens(backend)
    print(f"seed example plan: {len(compact)} tokens compact, {pretty} pretty-printed", end="")
    print(f" ({1 - len(compact) / pretty:.0%} fewer)")

    real = grammar_cost(backend, compact)
    messages = build_messages(EXAMPLE_REQUEST)
    backend.complete(messages, plan_json_schema(), seed=99, temperature=None, max_tokens=4096)
    noise = grammar_cost(backend, backend.last_tokens)  # the ids sampled, not re-encoded text
    print(f"vocabulary {backend.loaded.vocab_size:,}; grammar cost per token, mean over the run:")
    _report("seed example plan", real)
    _report("sampled plan (seed 99; the worst case on random weights)", noise)

    runs = throughput(backend, args.seeds)
    ratio = statistics.median(run.ratio(run.seconds) for run in runs)
    stepped = statistics.median(run.ratio(run.stepped_seconds) for run in runs)
    passes = statistics.mean(run.passes / run.tokens for run in runs)
    print(
        f"median over {args.seeds} plans: constrained/unconstrained {ratio:.3f} with"
        f" jump-forward ({passes:.2f} forward passes per token), {stepped:.3f} without"
    )
    for label, cost in (("seed example plan", real), ("sampled plan", noise)):
        mean = cost["total"]
        verdict = "PASS" if mean <= GRAMMAR_MS else "MISS"  # type: ignore[operator]
        print(f"{verdict} grammar cost {mean:.3f} ms/token <= {GRAMMAR_MS} ({label})")
    verdict = "PASS" if ratio >= RATIO else "MISS"
    print(f"{verdict} throughput constrained/unconstrained {ratio:.3f} >= {RATIO}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
