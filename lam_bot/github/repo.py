"""The few repository operations the flow needs, each one PyGithub call with a plain result.

Look-ups return None for "not there" (404) and force a request: PyGithub's lazy objects
would otherwise "exist" without asking. Writes raise `UncertainWriteError` when GitHub
may have applied them without saying so, which the flow answers with a new look-up.
`DryRunRepo` reads like `Repo` (when it has a token) and records writes instead.

The bot's own status comment and pull request are told apart from look-alikes by their
author: the account the token belongs to (`Repo.identity`).
"""

from __future__ import annotations

import base64
from collections.abc import Callable
from typing import NamedTuple, TypeVar
from urllib.parse import quote

from github import Github, GithubException
from github.PullRequest import PullRequest
from github.Repository import Repository

from lam_bot.errors import GitHubError, UsageError
from lam_bot.github.client import call
from lam_bot.github.event import BRANCH_PREFIX

T = TypeVar("T")


class FileInfo(NamedTuple):
    text: str
    sha: str


class CommentInfo(NamedTuple):
    id: int
    body: str
    url: str


class PullInfo(NamedTuple):
    number: int
    url: str
    head: str
    labels: tuple[str, ...]
    reviewers: tuple[str, ...]
    body: str = ""
    author: str = ""
    head_repo: str = ""  # owner/name of the head branch's repository ("" if it was deleted)


class IssueInfo(NamedTuple):
    title: str
    body: str
    labels: tuple[str, ...]


class Permission(NamedTuple):
    role_name: str
    permission: str


def _pull_info(pull: PullRequest) -> PullInfo:
    # Attributes, not raw_data: raw_data would fetch a listed pull request once more.
    return PullInfo(
        number=pull.number,
        url=pull.html_url or "",
        head=pull.head.ref,
        labels=tuple(label.name for label in pull.labels),
        reviewers=tuple(user.login for user in pull.requested_reviewers),
        body=pull.body or "",
        author=pull.user.login if pull.user else "",
        head_repo=pull.head.repo.full_name if pull.head.repo else "",
    )


def _absent_on_404(function: Callable[[], T]) -> T | None:
    try:
        return function()
    except GithubException as exc:
        if exc.status == 404:
            return None
        raise


def _none_if_refused(function: Callable[[], T]) -> T | None:
    # 400: GraphQL errors; 401/403: the token may not ask this; 404: no such endpoint.
    try:
        return function()
    except GithubException as exc:
        if exc.status in (400, 401, 403, 404):
            return None
        raise


