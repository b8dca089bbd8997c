"""The issue → pull request state machine behind `lam-bot handle-issue`.

decide → permission → status comment → generate (in memory) → clash check → branch →
file → pull request → label → review request → status comment. Every create is preceded
by a look-up, and a create whose answer was lost is looked up again before it is retried,
so re-runs and retries never make a second branch, pull request or status comment.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, NamedTuple, TypeVar

from lam_bot.errors import ConfigError, GitHubError, InputError, LamBotError
from lam_bot.github import comment, pr_body, review
from lam_bot.github.client import UncertainWriteError
from lam_bot.github.event import Event, Trigger, branch_for, decide, issue_from_branch, why_ignored
from lam_bot.github.repo import PullInfo, Repo

if TYPE_CHECKING:
    from lam_bot.generate import Generated

T = TypeVar("T")
ROLES = ("read", "triage", "write", "maintain", "admin")  # weakest first
Progress = Callable[[str], None]
# (request, feedback) -> the generated agent; raises LamBotError on failure.
GenerateFn = Callable[[str, "str | None"], "Generated"]


@dataclass(frozen=True)
class FlowSettings:
    """The bot's own settings (generation settings live in the generate callable)."""

    label: str = "agent-request"
    agents_dir: str = ".claude/agents"
    draft: bool = True
    min_permission: str = "write"
    run_url: str | None = None


class Outcome(NamedTuple):
    """How a run ended; `pull` is set when a pull request was opened or updated."""

    status: str
    message: str
    pull: PullInfo | None = None
    agent_path: str | None = None
    agent_name: str | None = None
    score: int | None = None


class Target(NamedTuple):
    number: int
    title: str
    body: str


def ensure(
    what: str, find: Callable[[], T | None], create: Callable[[], T], *, look_first: bool = True
) -> tuple[T, bool]:
    """`find()`, else `create()`; after an uncertain create, find again before retrying.

    Returns the object and whether it was certainly created by this call. `look_first=False`
    skips the first look-up when the caller already knows the object is absent.
    """
    found = find() if look_first else None
    if found is not None:
        return found, False
    for _attempt in range(2):
        try:
            return create(), True
        except UncertainWriteError as exc:
            error = exc
            found = find()
            if found is not None:
                return found, False
    raise GitHubError(f"{what} failed: {error}")


def check_agents_dir(agents_dir: str) -> str:
    """The agents folder as a clean relative POSIX path; ConfigError if it could escape."""
    parts = [part for part in agents_dir.replace("\\", "/").split("/") if part not in ("", ".")]
    if not parts or agents_dir.startswith(("/", "\\")) or ".." in parts or ":" in agents_dir:
        raise ConfigError(f"agents folder must be a relative path inside the repo: {agents_dir!r}")
    if parts[0].lower() == ".github":
        raise ConfigError(f"agents folder must not be inside .github: {agents_dir!r}")
    return "/".join(parts)


def agent_repo_path(agents_dir: str, name: str) -> str:
    """`<agents_dir>/<name>.md` in the repository; InputError for a name that could escape."""
    from lam_bot.synthesize import agent_filename

    return f"{check_agents_dir(agents_dir)}/{agent_filename(name)}"


def _is_agent_path(path: str, agents_dir: str) -> bool:
    name = path.rsplit("/", 1)[-1].removesuffix(".md")
    try:
        return path == agent_repo_path(agents_dir, name)
    except LamBotError:
        return False


def role_allows(role: str, minimum: str) -> bool:
    """Whether repository role `role` is at least `minimum`."""
    return role in ROLES and ROLES.index(role) >= ROLES.index(minimum)


def _target(event: Event, repo: Repo) -> Target | None:
    if not event.is_pull_request:
        return Target(event.number, event.title, event.body)
    pull = repo.pull(event.number)
    number = issue_from_branch(pull.head)
    # A fork's branch or another account's pull request may carry the bot's branch name.
    if number is None or not repo.is_bot_pull(pull):
        return None
    issue = repo.issue(number)
    return Target(number, issue.title, issue.body)


def _role(repo: Repo, login: str) -> str:
    permission = repo.permission(login)
    # Custom roles have their own role_name; their base permission is what counts then.
    return permission.role_name if permission.role_name in ROLES else permission.permission


