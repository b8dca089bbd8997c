"""The GitHub Actions event: what happened, to which issue, by whom, and what to do about it."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any, NamedTuple

from lam_bot.errors import InputError, UsageError

SUPPORTED_EVENTS = ("issues", "issue_comment")
BRANCH_PREFIX = "lam-bot/issue-"
REGENERATE = re.compile(r"\A\s*/lam-bot\s+regenerate\b(?P<feedback>.*)\Z", re.DOTALL)
MAX_EVENT_BYTES = 25 * 1024 * 1024  # GitHub caps webhook payloads at 25 MB


class Event(NamedTuple):
    """The parts of an `issues` or `issue_comment` payload the flow reads."""

    name: str
    action: str
    repository: str
    default_branch: str
    number: int
    title: str
    body: str
    labels: tuple[str, ...]
    is_pull_request: bool
    sender: str
    sender_is_bot: bool
    label: str | None = None
    comment: str | None = None
    comment_id: int | None = None


class Trigger(NamedTuple):
    """What the event asks for: generate, or regenerate with feedback."""

    kind: str
    feedback: str | None = None


def branch_for(number: int) -> str:
    """The bot's branch for issue `number`."""
    return f"{BRANCH_PREFIX}{number}"


def issue_from_branch(branch: str) -> int | None:
    """The issue number behind a bot branch, or None for any other branch."""
    match = re.fullmatch(re.escape(BRANCH_PREFIX) + r"([1-9][0-9]{0,9})", branch)
    return int(match[1]) if match else None


def load_event(name: str | None, path: Path | None) -> Event:
    """Read the event payload at `path` for event `name`."""
    if not name:
        raise UsageError(
            "no event name: pass --event-name or set GITHUB_EVENT_NAME "
            "(or run inside GitHub Actions)"
        )
    if path is None:
        raise UsageError("no event payload: pass --event PATH or set GITHUB_EVENT_PATH")
    try:
        if path.stat().st_size > MAX_EVENT_BYTES:
            raise InputError(f"{path}: event payload larger than 25 MB")
        payload = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise InputError(f"{path}: cannot read the event payload ({exc.strerror})") from None
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InputError(f"{path}: the event payload is not JSON ({exc})") from None
    except RecursionError:  # nesting deeper than Python's parser goes: no GitHub payload
        raise InputError(f"{path}: the event payload is not JSON (nested too deeply)") from None
    return parse_event(name, payload, str(path))


def parse_event(name: str, payload: Any, where: str = "event") -> Event:
    """An `Event` from a decoded payload; InputError names the first missing field."""
    if not isinstance(payload, dict):
        raise InputError(f"{where}: the event payload is not a JSON object")
    issue, repo, sender = (_table(payload, key, where) for key in ("issue", "repository", "sender"))
    comment, label = _optional(payload, "comment"), _optional(payload, "label")
    return Event(
        name=name,
        action=_text(payload, "action", where),
        repository=_text(repo, "full_name", where),
        default_branch=_text(repo, "default_branch", where),
        number=_number(issue, where),
        title=str(issue.get("title") or ""),
        body=str(issue.get("body") or ""),
        labels=_labels(issue),
        is_pull_request=isinstance(issue.get("pull_request"), dict),
        sender=_text(sender, "login", where),
        sender_is_bot=sender.get("type") == "Bot",
        label=str(label["name"]) if "name" in label else None,
        comment=str(comment["body"]) if "body" in comment else None,
        comment_id=_optional_id(comment),
    )


def _table(payload: Mapping[str, Any], key: str, where: str) -> Mapping[str, Any]:
    value = payload.get(key)
    if not isinstance(value, dict):
        raise InputError(f"{where}: the event payload has no `{key}` object")
    return value


def _optional(payload: Mapping[str, Any], key: str) -> Mapping[str, Any]:
    value = payload.get(key)
    return value if isinstance(value, dict) else {}


def _optional_id(table: Mapping[str, Any]) -> int | None:
    value = table.get("id")
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _text(table: Mapping[str, Any], key: str, where: str) -> str:
    value = table.get(key)
    if not isinstance(value, str) or not value:
        raise InputError(f"{where}: the event payload has no `{key}`")
    return value


def _number(issue: Mapping[str, Any], where: str) -> int:
    value = issue.get("number")
    if not isinstance(value, int) or isinstance(value, bool) or value < 1:
        raise InputError(f"{where}: the event payload has no issue number")
    return value


def _labels(issue: Mapping[str, Any]) -> tuple[str, ...]:
    labels = issue.get("labels") or []
    return tuple(str(x["name"]) for x in labels if isinstance(x, dict) and "name" in x)


def decide(event: Event, label: str) -> Trigger | None:
    """What `event` asks of the bot watching `label`, or None to stay silent (see `why_ignored`).

    GitHub sends `opened` and then `labeled` for an issue created with the label (an issue
    form's `labels:`); both ask for the one generation, which the flow makes only once.
    """
    return None if why_ignored(event, label) else _trigger(event)


def _trigger(event: Event) -> Trigger:
    if event.name == "issue_comment":
        match = REGENERATE.match(event.comment or "")
        return Trigger("regenerate", match["feedback"].strip() or None if match else None)
    return Trigger("generate")


def why_ignored(event: Event, label: str) -> str | None:
    """Why `event` asks nothing of the bot watching `label` (one line), or None if it does."""
    where = f"{event.name}/{event.action}"
    if event.sender_is_bot:
        return f"{where} was sent by a bot ({event.sender})"
    if event.name == "issues":
        return _why_issue_ignored(event, label, where)
    if event.action != "created":
        return f"{where}: only new comments can ask for a regeneration"
    if not REGENERATE.match(event.comment or ""):
        return f"{where}: the comment does not start with `/lam-bot regenerate`"
    if label not in event.labels:
        return f"{where}: #{event.number} does not carry the {label} label"
    return None


def _why_issue_ignored(event: Event, label: str, where: str) -> str | None:
    if event.is_pull_request:
        return f"{where}: #{event.number} is a pull request"
    if event.action == "labeled":
        return None if event.label == label else f"{where}: the label is {event.label}, not {label}"
    if event.action == "opened":
        return None if label in event.labels else f"{where}: #{event.number} has no {label} label"
    return f"{where}: only opened and labeled issues ask for an agent"