class Repo:
    """One repository, reached through a lazy PyGithub client."""

    dry_run = False

    def __init__(self, github: Github, full_name: str) -> None:
        self.full_name = full_name
        self.owner = full_name.split("/", 1)[0]
        self._github = github
        self._repo: Repository = github.get_repo(full_name)  # lazy: no request
        self._identity: str | None = None

    def identity(self) -> str:
        """The login of the token's account, asked once; GitHubError if GitHub will not say.

        GraphQL's `viewer` answers for every kind of token: a personal access token (the
        user), a GitHub App installation token (`<app-slug>[bot]`) and the workflow's
        GITHUB_TOKEN (`github-actions[bot]`). REST `GET /user` answers only for user tokens
        ("Resource not accessible by integration" otherwise; REST `GET /app` needs the app's
        JWT), so it is only the fallback, e.g. for a server without GraphQL.
        Sources: docs.github.com GraphQL `viewer`; fullsend-ai/fullsend#1953.
        """
        if self._identity is None:
            self._identity = self._viewer() or self._user() or ""
        if not self._identity:
            raise GitHubError("cannot tell which account the token belongs to")
        return self._identity

    def _viewer(self) -> str | None:
        def read() -> str | None:
            query = "query { viewer { login } }"
            answer = _none_if_refused(lambda: self._github.requester.graphql_query(query, {}))
            login = ((answer[1].get("data") or {}).get("viewer") or {}) if answer else {}
            return login.get("login") if isinstance(login.get("login"), str) else None

        return call("asking GitHub which account the token belongs to", read)

    def _user(self) -> str | None:
        def read() -> str | None:
            return _none_if_refused(lambda: str(self._github.get_user().login))

        return call("reading the token's account", read)

    def is_bot_pull(self, pull: PullInfo) -> bool:
        """Whether `pull` is the bot's: from this repository, opened by the token's account."""
        return pull.head_repo == self.full_name and pull.author == self.identity()

    def permission(self, login: str) -> Permission:
        # PyGithub returns one field or the other; the answer carries both. 404: no such user.
        url = f"{self._repo.url}/collaborators/{quote(login, safe='')}/permission"
        requester = self._repo.requester

        def read() -> Permission:
            answer = _absent_on_404(lambda: requester.requestJsonAndCheck("GET", url))
            data = answer[1] if answer else {}
            return Permission(str(data.get("role_name", "")), str(data.get("permission", "")))

        return call(f"reading {login}'s permission", read)

    def issue(self, number: int) -> IssueInfo:
        raw = call(f"reading issue #{number}", lambda: self._repo.get_issue(number).raw_data)
        labels = tuple(label["name"] for label in raw.get("labels") or ())
        return IssueInfo(raw.get("title") or "", raw.get("body") or "", labels)

    def pull(self, number: int) -> PullInfo:
        return call(
            f"reading pull request #{number}",
            lambda: _pull_info(self._repo.get_pull(number).complete()),
        )

    def find_comment(self, number: int, marker: str) -> CommentInfo | None:
        def find() -> CommentInfo | None:
            for comment in self._repo.get_issue(number).get_comments():
                # Only the token's own comment counts: anyone can paste the marker into theirs.
                if not (comment.body or "").startswith(marker) or comment.user is None:
                    continue
                if comment.user.login == self.identity():
                    return CommentInfo(comment.id, comment.body, comment.html_url)
            return None

        return call(f"reading the comments of #{number}", find)

    def create_comment(self, number: int, body: str) -> CommentInfo:
        comment = call(
            f"commenting on #{number}",
            self._repo.get_issue(number).create_comment,
            body,
            write=True,
        )
        return CommentInfo(comment.id, comment.body, comment.html_url)

    def edit_comment(self, number: int, comment_id: int, body: str) -> None:
        comment = self._repo.get_issue(number).get_comment(comment_id)  # lazy: no request
        call("updating the status comment", comment.edit, body, write=True)

    def file(self, path: str, ref: str) -> FileInfo | None:
        def read() -> FileInfo | None:
            found = _absent_on_404(lambda: self._repo.get_contents(path, ref=ref))
            if found is None or isinstance(found, list):
                return None
            text = base64.b64decode(found.content or "").decode(errors="replace")
            return FileInfo(text, found.sha)

        return call(f"reading {path} on {ref}", read)

    def branch_sha(self, branch: str) -> str | None:
        def read() -> str | None:
            ref = _absent_on_404(lambda: self._repo.get_git_ref(f"heads/{branch}").complete())
            return None if ref is None else ref.object.sha

        return call(f"reading branch {branch}", read)

    def create_branch(self, branch: str, sha: str) -> None:
        call(
            f"creating branch {branch}",
            self._repo.create_git_ref,
            f"refs/heads/{branch}",
            sha,
            write=True,
        )

    def put_file(self, path: str, branch: str, text: str, sha: str | None, message: str) -> None:
        what = f"writing {path} on {branch}"
        if sha is None:
            call(what, self._repo.create_file, path, message, text, branch=branch, write=True)
        else:
            call(what, self._repo.update_file, path, message, text, sha, branch=branch, write=True)

    def delete_file(self, path: str, branch: str, sha: str, message: str) -> None:
        call(
            f"removing {path} on {branch}",
            self._repo.delete_file,
            path,
            message,
            sha,
            branch=branch,
            write=True,
        )

    def find_pull(self, branch: str) -> PullInfo | None:
        def find() -> PullInfo | None:
            pulls = self._repo.get_pulls(state="open", head=f"{self.owner}:{branch}")
            found = (_pull_info(pull) for pull in pulls)
            return next((pull for pull in found if self.is_bot_pull(pull)), None)

        return call(f"looking for the pull request from {branch}", find)

    def find_merged_pull(self, branch: str) -> PullInfo | None:
        """The bot's merged pull request from `branch`, if any (the branch may be deleted)."""

        def find() -> PullInfo | None:
            pulls = self._repo.get_pulls(state="closed", head=f"{self.owner}:{branch}")
            merged = (_pull_info(pull) for pull in pulls if pull.merged_at is not None)
            return next((pull for pull in merged if self.is_bot_pull(pull)), None)

        return call(f"looking for a merged pull request from {branch}", find)

    def create_pull(self, branch: str, base: str, title: str, body: str, draft: bool) -> PullInfo:
        pull = call(
            "opening the pull request",
            self._repo.create_pull,
            base,
            branch,
            title=title,
            body=body,
            draft=draft,
            write=True,
        )
        return _pull_info(pull)

    def edit_pull(self, number: int, title: str, body: str) -> None:
        pull = self._repo.get_pull(number)  # lazy: no request
        call(f"updating pull request #{number}", pull.edit, title=title, body=body, write=True)

    def add_label(self, number: int, label: str) -> None:
        call(f"labelling #{number}", self._repo.get_issue(number).add_to_labels, label, write=True)

    def request_review(self, number: int, login: str) -> None:
        call(
            f"requesting a review from {login}",
            self._repo.get_pull(number).create_review_request,
            reviewers=[login],
            write=True,
        )


