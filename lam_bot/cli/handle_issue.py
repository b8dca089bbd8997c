"""`lam-bot handle-issue`: run by the GitHub Action on `issues` and `issue_comment` events."""

from __future__ import annotations

import logging
import os
from pathlib import Path
from typing import Any

import click

from lam_bot.cli.options import generation_options, settings_from_options


def _echo_untrusted(text: str) -> None:
    from lam_bot.github.logsafe import untrusted

    click.echo(untrusted(text))


def _echo_untrusted_err(text: str) -> None:
    from lam_bot.github.logsafe import untrusted

    click.echo(untrusted(text), err=True)


def _print_dry_run(result: Any) -> None:
    for note in result.notes:
        _echo_untrusted_err(f"note: {note}")
    for line in result.planned:
        click.echo(f"would {line}", err=True)
    if result.local_path is not None:
        click.echo(f"wrote {result.local_path}", err=True)
    if result.pull_request is not None:
        title, body = result.pull_request
        _echo_untrusted(f"{title}\n\n{body}")


@click.command("handle-issue")
@click.option(
    "--event",
    "event_path",
    type=click.Path(dir_okay=False, path_type=Path),
    envvar="GITHUB_EVENT_PATH",
    help="Event payload JSON [env GITHUB_EVENT_PATH].",
)
@click.option(
    "--event-name",
    envvar="GITHUB_EVENT_NAME",
    help="The event that triggered the run: issues or issue_comment [env GITHUB_EVENT_NAME].",
)
@click.option("--token", envvar="GITHUB_TOKEN", help="GitHub token [env GITHUB_TOKEN].")
@click.option(
    "--api-url",
    envvar="GITHUB_API_URL",
    default="https://api.github.com",
    show_default=True,
    help="[env GITHUB_API_URL]",
)
@click.option("--label", envvar="LAM_BOT_LABEL", default="agent-request", show_default=True)
@click.option(
    "--agents-dir", envvar="LAM_BOT_AGENTS_DIR", default=".claude/agents", show_default=True
)
@click.option(
    "--draft/--ready",
    envvar="LAM_BOT_DRAFT",
    default=True,
    show_default=True,
    help="Open the pull request as a draft [env LAM_BOT_DRAFT].",
)
@click.option(
    "--min-permission",
    envvar="LAM_BOT_MIN_PERMISSION",
    type=click.Choice(["triage", "write", "maintain", "admin"]),
    default="write",
    show_default=True,
    help="Least role the labeller needs.",
)
@click.option("--dry-run", is_flag=True, help="Write nothing to GitHub; write the file locally.")
@generation_options
@click.option(
    "--github-timeout",
    envvar="LAM_BOT_GITHUB_TIMEOUT",
    type=click.IntRange(1),
    default=30,
    show_default=True,
    show_envvar=True,
    help="Seconds to wait for each GitHub API request.",
)
@click.option(
    "--github-retries",
    envvar="LAM_BOT_GITHUB_RETRIES",
    type=click.IntRange(0),
    default=4,
    show_default=True,
    show_envvar=True,
    help="Retries of a GitHub request that failed on a server error or rate limit.",
)
@click.option(
    "--github-backoff",
    envvar="LAM_BOT_GITHUB_BACKOFF",
    type=click.FloatRange(0),
    default=1.0,
    show_default=True,
    show_envvar=True,
    help="Backoff factor in seconds between retries (doubled each retry, urllib3's).",
)
@click.option(
    "--github-write-interval",
    envvar="LAM_BOT_GITHUB_WRITE_INTERVAL",
    type=click.FloatRange(0),
    default=1.0,
    help="Seconds between writes (GitHub's guidance against secondary rate limits).",
)
@click.option("-q", "--quiet", is_flag=True, help="No progress on stderr.")
@click.pass_context
def handle_issue(ctx: click.Context, quiet: bool, **options: Any) -> None:
    """Turn a labelled issue (or a `/lam-bot regenerate` comment) into a pull request."""
    from lam_bot.github.action import generator, run_action
    from lam_bot.github.logsafe import untrusted

    def progress(message: str) -> None:
        click.echo(untrusted(message), err=True)

    report = None if quiet else progress
    if quiet:  # PyGithub logs each retry at INFO to stderr
        logging.getLogger("github").setLevel(logging.WARNING)
    from lam_bot.errors import GenerationError

    settings = _settings(options)
    try:
        generate = generator(settings_from_options(**options), report)
        result = run_action(settings, generate, report or (lambda _m: None))
    except GenerationError as exc:
        for reason in () if quiet else exc.reasons:
            progress(f"  {reason}")
        raise
    if not quiet:
        click.echo(f"{result.requests} GitHub API requests", err=True)
    if result.outcome.status in ("ignored", "refused") and not quiet:
        progress(f"{result.outcome.status}: {result.outcome.message}")
    if settings.dry_run:
        _print_dry_run(result)
    elif result.outcome.pull is not None:
        click.echo(result.outcome.pull.url)


def _settings(options: dict[str, Any]) -> Any:
    from lam_bot.github.action import ActionSettings, run_url
    from lam_bot.github.client import ClientSettings
    from lam_bot.github.flow import FlowSettings

    client = ClientSettings(
        api_url=options["api_url"],
        token=options["token"] or None,
        timeout=options["github_timeout"],
        retries=options["github_retries"],
        backoff=options["github_backoff"],
        seconds_between_requests=options["github_write_interval"] / 4,
        seconds_between_writes=options["github_write_interval"],
    )
    flow = FlowSettings(
        label=options["label"],
        agents_dir=options["agents_dir"],
        draft=options["draft"],
        min_permission=options["min_permission"],
        run_url=run_url(os.environ),
    )
    return ActionSettings(
        options["event_name"], options["event_path"], client, flow, options["dry_run"], os.environ
    )
