"""The benchmark runner: every prompt × condition × run, one reply each, scored.

A condition is one prompt style (standard or with instruction repetition) and one
decoding mode (grammar-constrained or not). Plan-mode prompts are scored on the raw
reply; execution-mode prompts are synthesised and validated, retried with a new seed
up to `attempts` times until they pass. A failure of one prompt (backend error,
cut-off, invalid JSON) is recorded in its result and the run goes on.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from itertools import product
from typing import TYPE_CHECKING, Any, NamedTuple

from lam_bot.bench.scorers import ExecScore, score_agent, score_plan
from lam_bot.bench.suites import Prompt, select_prompts
from lam_bot.errors import BackendError, GenerationError
from lam_bot.profile import plan_schema_for, token_budget

if TYPE_CHECKING:
    from lam_bot.backends import Backend, Completion
    from lam_bot.generate import GenerateSettings


class Condition(NamedTuple):
    """How a prompt is sent: with or without repetition, constrained or not."""

    repeat: bool
    constrained: bool

    @property
    def label(self) -> str:
        """`standard` or `repeated`, plus `unconstrained` when the grammar is off."""
        style = "repeated" if self.repeat else "standard"
        return style if self.constrained else f"{style}, unconstrained"


@dataclass(frozen=True)
class BenchConfig:
    """What to run: suites, conditions, runs, and the generation settings."""

    settings: GenerateSettings
    suite: str = "all"
    runs: int = 1
    repeats: tuple[bool, ...] = (True,)
    constraints: tuple[bool, ...] = (True,)

    @property
    def conditions(self) -> list[Condition]:
        """Every condition, constrained first, then standard before repeated."""
        pairs = product(self.constraints, self.repeats)
        return [Condition(repeat, constrained) for constrained, repeat in pairs]

    def jobs(self) -> list[tuple[Prompt, Condition, int]]:
        """Every (prompt, condition, run) in the order they run."""
        prompts = select_prompts(self.suite)
        return [(p, c, r) for c in self.conditions for p in prompts for r in range(self.runs)]


@dataclass
class Result:
    """One prompt under one condition in one run: scores and every raw figure."""

    suite: str
    prompt_id: str
    topic: str
    condition: str
    repeat: bool
    constrained: bool
    run: int
    seed: int
    score: int = 0
    items: dict[str, int] = field(default_factory=dict)  # plan rubric, or the validator's
    valid_json: bool = False
    passed: bool | None = None
    agent: str | None = None
    attempts: int = 0
    latency_seconds: float = 0.0
    first_token_seconds: float | None = None
    decode_seconds: float = 0.0
    prompt_tokens: int = 0
    completion_tokens: int = 0
    tokens_per_second: float | None = None
    cut_off: bool = False
    error: str | None = None
    diagnostics: list[str] = field(default_factory=list)
    reply: str = ""


def run_seed(settings: GenerateSettings, run: int, attempt: int) -> int:
    """Each run and attempt gets its own seed, reproducible from `--seed`."""
    return (settings.seed or 0) + run + 1000 * attempt


def iter_bench(config: BenchConfig, backend: Backend | None = None) -> Iterator[Result]:
    """Run the benchmark lazily, one result per job (so callers can show progress)."""
    if backend is None:
        from lam_bot.backends import get_backend

        backend = get_backend(config.settings)
    for prompt, condition, run in config.jobs():
        yield run_one(backend, config.settings, prompt, condition, run)


def run_one(
    backend: Backend, settings: GenerateSettings, prompt: Prompt, condition: Condition, run: int
) -> Result:
    """Send one prompt, score the reply; errors end up in the result."""
    result = Result(
        prompt.suite,
        prompt.id,
        prompt.topic,
        condition.label,
        condition.repeat,
        condition.constrained,
        run,
        run_seed(settings, run, 0),
    )
    attempts = 1
    if prompt.suite == "exec":
        attempts, result.passed = settings.attempts, False
    for attempt in range(max(1, attempts)):
        result.attempts = attempt + 1
        if not _attempt(backend, settings, prompt, condition, result, attempt) or result.passed:
            break
    return result


def _attempt(
    backend: Backend,
    settings: GenerateSettings,
    prompt: Prompt,
    condition: Condition,
    result: Result,
    attempt: int,
) -> bool:
    """One request; False when the backend failed (no point retrying a dead server)."""
    seed = run_seed(settings, result.run, attempt)
    try:
        completion = _complete(backend, settings, prompt, condition, seed)
    except BackendError as exc:
        result.error = str(exc)
        return False
    except GenerationError as exc:  # backends before `Completion.cut_off` raised this
        result.error, result.cut_off = str(exc), True
        return True
    _add_timing(result, completion)
    _score(result, prompt.suite, completion.text)
    result.cut_off = completion.cut_off
    if result.cut_off:
        result.error = f"the model's output was cut off at {token_budget(settings)} tokens"
    return True


def _complete(
    backend: Backend, settings: GenerateSettings, prompt: Prompt, condition: Condition, seed: int
) -> Completion:
    from lam_bot.prompt import build_messages

    messages = build_messages(prompt.request, repeat=condition.repeat)
    schema = plan_schema_for(settings) if condition.constrained else None
    return backend.complete(
        messages,
        schema,
        seed=seed,
        temperature=settings.temperature,
        max_tokens=token_budget(settings),
    )


def _add_timing(result: Result, completion: Completion) -> None:
    """Accumulate over attempts: the user waits for all of them."""
    if result.first_token_seconds is None:
        result.first_token_seconds = completion.first_token_seconds
    result.latency_seconds += completion.seconds
    result.decode_seconds += max(0.0, completion.seconds - completion.first_token_seconds)
    result.prompt_tokens += completion.prompt_tokens
    result.completion_tokens += completion.completion_tokens
    if result.decode_seconds > 0:
        result.tokens_per_second = result.completion_tokens / result.decode_seconds


def _score(result: Result, suite: str, text: str) -> None:
    plan = score_plan(text)
    result.reply = text
    result.valid_json = plan.valid_json
    result.error = plan.error
    if suite == "plan":
        result.score, result.items = plan.score, plan.items
        return
    _apply_exec(result, score_agent(text))


def _apply_exec(result: Result, scored: ExecScore) -> None:
    result.score, result.passed, result.agent = scored.score, scored.passed, scored.agent
    result.items = scored.items
    result.diagnostics = list(scored.diagnostics)
    result.error = result.error or scored.error


def result_json(result: Result) -> dict[str, Any]:
    """A result as the JSON report stores it."""
    from dataclasses import asdict

    return asdict(result)
