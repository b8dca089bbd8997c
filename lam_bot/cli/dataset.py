"""`lam-bot dataset build`: agent and skill files become a fine-tuning dataset."""

from __future__ import annotations

import json
from pathlib import Path

import click


@click.group()
def dataset() -> None:
    """Build training data from agent and skill files."""


@dataset.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=str))
@click.option(
    "--out",
    required=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="Folder for train.jsonl, valid.jsonl and report.json.",
)
@click.option(
    "--mix",
    "mixes",
    multiple=True,
    metavar="FILE:N",
    help="Add up to N chat examples from a JSONL file (repeatable).",
)
@click.option(
    "--valid-fraction",
    type=click.FloatRange(0.0, 1.0, max_open=True),
    default=0.15,
    show_default=True,
    help="Share of agents whose examples go to valid.jsonl.",
)
@click.option("--seed", type=int, default=0, show_default=True, help="Seed of the split and mix.")
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
)
def build(
    paths: tuple[str, ...],
    out: Path,
    mixes: tuple[str, ...],
    valid_fraction: float,
    seed: int,
    output_format: str,
) -> None:
    """Harvest agent and skill files under PATHS into a curated chat dataset.

    Applies the model card's curation (allowed-tools → tools, boilerplate and table
    rows removed, duplicates by name, length limits, files with validator errors
    dropped) and writes plan-mode and execution-mode examples in mlx-lm's chat format.
    """
    from lam_bot.dataset.build import BuildSettings, build_dataset, parse_mix
    from lam_bot.dataset.report import render_report

    settings = BuildSettings(
        paths, out, tuple(parse_mix(spec) for spec in mixes), valid_fraction, seed
    )
    built = build_dataset(settings)
    if output_format == "json":
        click.echo(json.dumps(built.report, indent=2))
    else:
        click.echo(render_report(built.report))
        click.echo(f"wrote {built.train}, {built.valid}, {built.report_path}")