class Flow:
    """One run of the bot for one event."""

    def __init__(
        self, repo: Repo, generate: GenerateFn, settings: FlowSettings, progress: Progress
    ) -> None:
        self.repo = repo
        self.generate = generate
        self.settings = settings
        self.progress = progress

    def run(self, event: Event) -> Outcome:
        """Handle `event`; raises LamBotError (after updating the status comment) on failure."""
        trigger = decide(event, self.settings.label)
        if trigger is None:
            return Outcome("ignored", why_ignored(event, self.settings.label) or "nothing to do")
        target = _target(event, self.repo)
        if target is None:
            return Outcome("ignored", f"#{event.number} is not a pull request lam-bot opened")
        status = comment.StatusComment(self.repo, target.number)
        role = _role(self.repo, event.sender)
        if not role_allows(role, self.settings.min_permission):
            return self._refuse(event, trigger, status, role)
        answered = self._answered(event, target, trigger, status)
        if answered is not None:
            return Outcome("ignored", answered)
        return self._generate_and_publish(event, target, trigger, status)

    def _refuse(
        self, event: Event, trigger: Trigger, status: comment.StatusComment, role: str
    ) -> Outcome:
        minimum = self.settings.min_permission
        message = f"{event.sender} has role {role or 'none'}; needs {minimum}"
        # A comment from someone without the role changes nothing, and a refused label
        # never replaces the outcome of an earlier run: only a first status says so.
        if trigger.kind == "generate" and status.find() is None:
            status.post(comment.refused(self.settings.run_url, event.sender, role, minimum))
        return Outcome("refused", message)

    def _answered(
        self, event: Event, target: Target, trigger: Trigger, status: comment.StatusComment
    ) -> str | None:
        """Why this event needs no generation: the issue is answered already, or None."""
        found = status.find()
        if found is None or not comment.is_done(found.body):
            return None  # never answered, or the last run failed: (re)generate
        pull = self.repo.find_pull(branch_for(target.number))
        if pull is None:
            # Merged: the agent is on the default branch; a re-run or a comment must not
            # generate again. Closed unmerged: a maintainer may ask again.
            merged = self.repo.find_merged_pull(branch_for(target.number))
            if merged is None:
                return None
            return (
                f"pull request #{merged.number} was merged and answers #{target.number}; "
                "open a new issue to ask for another agent"
            )
        if trigger.kind == "generate":  # e.g. `opened` then `labeled`, a re-label, a re-run
            return (
                f"pull request #{pull.number} already answers #{target.number}; comment "
                "`/lam-bot regenerate <what to change>` to change it"
            )
        if event.comment_id is not None and pr_body.comment_id(pull.body) == event.comment_id:
            return f"pull request #{pull.number} was already regenerated for this comment"
        return None

    def _generate_and_publish(
        self, event: Event, target: Target, trigger: Trigger, status: comment.StatusComment
    ) -> Outcome:
        from lam_bot.prompt import clean_request

        run_url = self.settings.run_url
        # Feedback is untrusted text like the request: the same cleaning and cap.
        trigger = trigger._replace(feedback=_clean_feedback(trigger.feedback))
        status.post(comment.generating(run_url, trigger.feedback))
        try:
            request = clean_request(f"{target.title}\n\n{target.body}")
            self.progress(f"generating an agent for #{target.number}")
            draft = self.generate(request, trigger.feedback)
            path = agent_repo_path(self.settings.agents_dir, draft.name)
        except LamBotError as exc:
            self._report_failure(status, exc)
            raise
        try:
            pull = self._publish(event, target, draft, path, request, trigger)
        except LamBotError as exc:
            self._report_failure(status, exc)
            raise
        risks = len(review.risk_findings(draft.result))
        status.post(comment.done(run_url, pull.url, pull.number, path, draft.result.score, risks))
        message = f"pull request #{pull.number} adds {path}"
        if self.repo.dry_run:
            message = f"a pull request would add {path}"
        return Outcome("published", message, pull, path, draft.name, draft.result.score)

    def _report_failure(self, status: comment.StatusComment, exc: LamBotError) -> None:
        # Best effort: the original error is what the run must end with.
        reasons = getattr(exc, "reasons", ())
        try:
            status.post(comment.failed(self.settings.run_url, str(exc), reasons))
        except GitHubError as also:
            self.progress(f"could not update the status comment: {also}")

    def _publish(
        self,
        event: Event,
        target: Target,
        draft: Generated,
        path: str,
        request: str,
        trigger: Trigger,
    ) -> PullInfo:
        if self.repo.file(path, event.default_branch) is not None:
            raise InputError(
                f"an agent named {draft.name} already exists at {path} on "
                f"{event.default_branch}; not overwriting it"
            )
        branch = branch_for(target.number)
        new_branch = self._ensure_branch(branch, event.default_branch)
        # An open pull request cannot exist for a branch created in this run.
        existing = None if new_branch else self.repo.find_pull(branch)
        message = f"Add {draft.name} agent (#{target.number})"
        self._ensure_file(path, branch, draft.text, message, known_absent=new_branch)
        if existing is not None:
            self._drop_renamed(existing, path, branch)
        comment_id = event.comment_id if trigger.kind == "regenerate" else None
        body = pr_body.render(draft, request, path, target.number, trigger.feedback, comment_id)
        pull = self._ensure_pull(branch, event.default_branch, draft.name, body, existing)
        self._decorate(pull, event.sender)
        return pull

    def _drop_renamed(self, pull: PullInfo, path: str, branch: str) -> None:
        # A regeneration may choose another name: the PR must not keep the old file too.
        old = pr_body.agent_path(pull.body)
        if old is None or old == path or not _is_agent_path(old, self.settings.agents_dir):
            return
        current = self.repo.file(old, branch)
        for _attempt in range(2):
            if current is None:
                return
            try:
                self.repo.delete_file(old, branch, current.sha, f"Remove {old} (renamed)")
                self._did(f"{old}: removed (the agent was renamed)")
                return
            except UncertainWriteError:
                current = self.repo.file(old, branch)
        if current is not None:
            raise GitHubError(f"removing {old} from {branch} failed")

    def _ensure_branch(self, branch: str, base: str) -> bool:
        def create() -> str:
            sha = self.repo.branch_sha(base)
            if sha is None:
                raise GitHubError(f"the default branch {base} was not found")
            self.repo.create_branch(branch, sha)
            return sha

        _, created = ensure(
            f"creating branch {branch}", lambda: self.repo.branch_sha(branch), create
        )
        self._did(f"branch {branch}: {'created' if created else 'exists'}")
        return created

    def _ensure_file(
        self, path: str, branch: str, text: str, message: str, *, known_absent: bool
    ) -> None:
        # A branch made from the default branch this run cannot hold the file: the clash
        # check just looked there, so the first look-up is skipped.
        current = None if known_absent else self.repo.file(path, branch)
        for _attempt in range(2):
            if current is not None and current.text == text:
                self.progress(f"{path}: unchanged")
                return
            try:
                self.repo.put_file(path, branch, text, current and current.sha, message)
                self._did(f"{path}: committed")
                return
            except UncertainWriteError as exc:
                error = exc
                current = self.repo.file(path, branch)
        if current is not None and current.text == text:
            return
        raise GitHubError(f"writing {path} failed: {error}")

    def _ensure_pull(
        self, branch: str, base: str, name: str, body: str, existing: PullInfo | None
    ) -> PullInfo:
        title = pr_body.title(name)
        if existing is not None:
            self.repo.edit_pull(existing.number, title, body)
            self._did(f"pull request #{existing.number}: updated")
            return existing
        pull, created = ensure(
            "opening the pull request",
            lambda: self.repo.find_pull(branch),
            lambda: self.repo.create_pull(branch, base, title, body, self.settings.draft),
            look_first=False,  # the caller looked, or the branch is new
        )
        if not created:  # found after a lost answer: make sure it carries this body
            self.repo.edit_pull(pull.number, title, body)
        self._did(f"pull request #{pull.number}: {'opened' if created else 'updated'}")
        return pull

    def _did(self, message: str) -> None:
        # A dry run lists what it would write (`DryRunRepo.planned`) instead.
        if not self.repo.dry_run:
            self.progress(message)

    def _decorate(self, pull: PullInfo, reviewer: str) -> None:
        # Both writes are idempotent on GitHub, so an uncertain one is simply repeated once.
        if self.settings.label not in pull.labels:
            _twice(lambda: self.repo.add_label(pull.number, self.settings.label))
        if reviewer not in pull.reviewers:
            try:
                _twice(lambda: self.repo.request_review(pull.number, reviewer))
            except GitHubError as exc:  # e.g. the labeller opened the PR themselves
                self.progress(f"no review request: {exc}")


def _clean_feedback(feedback: str | None) -> str | None:
    """`feedback` as `clean_request` cleans a request (no hidden or invisible text, capped),
    or None when nothing visible is left."""
    from lam_bot.prompt import clean_request

    try:
        return clean_request(feedback) if feedback else None
    except InputError:  # only hidden or invisible text
        return None


def _twice(write: Callable[[], None]) -> None:
    try:
        write()
    except UncertainWriteError:
        write()
