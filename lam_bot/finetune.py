"""`lam-bot finetune`: mlx-lm's LoRA trainer with the model card's recipe as defaults.

The card (chendren/Qwen3-8B-LAM-v4, "Training"): LoRA rank 8, scale 20.0, learning
rate 1e-5, 800 iterations, batch 1, sequences up to 8,192 tokens; best validation
loss 0.419 at iteration 700 of 800. Everything is overridable.

The trainer is mlx-lm's own (`mlx_lm.lora.train_model`, which adds the LoRA layers,
writes `adapter_config.json` and runs `mlx_lm.tuner.train`); a `TrainingCallback`
records the losses and, at every validation, keeps the adapter weights if the
validation loss is the best so far. mlx-lm validates before iterations 1, N x
steps-per-eval and the last, so the final weights get one more validation pass here.
Iterations are counted as mlx-lm's callbacks count them: the number of optimizer steps
behind the weights measured (0: the untouched model). At the end `adapters.safetensors`
holds that best checkpoint (what `mlx_lm.load(adapter_path=...)` and `--adapter` read) and
`last_adapters.safetensors` the final weights; `training.json` has the loss curve.
The model loads through the mlx backend's loader, so every model `generate` can use
can be fine-tuned.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path
from types import SimpleNamespace
from typing import Any, NamedTuple

from lam_bot.errors import BackendError, InputError
from lam_bot.files import atomic_write

Progress = Callable[[str], None]
ADAPTER_FILE = "adapters.safetensors"
BEST_FILE = "best_adapters.safetensors"
LAST_FILE = "last_adapters.safetensors"
HISTORY_FILE = "training.json"


@dataclass(frozen=True)
class FinetuneSettings:
    """The run: data and model in, adapter folder out; the card's recipe as defaults."""

    data: Path
    model: str
    out: Path
    rank: int = 8
    scale: float = 20.0
    dropout: float = 0.0
    learning_rate: float = 1e-5
    iters: int = 800
    batch_size: int = 1
    max_seq_length: int = 8192
    num_layers: int = 16  # mlx-lm's default; capped at the model's layer count
    steps_per_eval: int = 100  # the card's best loss was at iteration 700: a multiple of 100
    val_batches: int = 25
    steps_per_report: int = 10
    save_every: int = 100
    mask_prompt: bool = False
    grad_checkpoint: bool = False
    seed: int = 0
    fuse: Path | None = None


class LossPoint(NamedTuple):
    """One reported loss: the iteration whose weights it measures, and the loss."""

    iteration: int
    loss: float


class Finetuned(NamedTuple):
    """A finished run: where the adapter is, and its loss curve."""

    adapter: Path
    train_losses: tuple[LossPoint, ...]
    val_losses: tuple[LossPoint, ...]
    best: LossPoint | None
    fused: Path | None


def check_data(folder: Path) -> Path:
    """`folder` when it holds a non-empty train.jsonl; InputError otherwise."""
    train = folder / "train.jsonl"
    if not folder.is_dir():
        raise InputError(f"no dataset at {folder} (build one with `lam-bot dataset build`)")
    if not train.is_file() or train.stat().st_size == 0:
        raise InputError(f"{folder} has no train.jsonl with examples (see `lam-bot dataset build`)")
    return folder


def trainer_args(settings: FinetuneSettings, layers: int) -> SimpleNamespace:
    """mlx-lm's LoRA arguments (its CONFIG_DEFAULTS, with ours on top)."""
    from mlx_lm.lora import CONFIG_DEFAULTS

    args = {
        **CONFIG_DEFAULTS,
        "model": settings.model,
        "data": str(settings.data),
        "train": True,
        "fine_tune_type": "lora",
        "num_layers": min(settings.num_layers, layers) if settings.num_layers > 0 else layers,
        "batch_size": settings.batch_size,
        "iters": settings.iters,
        "val_batches": settings.val_batches,
        "learning_rate": settings.learning_rate,
        "steps_per_report": settings.steps_per_report,
        "steps_per_eval": settings.steps_per_eval,
        "adapter_path": str(settings.out),
        "save_every": settings.save_every,
        "max_seq_length": settings.max_seq_length,
        "grad_checkpoint": settings.grad_checkpoint,
        "mask_prompt": settings.mask_prompt,
        "seed": settings.seed,
        "lora_parameters": {
            "rank": settings.rank,
            "dropout": settings.dropout,
            "scale": settings.scale,
        },
    }
    return SimpleNamespace(**args)


def _callback_class() -> type:
    from mlx_lm.tuner.callbacks import TrainingCallback

    class KeepBest(TrainingCallback):
        """Records losses; saves the adapter weights at each new best validation loss."""

        def __init__(self, model: Any, best_file: Path, progress: Progress) -> None:
            self.model, self.best_file, self.progress = model, best_file, progress
            self.train: list[LossPoint] = []
            self.val: list[LossPoint] = []
            self.best: LossPoint | None = None

        def on_train_loss_report(self, info: dict[str, Any]) -> None:
            point = LossPoint(int(info["iteration"]), float(info["train_loss"]))
            self.train.append(point)
            peak = info.get("peak_memory", 0.0)
            self.progress(
                f"iter {point.iteration}: train loss {point.loss:.3f}, peak {peak:.2f} GB"
            )

        def on_val_loss_report(self, info: dict[str, Any]) -> None:
            import mlx.core as mx
            from mlx.utils import tree_flatten

            point = LossPoint(int(info["iteration"]), float(info["val_loss"]))
            self.val.append(point)
            mark = ""
            if self.best is None or point.loss < self.best.loss:
                self.best = point
                weights = dict(tree_flatten(self.model.trainable_parameters()))
                mx.save_safetensors(str(self.best_file), weights)
                mark = " (best so far, kept)"
            self.progress(f"iter {point.iteration}: validation loss {point.loss:.3f}{mark}")

    return KeepBest


