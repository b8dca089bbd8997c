"""`lam-bot handle-issue` assembled: environment → event → client → flow → outputs.

The command copies its options into `ActionSettings` and calls `run_action`, which
builds the parts with small `build_*` functions, runs the flow and writes the step
outputs and job summary.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from lam_bot.errors import LamBotError, UsageError
from lam_bot.github import outputs
from lam_bot.github.client import ClientSettings, RequestCount, connect
from lam_bot.github.event import SUPPORTED_EVENTS, Event, load_event
from lam_bot.github.flow import Flow, FlowSettings, GenerateFn, Outcome, Progress, check_agents_dir
from lam_bot.github.logsafe import inert, one_line
from lam_bot.github.repo import DryRunRepo, Repo

if TYPE_CHECKING:
    from lam_bot.generate import Generated, GenerateSettings


@dataclass(frozen=True)
class ActionSettings:
    """Everything `handle-issue` was told, by flags or by the Actions environment."""

    event_name: str | None
    event_path: Path | None
    client: ClientSettings
    flow: FlowSettings
    dry_run: bool = False
    environ: Mapping[str, str] = field(default_factory=dict)


class ActionResult(NamedTuple):
    """The outcome, the API requests it took, and (dry run) what would have been written."""

    outcome: Outcome
    requests: int
    planned: tuple[str, ...] = ()
    pull_request: tuple[str, str] | None = None
    local_path: Path | None = None
    notes: tuple[str, ...] = ()  # dry run: what it could not check


def run_url(environ: Mapping[str, str]) -> str | None:
    """The link to this workflow run, when the Actions environment gives one."""
    parts = [environ.get(k) for k in ("GITHUB_SERVER_URL", "GITHUB_REPOSITORY", "GITHUB_RUN_ID")]
    if not all(parts):
        return None
    server, repository, run_id = parts
    return f"{server}/{repository}/actions/runs/{run_id}"


def build_repo(settings: ActionSettings, event: Event, count: RequestCount) -> Repo:
    """The repository gateway: real, or recording writes for a dry run; requests go to `count`."""
    if settings.dry_run:
        client = connect(settings.client, count) if settings.client.token else None
        return DryRunRepo(client, event.repository)
    if not settings.client.token:
        raise UsageError("no GitHub token: pass --token or set GITHUB_TOKEN")
    return Repo(connect(settings.client, count), event.repository)


class _Keep:
    """Wraps the generate callable to keep its last result (the dry run writes it locally)."""

    def __init__(self, generate: GenerateFn) -> None:
        self.generate = generate
        self.last: Generated | None = None

    def __call__(self, request: str, feedback: str | None) -> Generated:
        self.last = self.generate(request, feedback)
        return self.last


def run_action(settings: ActionSettings, generate: GenerateFn, progress: Progress) -> ActionResult:
    """Handle the event once; raises LamBotError after reporting it on the issue."""
    check_agents_dir(settings.flow.agents_dir)
    if settings.event_name and settings.event_name not in SUPPORTED_EVENTS:
        ignored = ActionResult(
            Outcome(
                "ignored",
                f"{settings.event_name} events are not handled (only issues and issue_comment)",
            ),
            0,
        )
        write_outputs(settings.environ, ignored)
        return ignored
    event = load_event(settings.event_name, settings.event_path)
    keep, count = _Keep(generate), RequestCount()
    repo = build_repo(settings, event, count)
    try:
        outcome = Flow(repo, keep, settings.flow, progress).run(event)
    except LamBotError as exc:
        failed = ActionResult(Outcome("failed", str(exc)), count.sent)
        write_outputs(settings.environ, failed)
        raise
    result = ActionResult(outcome, count.sent)
    if isinstance(repo, DryRunRepo):
        local = _write_locally(keep.last, settings.flow.agents_dir)
        result = result._replace(
            planned=tuple(repo.planned),
            pull_request=repo.pull_request,
            local_path=local,
            notes=tuple(repo.notes),
        )
    write_outputs(settings.environ, result)
    return result


def _write_locally(draft: Generated | None, agents_dir: str) -> Path | None:
    from lam_bot.generate import write_agent

    return None if draft is None else write_agent(draft, Path(agents_dir))


def output_values(outcome: Outcome) -> dict[str, str]:
    """The step outputs."""
    pull = outcome.pull
    return {
        "status": outcome.status,
        "pr-url": pull.url if pull and pull.number else "",
        "pr-number": str(pull.number) if pull and pull.number else "",
        "agent-path": outcome.agent_path or "",
        "agent-name": outcome.agent_name or "",
        "score": "" if outcome.score is None else str(outcome.score),
    }


def summary(result: ActionResult) -> str:
    """The job summary in markdown."""
    outcome, values = result.outcome, output_values(result.outcome)
    message = inert(one_line(outcome.message, 2000))  # may quote the issue or the model
    lines = ["### lam-bot", "", f"**{outcome.status}**: {message}", ""]
    if values["pr-url"]:
        lines.append(f"- pull request: {values['pr-url']}")
    if values["agent-path"]:
        lines.append(f"- agent: `{values['agent-path']}` (score {values['score']}/100)")
    lines.append(f"- GitHub API requests: {result.requests}")
    return "\n".join(lines) + "\n"


def write_outputs(environ: Mapping[str, str], result: ActionResult) -> None:
    """Append outputs and summary to the runner's files (nothing outside Actions)."""
    values = output_values(result.outcome)
    outputs.append(_path(environ, "GITHUB_OUTPUT"), outputs.format_outputs(values))
    outputs.append(_path(environ, "GITHUB_STEP_SUMMARY"), summary(result))


def _path(environ: Mapping[str, str], name: str) -> Path | None:
    value = environ.get(name)
    return Path(value) if value else None


def generator(settings: GenerateSettings, progress: Progress | None) -> GenerateFn:
    """The generate callable for `settings` (the CLI builds them from its options)."""
    from lam_bot.generate import generate_agent

    def generate(request: str, feedback: str | None) -> Generated:
        return generate_agent(request, settings, feedback=feedback, progress=progress)

    return generate