class DryRunRepo(Repo):
    """Reads from GitHub when it has a client, and records every write instead of sending it."""

    dry_run = True

    def __init__(self, github: Github | None, full_name: str) -> None:
        self.full_name = full_name
        self.owner = full_name.split("/", 1)[0]
        self.online = github is not None
        self._identity = None
        if github is not None:
            self._github = github
            self._repo = github.get_repo(full_name)
        self.planned: list[str] = []
        self.notes: list[str] = []  # what the dry run could not check, said to the user
        self.pull_request: tuple[str, str] | None = None

    def permission(self, login: str) -> Permission:
        # Without a token nobody can be asked; a dry run then assumes the labeller may write.
        if self.online:
            return super().permission(login)
        note = f"{login}'s permission was not checked (no token); assumed write access"
        if note not in self.notes:
            self.notes.append(note)
        return Permission("admin", "admin")

    def find_comment(self, number: int, marker: str) -> CommentInfo | None:
        return super().find_comment(number, marker) if self.online else None

    def pull(self, number: int) -> PullInfo:
        if not self.online:
            raise UsageError(f"a dry run for pull request #{number} needs a token to read it")
        return super().pull(number)

    def file(self, path: str, ref: str) -> FileInfo | None:
        return super().file(path, ref) if self.online else None

    def branch_sha(self, branch: str) -> str | None:
        if self.online:
            return super().branch_sha(branch)
        return None if branch.startswith(BRANCH_PREFIX) else "0" * 40  # offline: a placeholder

    def find_pull(self, branch: str) -> PullInfo | None:
        return super().find_pull(branch) if self.online else None

    def find_merged_pull(self, branch: str) -> PullInfo | None:
        return super().find_merged_pull(branch) if self.online else None

    def create_comment(self, number: int, body: str) -> CommentInfo:
        self.planned.append(f"post the status comment on #{number}: {_headline(body)}")
        return CommentInfo(0, body, "")

    def edit_comment(self, number: int, comment_id: int, body: str) -> None:
        self.planned.append(f"update the status comment on #{number}: {_headline(body)}")

    def create_branch(self, branch: str, sha: str) -> None:
        self.planned.append(f"create branch {branch}")

    def put_file(self, path: str, branch: str, text: str, sha: str | None, message: str) -> None:
        self.planned.append(f"{'update' if sha else 'add'} {path} on {branch}")

    def delete_file(self, path: str, branch: str, sha: str, message: str) -> None:
        self.planned.append(f"remove {path} on {branch}")

    def create_pull(self, branch: str, base: str, title: str, body: str, draft: bool) -> PullInfo:
        self.planned.append(f"open a {'draft ' if draft else ''}pull request {branch} -> {base}")
        self.pull_request = (title, body)
        return PullInfo(0, "(dry run)", branch, (), ())

    def edit_pull(self, number: int, title: str, body: str) -> None:
        self.planned.append(f"update pull request #{number}")
        self.pull_request = (title, body)

    def add_label(self, number: int, label: str) -> None:
        self.planned.append(f"label the pull request {label}")

    def request_review(self, number: int, login: str) -> None:
        self.planned.append(f"request a review from {login}")


def _headline(status: str) -> str:
    # The done status names the pull request, which a dry run never opens.
    if "<!-- lam-bot:done -->" in status:
        return "✅ the pull request is ready for review"
    return status.splitlines()[1]