def _load(model: str) -> tuple[Any, Any]:
    from lam_bot.backends.mlx import load_model

    # Uncached: training adds LoRA layers to the module, which must not leak into a
    # later `load_model(model)` in the same process.
    loaded = load_model.__wrapped__(model)
    return loaded.model, loaded.tokenizer


def _datasets(args: SimpleNamespace, tokenizer: Any) -> tuple[Any, Any]:
    from mlx_lm.tuner.datasets import load_dataset

    try:
        train, valid, _ = load_dataset(args, tokenizer)
    except (ValueError, KeyError, TypeError) as exc:  # bad JSON lines or an unknown format
        first = " ".join(str(exc).split())[:200]
        raise InputError(f"cannot read the dataset in {args.data}: {first}") from None
    if len(train) < args.batch_size:
        raise InputError(f"train.jsonl has {len(train)} examples, fewer than --batch-size")
    return train, valid


# mlx's allocation failures: "[metal::malloc] Attempting to allocate N bytes which is
# greater than the maximum allowed buffer size", "... Insufficient Memory ...".
_OOM_WORDS = ("memory", "malloc", "allocate")


def _out_of_memory(exc: BaseException) -> bool:
    text = str(exc).lower()
    return isinstance(exc, MemoryError) or any(word in text for word in _OOM_WORDS)


def _train(args: SimpleNamespace, model: Any, train: Any, valid: Any, callback: Any) -> None:
    from mlx_lm.lora import train_model

    try:
        train_model(args, model, train, valid, callback)
    except (MemoryError, RuntimeError) as exc:
        if _out_of_memory(exc):
            hint = "try a smaller --max-seq-length or --batch-size, or --grad-checkpoint"
            raise BackendError(f"out of memory while training ({hint})") from None
        raise


def _validate_last(args: SimpleNamespace, model: Any, valid: Any, keeper: Any) -> None:
    """Validation of the final weights, which mlx-lm's loop measures only before the last step."""
    from mlx_lm.tuner import evaluate
    from mlx_lm.tuner.datasets import CacheDataset

    loss = evaluate(
        model=model,
        dataset=CacheDataset(valid),
        batch_size=args.batch_size,
        num_batches=args.val_batches,
        max_seq_length=args.max_seq_length,
    )
    keeper.on_val_loss_report({"iteration": args.iters, "val_loss": loss})


def finetune(settings: FinetuneSettings, progress: Progress | None = None) -> Finetuned:
    """Train a LoRA adapter into `settings.out`; InputError / BackendError on bad input."""
    say = progress or (lambda _message: None)
    data = check_data(settings.data)
    say(f"loading {settings.model}")
    model, tokenizer = _load(settings.model)
    args = trainer_args(settings, len(model.layers))
    train, valid = _datasets(SimpleNamespace(**{**vars(args), "data": str(data)}), tokenizer)
    _prepare_out(settings.out)
    keeper = _callback_class()(model, settings.out / BEST_FILE, say)
    say(f"training {args.iters} iterations on {len(train)} examples ({len(valid)} validation)")
    _train(args, model, train, valid, keeper)
    if len(valid):
        _validate_last(args, model, valid, keeper)
    adapter = _keep_best(settings.out, keeper.best is not None)
    _write_history(settings, keeper)
    fused = _fuse(settings, adapter) if settings.fuse else None
    return Finetuned(adapter, tuple(keeper.train), tuple(keeper.val), keeper.best, fused)


def _prepare_out(out: Path) -> None:
    if out.exists() and not out.is_dir():
        raise InputError(f"--out {out} exists and is not a folder")
    out.mkdir(parents=True, exist_ok=True)


def _keep_best(out: Path, have_best: bool) -> Path:
    """adapters.safetensors becomes the best checkpoint; the final one is kept aside."""
    shutil.copyfile(out / ADAPTER_FILE, out / LAST_FILE)
    if have_best:
        shutil.copyfile(out / BEST_FILE, out / ADAPTER_FILE)
        (out / BEST_FILE).unlink()
    return out


def _write_history(settings: FinetuneSettings, keeper: Any) -> None:
    history = {
        "settings": {k: str(v) if isinstance(v, Path) else v for k, v in asdict(settings).items()},
        "train_loss": [list(point) for point in keeper.train],
        "val_loss": [list(point) for point in keeper.val],
        "best": list(keeper.best) if keeper.best else None,
    }
    atomic_write(settings.out / HISTORY_FILE, json.dumps(history, indent=2) + "\n")


def _fuse(settings: FinetuneSettings, adapter: Path) -> Path:
    """The model with the adapter merged in, saved as an mlx model folder (as mlx_lm.fuse)."""
    from mlx.utils import tree_unflatten
    from mlx_lm.utils import load, save

    from lam_bot.backends.gguf import resolve_model

    assert settings.fuse is not None
    source = resolve_model(settings.model)  # a GGUF (smollm2) is converted to a folder
    try:
        model, tokenizer, config = load(  # type: ignore[misc]
            source, adapter_path=str(adapter), return_config=True
        )
    except Exception as exc:  # a model mlx-lm cannot load from a folder or repo
        first = " ".join(str(exc).split())[:200]
        raise BackendError(
            f"--fuse needs a model mlx-lm loads by name or folder: {first}"
        ) from None
    fused = [
        (name, m.fuse(dequantize=False)) for name, m in model.named_modules() if hasattr(m, "fuse")
    ]
    model.update_modules(tree_unflatten(fused))
    save(settings.fuse, source, model, tokenizer, config, donate_model=False)
    return settings.fuse
