"""What the grammar costs on the mlx backend, measured on the tiny fixture model.

    .venv/bin/python benchmarks/grammar_cost.py [--model PATH] [--seeds 3]

Prints, in one run:
- the grammar's cost per token (llguidance's mask fill, the numpy unpack into a logit
  bias, and the MLX apply; the first two overlap the model's forward pass in the
  decode loop, the apply does not) at the model's vocabulary
  (151,936), replaying the seed's example plan (realistic) and a random-weight plan
  (worst case) through the matcher, with the apply step against a named peer: the
  compiled MLX shift-and-`where` unpack;
- decode throughput with and without the grammar (same model, loop, prompt and
  seeds; the unconstrained run decodes as many tokens as the constrained one did) and
  the constrained/unconstrained ratio;
- the seed's example plan in Qwen3 tokens, compact versus pretty-printed JSON.
Targets on this machine (issue 3): ratio >= 0.95, grammar <= 0.3 ms per token.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import mlx.core as mx
import numpy as np

from lam_bot.backends.grammar import Constraint, apply_bias, lltokenizer, mask_bias
from lam_bot.backends.mlx import MlxBackend
from lam_bot.plan import plan_json_schema
from lam_bot.prompt import build_messages
from tests.support.plans import EXAMPLE_PLAN, EXAMPLE_REQUEST


def _shift_where(vocab: int):  # type: ignore[no-untyped-def]
    shifts = mx.arange(32, dtype=mx.int32)

    def apply(logits: mx.array, words: mx.array) -> mx.array:
        bits = (words[:, None] >> shifts[None, :]) & 1
        return mx.where(bits.reshape(-1)[:vocab].astype(mx.bool_), logits, -mx.inf)

    return mx.compile(apply)


def grammar_cost(backend: MlxBackend, tokens: list[int]) -> dict[str, float]:
    """Per-token ms of mask fill (llguidance + unpack) and apply, replaying `tokens`."""
    vocab = backend.loaded.vocab_size
    tokenizer = lltokenizer(backend.loaded.tokenizer._tokenizer, vocab)
    constraint = Constraint(tokenizer, plan_json_schema())
    logits = mx.random.normal((1, vocab))
    peer = _shift_where(vocab)
    fill, unpack, apply, where = [], [], [], []
    for token in tokens:
        t0 = time.perf_counter()
        bitmask = constraint.fill()
        tu = time.perf_counter()
        bias = mask_bias(bitmask, vocab)
        t1 = time.perf_counter()
        mx.eval(apply_bias(logits, bias))
        t2 = time.perf_counter()
        mx.eval(peer(logits, mx.array(constraint.bitmask.reshape(-1))))
        t3 = time.perf_counter()
        fill.append(tu - t0)
        unpack.append(t1 - tu)
        apply.append(t2 - t1)
        where.append(t3 - t2)
        constraint.consume(token)
    ms = 1000.0
    return {
        "tokens": len(tokens),
        "fill_ms": statistics.median(fill) * ms,
        "unpack_ms": statistics.median(unpack) * ms,
        "apply_ms": statistics.median(apply) * ms,
        "total_ms": statistics.median(np.add(np.add(fill, unpack), apply)) * ms,
        "mean_total_ms": statistics.fmean(np.add(np.add(fill, unpack), apply)) * ms,
        "peer_where_ms": statistics.median(where) * ms,
    }


def throughput(backend: MlxBackend, seeds: int) -> tuple[float, float, int]:
    """Median tokens/s constrained and unconstrained over `seeds` interleaved runs."""
    messages = build_messages(EXAMPLE_REQUEST)
    schema = plan_json_schema()
    constrained, free, total = [], [], 0
    for seed in range(seeds):
        done = backend.complete(messages, schema, seed=seed, temperature=None, max_tokens=4096)
        total += done.completion_tokens
        constrained.append(done.completion_tokens / done.seconds)
        loose = backend.complete(
            messages, None, seed=seed, temperature=None, max_tokens=done.completion_tokens
        )
        free.append(loose.completion_tokens / loose.seconds)
    return statistics.median(constrained), statistics.median(free), total


def example_tokens(backend: MlxBackend) -> tuple[list[int], int]:
    encode = backend.loaded.tokenizer._tokenizer.encode
    compact = encode(json.dumps(EXAMPLE_PLAN, separators=(",", ":")))
    pretty = encode(json.dumps(EXAMPLE_PLAN, indent=2))
    return compact, len(pretty)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--model", help="mlx model folder (default: build the tiny fixture)")
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
    print(f"vocabulary {backend.loaded.vocab_size:,}; grammar cost per token (median):")
    for label, cost in (("seed example plan", real), ("random-weight plan", noise)):
        print(
            f"  {label:<19} {cost['tokens']:>5} tokens: fill {cost['fill_ms']:.3f} ms"
            f" + unpack {cost['unpack_ms']:.3f} ms + apply {cost['apply_ms']:.3f} ms"
            f" = {cost['total_ms']:.3f} ms"
            f" (mean {cost['mean_total_ms']:.3f}); peer shift+where apply"
            f" {cost['peer_where_ms']:.3f} ms = {cost['peer_where_ms'] / cost['apply_ms']:.1f}x"
        )

    constrained, free, total = throughput(backend, args.seeds)
    print(
        f"decode over {args.seeds} seeds ({total} constrained tokens): constrained"
        f" {constrained:.1f} tok/s, unconstrained {free:.1f} tok/s,"
        f" ratio {constrained / free:.3f}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
