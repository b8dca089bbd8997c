"""The generation engine: request → prompt → backend (+grammar) → plan → agent file → validated.

Everything happens in memory; `write_agent` is the only step that touches disk, so
the GitHub flow can generate without writing and the CLI writes atomically.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from pathlib import Path
from typing import NamedTuple

from lam_bot.errors import GenerationError, InputError
from lam_bot.files import atomic_write
from lam_bot.plan import Plan, parse_plan
from lam_bot.profile import plan_schema_for, settings_profile, token_budget
from lam_bot.prompt import build_messages, clean_request
from lam_bot.settings import DEFAULT_MODEL, GenerateSettings
from lam_bot.synthesize import Grant, agent_filename, safe_agent_path, synthesize
from lam_bot.validator import FileResult, check_text

__all__ = ["DEFAULT_MODEL", "GenerateSettings", "Generated", "generate_agent", "write_agent"]

Progress = Callable[[str], None]


class Generated(NamedTuple):
    """An accepted agent, in memory. `seconds` and `tokens` cover every attempt."""

    plan: Plan
    name: str
    filename: str
    text: str
    result: FileResult
    grants: tuple[Grant, ...]
    backend: str
    model: str
    seconds: float
    tokens: int
    attempts: int


class _Attempt(NamedTuple):
    plan: Plan
    text: str
    result: FileResult
    grants: tuple[Grant, ...]


def _seed(settings: GenerateSettings, attempt: int) -> int:
    if settings.seed is None:
        return random.SystemRandom().randrange(2**31)
    return settings.seed + attempt


def _rejection(result: FileResult) -> str | None:
    """Why a synthesized file is not acceptable (any error, warning or score under 100).

    Risk findings (`risk-…`) are not reasons to try again: the request may ask for what
    they flag, so the file is kept and the findings go to the reviewer (the PR body's
    "Review before merging" section, the status comment, the CLI's summary).
    """
    problems = [d for d in (*result.errors, *result.warnings) if not d.rule.startswith("risk-")]
    if problems:
        first = problems[0]
        return f"{first.rule}: {first.message}"
    if result.score is not None and result.score < 100:
        lost = [item.label for item in result.rubric if item.points < item.max_points]
        return f"score {result.score}/100 (short on: {', '.join(lost)})"
    return None


def _accept(reply: str) -> _Attempt:
    plan = parse_plan(reply)
    synthesis = synthesize(plan)
    result = check_text(synthesis.text, agent_filename(plan.agent.name), kind="agent")
    problem = _rejection(result)
    if problem:
        raise GenerationError(f"the agent file failed validation: {problem}")
    return _Attempt(plan, synthesis.text, result, synthesis.grants)


def generate_agent(
    request: str,
    settings: GenerateSettings,
    *,
    feedback: str | None = None,
    progress: Progress | None = None,
) -> Generated:
    """Generate and validate an agent for `request`, retrying with a new seed per attempt."""
    from lam_bot.backends import get_backend

    say = progress or (lambda _message: None)
    messages = build_messages(clean_request(request), settings.repeat, feedback)
    schema = plan_schema_for(settings) if settings.constrained else None
    budget = token_budget(settings)
    profile = settings_profile(settings).name
    adapter = f", adapter {settings.adapter}" if settings.adapter else ""
    model = f"model {settings.model}{adapter}"
    say(f"backend {settings.backend}, {model}, profile {profile}, {budget} tokens")
    backend = get_backend(settings)  # loads the model on first use
    start, tokens, reasons = time.perf_counter(), 0, []
    for attempt in range(1, max(settings.attempts, 1) + 1):
        seed = _seed(settings, attempt - 1)
        say(f"attempt {attempt}/{settings.attempts}: generating with {backend.name} (seed {seed})")
        try:
            completion = backend.complete(
                messages,
                schema,
                seed=seed,
                temperature=settings.temperature,
                max_tokens=budget,
            )
            tokens += completion.completion_tokens
            rate = completion.completion_tokens / max(completion.seconds, 1e-9)
            say(
                f"{completion.completion_tokens} tokens in {completion.seconds:.1f}s ({rate:.1f}/s)"
            )
            if completion.cut_off:  # a partial plan never parses; say why instead
                raise GenerationError(f"the model's output was cut off at {budget} tokens")
            accepted = _accept(completion.text)
        except GenerationError as exc:
            reasons.append(f"attempt {attempt}: {exc}")
            say(reasons[-1])
            continue
        seconds = time.perf_counter() - start
        name = accepted.plan.agent.name
        return Generated(
            accepted.plan,
            name,
            agent_filename(name),
            accepted.text,
            accepted.result,
            accepted.grants,
            backend.name,
            settings.model,
            seconds,
            tokens,
            attempt,
        )
    count = max(settings.attempts, 1)
    message = f"no acceptable agent after {count} attempt{'s' * (count > 1)}: {reasons[-1]}"
    raise GenerationError(message, tuple(reasons))


def write_agent(generated: Generated, out_dir: Path, *, force: bool = False) -> Path:
    """Write the agent file atomically inside `out_dir`; never overwrite a different file."""
    path = safe_agent_path(out_dir, generated.name)
    if path.exists() and not force:
        if path.read_text(encoding="utf-8", errors="replace") == generated.text:
            return path
        raise InputError(f"{path} exists and differs (use --force to overwrite it)")
    path.parent.mkdir(parents=True, exist_ok=True)
    return atomic_write(path, generated.text)
