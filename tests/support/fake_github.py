"""A stateful fake of the GitHub REST API on 127.0.0.1, for PyGithub to talk to in tests.

It implements only the endpoints `lam-bot handle-issue` uses, with GitHub's documented
JSON shapes and error bodies (404 `Not Found`, 422 `Validation Failed` with
`errors[].message`, 409 on a stale file sha). Every request is logged, and a fault can be
injected into the Nth request matching a method and path pattern:

- `500`, `502`: an error answer, nothing written;
- `403-secondary`: GitHub's secondary-rate-limit answer with `Retry-After`, nothing written;
- `timeout`: the write is applied, then the answer comes after the client gave up;
- `lost`: the write is applied, then the connection closes without an answer.

Identities: each token belongs to an account (`tokens`, default `bot_login`), the author of
what is created with it. As on GitHub, `GET /user` answers only for a user's token (a
personal access token); installation tokens (a GitHub App's `<slug>[bot]`, the workflow's
`github-actions[bot]`) get 403 "Resource not accessible by integration", while GraphQL's
`viewer` answers for every token.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

from tests.support.http import running

FAULT_KINDS = ("500", "502", "403-secondary", "timeout", "lost")
SECONDARY_RATE_LIMIT_MESSAGE = (
    "You have exceeded a secondary rate limit. Please wait a few minutes before you try again."
)
ROLE_PERMISSION = {  # `permission` folds maintain into write and triage into read
    "admin": "admin",
    "maintain": "write",
    "write": "write",
    "triage": "read",
    "read": "read",
}


class ApiError(Exception):
    """An error answer with GitHub's body shape."""

    def __init__(self, status: int, message: str, errors: list[str] | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.body: dict[str, Any] = {"message": message, "documentation_url": "https://docs"}
        if errors is not None:
            self.body["errors"] = [{"resource": "", "code": "custom", "message": m} for m in errors]


def _not_found() -> ApiError:
    return ApiError(404, "Not Found")


def _need(table: dict[Any, Any], key: Any) -> Any:
    if key not in table:
        raise _not_found()
    return key


def _invalid(message: str) -> ApiError:
    return ApiError(422, "Validation Failed", [message])


@dataclass
class Fault:
    method: str
    pattern: str
    kind: str
    nth: int = 1
    times: int = 1
    seen: int = 0
    fired: bool = False


@dataclass
class Request:
    method: str
    path: str
    query: dict[str, str]
    body: Any
    authorization: str


@dataclass
class FakeGitHub:
    """The state of one fake repository plus the server's request log and faults."""

    owner: str = "octo"
    name: str = "demo"
    default_branch: str = "main"
    roles: dict[str, str] = field(default_factory=dict)  # others are readers
    unknown_users: set[str] = field(default_factory=set)  # 404 from the permission API
    bot_login: str = "github-actions[bot]"  # the account of a token not in `tokens`
    tokens: dict[str, str] = field(default_factory=dict)  # token -> account login
    graphql_enabled: bool = True  # False: /graphql answers 404 (a server without it)
    timeout_sleep: float = 1.5
    retry_after: str = "0"
    actions_may_open_pulls: bool = True
    base_url: str = ""
    requests: list[Request] = field(default_factory=list)
    faults: list[Fault] = field(default_factory=list)
    commits: dict[str, dict[str, Any]] = field(default_factory=dict)
    refs: dict[str, str] = field(default_factory=dict)
    issues: dict[int, dict[str, Any]] = field(default_factory=dict)
    comments: dict[int, dict[str, Any]] = field(default_factory=dict)
    pulls: dict[int, dict[str, Any]] = field(default_factory=dict)
    next_number: int = 1
    next_id: int = 1000
    lock: threading.RLock = field(default_factory=threading.RLock)

    def __post_init__(self) -> None:
        root = self._commit({}, None, "initial commit")
        self.refs[self.default_branch] = root

    # ---- set-up and inspection helpers for tests -------------------------------------

    @property
    def full_name(self) -> str:
        return f"{self.owner}/{self.name}"

    def add_issue(self, title: str, body: str, user: str, labels: tuple[str, ...] = ()) -> dict:
        """Create an issue directly (no request) and return its JSON."""
        with self.lock:
            number = self._number()
            self.issues[number] = {
                "number": number,
                "title": title,
                "body": body,
                "state": "open",
                "user": self._user(user),
                "labels_names": list(labels),
            }
            return self._issue_json(number)

    def add_file(self, path: str, text: str, branch: str | None = None) -> None:
        """Commit a file directly onto a branch (default: the default branch)."""
        with self.lock:
            branch = branch or self.default_branch
            tree = dict(self.commits[self.refs[branch]]["tree"])
            tree[path] = text.encode()
            self.refs[branch] = self._commit(tree, self.refs[branch], f"add {path}")

    def file(self, path: str, branch: str) -> str | None:
        """A file's text on a branch, or None."""
        sha = self.refs.get(branch)
        content = self.commits[sha]["tree"].get(path) if sha else None
        return None if content is None else content.decode()

    def commit_count(self, branch: str) -> int:
        """Commits on `branch` that are not on the default branch."""
        base, count, sha = self.refs[self.default_branch], 0, self.refs.get(branch)
        while sha is not None and sha != base:
            count, sha = count + 1, self.commits[sha]["parent"]
        return count

    def add_comment(self, number: int, body: str, user: str) -> int:
        """Post a comment directly (no request), as `user`; returns its id."""
        with self.lock:
            comment_id = self._id()
            comment = {"id": comment_id, "issue": number, "body": body, "user": self._user(user)}
            self.comments[comment_id] = comment
            return comment_id

    def add_pull(
        self, branch: str, user: str, *, fork: str | None = None, title: str = "x", body: str = ""
    ) -> int:
        """Open a pull request directly (no request) from `branch`, here or in `fork`."""
        with self.lock:
            if fork is None:
                self.add_file(f"{branch}.txt", branch, branch=self._branch_from_main(branch))
            number = self._number()
            self.issues[number] = self._pull_issue(number, title, user)
            self.pulls[number] = self._new_pull(number, branch, self.default_branch, title, body)
            self.pulls[number]["user"] = self._user(user)
            self.pulls[number]["head"]["repo"] = fork
            return number

    def _branch_from_main(self, branch: str) -> str:
        self.refs.setdefault(branch, self.refs[self.default_branch])
        return branch

    def login_of(self, req: Request) -> str:
        """The account of the request's token."""
        token = req.authorization.split(" ", 1)[-1]
        return self.tokens.get(token, self.bot_login)

    def issue_comments(self, number: int) -> list[dict[str, Any]]:
        return [c for c in self.comments.values() if c["issue"] == number]

    def fail(self, method: str, pattern: str, kind: str, nth: int = 1, times: int = 1) -> None:
        """Inject `kind` into the Nth request whose method and path (regex) match (and the
        `times - 1` matching requests after it)."""
        assert kind in FAULT_KINDS, kind
        self.faults.append(Fault(method.upper(), pattern, kind, nth, times))

    def calls(self) -> list[str]:
        """The request log as `METHOD /path` lines."""
        return [f"{r.method} {r.path}" for r in self.requests]

    # ---- state helpers ----------------------------------------------------------------

    def _number(self) -> int:
        self.next_number += 1
        return self.next_number - 1

    def _id(self) -> int:
        self.next_id += 1
        return self.next_id

    def _commit(self, tree: dict[str, bytes], parent: str | None, message: str) -> str:
        seed = f"{parent}{message}{len(self.commits)}{sorted(tree.items())}".encode()
        sha = hashlib.sha1(seed).hexdigest()
        self.commits[sha] = {"tree": tree, "parent": parent, "message": message}
        return sha

    def _api(self, path: str) -> str:
        return f"{self.base_url}/repos/{self.full_name}{path}"

    def _html(self, path: str) -> str:
        return f"https://github.example/{self.full_name}{path}"

    def _user(self, login: str) -> dict[str, Any]:
        kind = "Bot" if login.endswith("[bot]") else "User"
        return {"login": login, "id": abs(hash(login)) % 10**6, "type": kind}

    def _label(self, name: str) -> dict[str, Any]:
        return {"name": name, "color": "ededed", "url": self._api(f"/labels/{name}")}

    def _issue_json(self, number: int) -> dict[str, Any]:
        issue = dict(self.issues[number])
        issue["labels"] = [self._label(name) for name in issue.pop("labels_names")]
        issue.update(url=self._api(f"/issues/{number}"), html_url=self._html(f"/issues/{number}"))
        return issue

    def _comment_json(self, comment_id: int) -> dict[str, Any]:
        comment = dict(self.comments[comment_id])
        number = comment.pop("issue")
        comment.update(
            url=self._api(f"/issues/comments/{comment_id}"),
            html_url=self._html(f"/issues/{number}#issuecomment-{comment_id}"),
            issue_url=self._api(f"/issues/{number}"),
        )
        return comment

    def _pull_json(self, number: int) -> dict[str, Any]:
        pull = dict(self.pulls[number])
        head, base = pull["head"]["ref"], pull["base"]["ref"]
        repo = {"full_name": self.full_name, "name": self.name, "url": self._api("")}
        fork = pull["head"].get("repo")
        head_repo = repo if fork is None else {"full_name": fork, "name": fork.split("/")[1]}
        head_owner = self.owner if fork is None else fork.split("/")[0]
        pull.update(
            url=self._api(f"/pulls/{number}"),
            html_url=self._html(f"/pull/{number}"),
            issue_url=self._api(f"/issues/{number}"),
            labels=[self._label(n) for n in self.issues[number]["labels_names"]],
            head={
                "ref": head,
                "sha": self.refs.get(head),
                "label": f"{head_owner}:{head}",
                "repo": head_repo,
            },
            base={
                "ref": base,
                "sha": self.refs[base],
                "label": f"{self.owner}:{base}",
                "repo": repo,
            },
        )
        return pull

    def _ref_json(self, branch: str) -> dict[str, Any]:
        sha = self.refs[branch]
        return {
            "ref": f"refs/heads/{branch}",
            "node_id": "REF_" + sha[:8],
            "url": self._api(f"/git/refs/heads/{branch}"),
            "object": {"sha": sha, "type": "commit", "url": self._api(f"/git/commits/{sha}")},
        }

    def _content_json(self, path: str, content: bytes, branch: str) -> dict[str, Any]:
        return {
            "type": "file",
            "encoding": "base64",
            "size": len(content),
            "name": path.rsplit("/", 1)[-1],
            "path": path,
            "content": base64.b64encode(content).decode(),
            "sha": _blob_sha(content),
            "url": self._api(f"/contents/{path}?ref={branch}"),
            "html_url": self._html(f"/blob/{branch}/{path}"),
        }

    # ---- endpoints: each takes (match, request) and returns (status, json) -------------

    def get_repo(self, m: re.Match[str], req: Request) -> tuple[int, Any]:
        owner = self._user(self.owner)
        return 200, {
            "id": 1,
            "name": self.name,
            "full_name": self.full_name,
            "owner": owner,
            "default_branch": self.default_branch,
            "url": self._api(""),
            "html_url": self._html(""),
        }

    def get_permission(self, m: re.Match[str], req: Request) -> tuple[int, Any]:
        if m["user"] in self.unknown_users:
            raise _not_found()
        role = self.roles.get(m["user"], "read")
        user = self._user(m["user"])
        return 200, {"permission": ROLE_PERMISSION[role], "role_name": role, "user": user}

    def get_issue(self, m: re.Match[str], req: Request) -> tuple[int, Any]:
        number = _need(self.issues, int(m["number"]))
        return 200, self._issue_json(number)

    def list_comments(self, m: re.Match[str], req: Request) -> tuple[int, Any]:
        comments = self.issue_comments(int(m["number"]))
        return 200, [self._comment_json(c["id"]) for c in comments]

    def create_comment(self, m: re.Match[str], req: Request) -> tuple[int, Any]:
        number = _need(self.issues, int(m["number"]))
        comment_id = self.add_comment(number, req.body["body"], self.login_of(req))
        return 201, self._comment_json(comment_id)

    def edit_comment(self, m: re.Match[str], req: Request) -> tuple[int, Any]:
        comment_id = _need(self.comments, int(m["id"]))
        self.comments[comment_id]["body"] = req.body["body"]
        return 200, self._comment_json(comment_id)

    def add_labels(self, m: re.Match[str], req: Request) -> tuple[int, Any]:
        number = _need(self.issues, int(m["number"]))
        names = req.body["labels"] if isinstance(req.body, dict) else req.body
        issue = self.issues[number]
        issue["labels_names"].extend(n for n in names if n not in issue["labels_names"])
        return 200, [self._label(name) for name in issue["labels_names"]]

    def get_ref(self, m: re.Match[str], req: Request) -> tuple[int, Any]:
        branch = _need(self.refs, unquote(m["branch"]))
        return 200, self._ref_json(branch)

    def create_ref(self, m: re.Match[str], req: Request) -> tuple[int, Any]:
        ref, sha = req.body.get("ref", ""), req.body.get("sha", "")
        if not ref.startswith("refs/heads/") or sha not in self.commits:
            raise _invalid("Object does not exist")
        branch = ref.removeprefix("refs/heads/")
        if branch in self.refs:
            raise ApiError(422, "Reference already exists")
        self.refs[branch] = sha
        return 201, self._ref_json(branch)

    def update_ref(self, m: re.Match[str], req: Request) -> tuple[int, Any]:
        branch = unquote(m["branch"])
        if branch not in self.refs:
            raise ApiError(422, "Reference does not exist")
        if req.body.get("sha") not in self.commits:
            raise ApiError(422, "Object does not exist")
        self.refs[branch] = req.body["sha"]
        return 200, self._ref_json(branch)

    def get_content(self, m: re.Match[str], req: Request) -> tuple[int, Any]:
        path, branch = unquote(m["path"]), req.query.get("ref", self.default_branch)
        if branch not in self.refs:
            raise ApiError(404, f"No commit found for the ref {branch}")
        content = self.commits[self.refs[branch]]["tree"].get(path)
        if content is None:
            raise _not_found()
        return 200, self._content_json(path, content, branch)

    def put_content(self, m: re.Match[str], req: Request) -> tuple[int, Any]:
        path, body = unquote(m["path"]), req.body
        branch = body.get("branch", self.default_branch)
        if branch not in self.refs:
            raise ApiError(404, f"Branch {branch} not found")
        tree = dict(self.commits[self.refs[branch]]["tree"])
        old = tree.get(path)
        if old is not None and "sha" not in body:
            raise ApiError(422, 'Invalid request.\n\n"sha" wasn\'t supplied.')
        if old is not None and body["sha"] != _blob_sha(old):
            raise ApiError(409, f"{path} does not match {body['sha']}")
        tree[path] = base64.b64decode(body["content"])
        sha = self._commit(tree, self.refs[branch], body["message"])
        self.refs[branch] = sha
        commit = {"sha": sha, "url": self._api(f"/git/commits/{sha}"), "message": body["message"]}
        content = self._content_json(path, tree[path], branch)
        return (201 if old is None else 200), {"content": content, "commit": commit}

    def delete_content(self, m: re.Match[str], req: Request) -> tuple[int, Any]:
        path, body = unquote(m["path"]), req.body or {}
        branch = body.get("branch", self.default_branch)
        if branch not in self.refs:
            raise ApiError(404, f"Branch {branch} not found")
        tree = dict(self.commits[self.refs[branch]]["tree"])
        if path not in tree:
            raise _not_found()
        if body.get("sha") != _blob_sha(tree[path]):
            raise ApiError(409, f"{path} does not match {body.get('sha')}")
        del tree[path]
        sha = self._commit(tree, self.refs[branch], body.get("message", "delete"))
        self.refs[branch] = sha
        commit = {"sha": sha, "url": self._api(f"/git/commits/{sha}"), "message": "delete"}
        return 200, {"content": None, "commit": commit}

    def list_pulls(self, m: re.Match[str], req: Request) -> tuple[int, Any]:
        state, head = req.query.get("state", "open"), req.query.get("head")
        found = []
        for number, pull in sorted(self.pulls.items()):
            if state != "all" and pull["state"] != state:
                continue
            head_owner = (pull["head"].get("repo") or self.full_name).split("/")[0]
            if head and f"{head_owner}:{pull['head']['ref']}" != head:
                continue
            found.append(self._pull_json(number))
        return 200, found

    def get_pull(self, m: re.Match[str], req: Request) -> tuple[int, Any]:
        number = _need(self.pulls, int(m["number"]))
        return 200, self._pull_json(number)

    def create_pull(self, m: re.Match[str], req: Request) -> tuple[int, Any]:
        if not self.actions_may_open_pulls:
            message = "GitHub Actions is not permitted to create or approve pull requests."
            raise ApiError(403, message)
        body = req.body
        head, base = body.get("head", ""), body.get("base", "")
        head_branch = head.split(":", 1)[-1]
        if head_branch not in self.refs or base not in self.refs:
            raise _invalid(f"head or base branch not found: {head}")
        for pull in self.pulls.values():
            if pull["state"] == "open" and pull["head"]["ref"] == head_branch:
                raise _invalid(f"A pull request already exists for {self.owner}:{head_branch}.")
        if self.refs[head_branch] == self.refs[base]:
            raise _invalid(f"No commits between {base} and {head_branch}")
        number = self._number()
        self.issues[number] = self._pull_issue(number, body["title"], self.login_of(req))
        self.pulls[number] = self._new_pull(
            number, head_branch, base, body["title"], body.get("body")
        )
        self.pulls[number]["draft"] = bool(body.get("draft", False))
        self.pulls[number]["user"] = self._user(self.login_of(req))
        return 201, self._pull_json(number)

    def _pull_issue(self, number: int, title: str, user: str) -> dict:
        return {
            "number": number,
            "title": title,
            "state": "open",
            "user": self._user(user),
            "labels_names": [],
            "pull_request": {"url": self._api(f"/pulls/{number}")},
        }

    def _new_pull(self, number: int, head: str, base: str, title: str, body: Any) -> dict:
        return {
            "id": self._id(),
            "number": number,
            "state": "open",
            "title": title,
            "body": body,
            "draft": False,
            "user": self._user(self.bot_login),
            "requested_reviewers": [],
            "head": {"ref": head, "repo": None},
            "base": {"ref": base},
        }

    def get_user(self, m: re.Match[str], req: Request) -> tuple[int, Any]:
        login = self.login_of(req)
        if login.endswith("[bot]"):  # installation tokens: GitHub App or GITHUB_TOKEN
            raise ApiError(403, "Resource not accessible by integration")
        return 200, self._user(login) | {"url": f"{self.base_url}/users/{login}"}

    def graphql(self, m: re.Match[str], req: Request) -> tuple[int, Any]:
        if not self.graphql_enabled:
            raise _not_found()
        if "viewer" not in str((req.body or {}).get("query")):
            return 200, {"errors": [{"message": "unsupported by the fake"}]}
        return 200, {"data": {"viewer": {"login": self.login_of(req)}}}

    def edit_pull(self, m: re.Match[str], req: Request) -> tuple[int, Any]:
        number = _need(self.pulls, int(m["number"]))
        for key in ("title", "body", "state"):
            if key in req.body:
                self.pulls[number][key] = req.body[key]
        return 200, self._pull_json(number)

    def request_reviewers(self, m: re.Match[str], req: Request) -> tuple[int, Any]:
        number = _need(self.pulls, int(m["number"]))
        pull = self.pulls[number]
        for login in req.body.get("reviewers", []):
            if login == pull["user"]["login"]:
                raise _invalid("Review cannot be requested from pull request author.")
            if all(r["login"] != login for r in pull["requested_reviewers"]):
                pull["requested_reviewers"].append(self._user(login))
        return 201, self._pull_json(number)


def _blob_sha(content: bytes) -> str:
    return hashlib.sha1(b"blob %d\0" % len(content) + content).hexdigest()


Handler = Callable[[FakeGitHub, re.Match[str], Request], tuple[int, Any]]
_REPO = r"^/repos/(?P<owner>[^/]+)/(?P<repo>[^/]+)"
ROUTES: list[tuple[str, re.Pattern[str], Handler]] = [
    (method, re.compile(_REPO + pattern + "$"), handler)
    for method, pattern, handler in [
        ("GET", r"", FakeGitHub.get_repo),
        ("GET", r"/collaborators/(?P<user>[^/]+)/permission", FakeGitHub.get_permission),
        ("GET", r"/issues/(?P<number>\d+)", FakeGitHub.get_issue),
        ("GET", r"/issues/(?P<number>\d+)/comments", FakeGitHub.list_comments),
        ("POST", r"/issues/(?P<number>\d+)/comments", FakeGitHub.create_comment),
        ("PATCH", r"/issues/comments/(?P<id>\d+)", FakeGitHub.edit_comment),
        ("POST", r"/issues/(?P<number>\d+)/labels", FakeGitHub.add_labels),
        ("GET", r"/git/ref/heads/(?P<branch>.+)", FakeGitHub.get_ref),
        ("POST", r"/git/refs", FakeGitHub.create_ref),
        ("PATCH", r"/git/refs/heads/(?P<branch>.+)", FakeGitHub.update_ref),
        ("GET", r"/contents/(?P<path>.+)", FakeGitHub.get_content),
        ("PUT", r"/contents/(?P<path>.+)", FakeGitHub.put_content),
        ("DELETE", r"/contents/(?P<path>.+)", FakeGitHub.delete_content),
        ("GET", r"/pulls", FakeGitHub.list_pulls),
        ("POST", r"/pulls", FakeGitHub.create_pull),
        ("GET", r"/pulls/(?P<number>\d+)", FakeGitHub.get_pull),
        ("PATCH", r"/pulls/(?P<number>\d+)", FakeGitHub.edit_pull),
        ("POST", r"/pulls/(?P<number>\d+)/requested_reviewers", FakeGitHub.request_reviewers),
    ]
]


ROUTES += [  # outside any repository
    ("GET", re.compile(r"^/user$"), FakeGitHub.get_user),
    ("POST", re.compile(r"^/graphql$"), FakeGitHub.graphql),
]


def _route(method: str, path: str) -> tuple[Handler, re.Match[str]] | None:
    for route_method, pattern, handler in ROUTES:
        match = pattern.match(path)
        if route_method == method and match:
            return handler, match
    return None


class _Handler(BaseHTTPRequestHandler):
    server: _Server

    def log_message(self, format: str, *args: Any) -> None:  # keep test output quiet
        pass

    def do_GET(self) -> None:
        self._serve("GET")

    def do_POST(self) -> None:
        self._serve("POST")

    def do_PUT(self) -> None:
        self._serve("PUT")

    def do_PATCH(self) -> None:
        self._serve("PATCH")

    def do_DELETE(self) -> None:
        self._serve("DELETE")

    def _read(self) -> Request:
        url = urlsplit(self.path)
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        query = {k: v[0] for k, v in parse_qs(url.query).items()}
        body = json.loads(raw) if raw else None
        auth = self.headers.get("Authorization", "")
        return Request(self.command, url.path, query, body, auth)

    def _serve(self, method: str) -> None:
        fake = self.server.fake
        req = self._read()
        with fake.lock:
            fake.requests.append(req)
            fault = _due_fault(fake, req)
            if fault in ("500", "502", "403-secondary"):
                return self._fault_answer(fault)
            status, payload = _dispatch(fake, req)
        if fault == "lost":
            self.close_connection = True
            return
        if fault == "timeout":
            time.sleep(fake.timeout_sleep)
        self._answer(status, payload)

    def _fault_answer(self, fault: str) -> None:
        if fault == "403-secondary":
            body = {"message": SECONDARY_RATE_LIMIT_MESSAGE, "documentation_url": "https://docs"}
            headers = {"Retry-After": self.server.fake.retry_after}
            return self._answer(403, body, headers)
        if fault == "502":
            return self._answer(502, "<html><body>Unicorn! Bad gateway</body></html>")
        self._answer(500, {"message": "Server Error"})

    def _answer(self, status: int, payload: Any, headers: dict[str, str] | None = None) -> None:
        is_text = isinstance(payload, str)
        data = payload.encode() if is_text else json.dumps(payload).encode()
        try:
            self.send_response(status)
            kind = "text/html" if is_text else "application/json; charset=utf-8"
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(data)))
            for key, value in (headers or {}).items():
                self.send_header(key, value)
            self.end_headers()
            self.wfile.write(data)
        except (BrokenPipeError, ConnectionResetError):  # the client gave up (timeout fault)
            pass


def _due_fault(fake: FakeGitHub, req: Request) -> str | None:
    for fault in fake.faults:
        if fault.method != req.method or not re.search(fault.pattern, req.path):
            continue
        fault.seen += 1
        if fault.nth <= fault.seen < fault.nth + fault.times:
            fault.fired = True
            return fault.kind
    return None


def _dispatch(fake: FakeGitHub, req: Request) -> tuple[int, Any]:
    if not req.authorization:
        return 401, {"message": "Requires authentication"}
    found = _route(req.method, req.path)
    if found is None:
        return 404, {"message": "Not Found"}
    handler, match = found
    repo = match.groupdict().get("owner"), match.groupdict().get("repo")
    if repo != (None, None) and repo != (fake.owner, fake.name):
        return 404, {"message": "Not Found"}
    try:
        return handler(fake, match, req)
    except ApiError as exc:
        return exc.status, exc.body


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    fake: FakeGitHub


@contextmanager
def serve(fake: FakeGitHub) -> Iterator[FakeGitHub]:
    """Serve `fake` on 127.0.0.1 on a free port until the block ends."""
    server = _Server(("127.0.0.1", 0), _Handler)
    server.fake = fake
    with running(server) as url:
        fake.base_url = url
        yield fake
