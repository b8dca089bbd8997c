"""`lam-bot generate REQUEST`: a request becomes a validated agent file."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from lam_bot.cli.options import generation_options, settings_from_options

if TYPE_CHECKING:  # the import is deferred so `--help` stays fast
    from lam_bot.generate import Generated


def _request(text: str) -> str:
    return sys.stdin.read() if text == "-" else text


def shown(path: Path) -> Path:
    """`path` relative to the current folder when it is inside it (as the README shows
    `.claude/agents/<name>.md`), else as given."""
    try:
        return path.resolve().relative_to(Path.cwd().resolve())
    except (ValueError, OSError):
        return path


def _result(generated: Generated, path: Path | None) -> dict[str, Any]:
    """The `--format json` document (keys documented in the README)."""
    return {
        "path": str(path) if path else None,
        "name": generated.name,
        "score": generated.result.score,
        "tokens": generated.tokens,
        "seconds": round(generated.seconds, 2),
        "attempts": generated.attempts,
        "backend": generated.backend,
        "model": generated.model,
        "tools": [{"tool": g.tool, "reason": g.reason} for g in generated.grants],
        "risks": [
            {"line": d.line, "rule": d.rule, "message": d.message}
            for d in generated.result.warnings
            if d.rule.startswith("risk-")
        ],
        "plan": generated.plan.model_dump(mode="json", exclude_unset=True),
    }


ENVIRONMENT = """\b
Environment: the options marked [env var] read that variable when not given.
The mlx backend downloads models to HF_HOME (default ~/.cache/huggingface);
HF_HUB_OFFLINE=1 forbids downloads. NO_COLOR turns colour off."""


@click.command(epilog=ENVIRONMENT)
@click.argument("request")
@generation_options
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path(".claude/agents"),
    show_default=True,
    help="Folder the agent file is written to.",
)
@click.option("--force", is_flag=True, help="Overwrite an existing, different agent file.")
@click.option("--plan-only", is_flag=True, help="Print the plan JSON instead of writing a file.")
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
)
@click.option("-q", "--quiet", is_flag=True, help="No progress on stderr.")
def generate(
    request: str,
    out: Path,
    force: bool,
    plan_only: bool,
    output_format: str,
    quiet: bool,
    **options: Any,
) -> None:
    """Generate a Claude Code agent for REQUEST ('-' reads it from stdin)."""
    from lam_bot.errors import GenerationError
    from lam_bot.generate import generate_agent, write_agent

    progress = None if quiet else (lambda message: click.echo(message, err=True))
    try:
        generated = generate_agent(
            _request(request), settings_from_options(**options), progress=progress
        )
    except GenerationError as exc:
        for reason in exc.reasons:
            click.echo(f"  {reason}", err=True)
        raise
    path = None if plan_only else write_agent(generated, out, force=force)
    for risk in (d for d in generated.result.warnings if d.rule.startswith("risk-")):
        # Diagnostics, not progress: shown under -q too. Review these before installing.
        where = shown(path) if path else generated.filename
        click.echo(f"{where}:{risk.line}:{risk.col}: warning {risk.rule} {risk.message}", err=True)
    if output_format == "json":
        click.echo(json.dumps(_result(generated, path), indent=2))
    elif path is None:
        click.echo(generated.plan.model_dump_json(indent=2, exclude_unset=True))
    else:
        tail = f"{generated.tokens} tokens  {generated.seconds:.1f}s"
        click.echo(f"{shown(path)}  score {generated.result.score}/100  {tail}")
