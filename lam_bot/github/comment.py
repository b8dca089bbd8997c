"""The one status comment on an issue: found again by a hidden marker, edited in place."""

from __future__ import annotations

from collections.abc import Sequence

from lam_bot.github.logsafe import inert
from lam_bot.github.repo import CommentInfo, Repo

MARKER = "<!-- lam-bot:status -->"
# In the status once a pull request answers the issue: later `opened`/`labeled` events,
# re-labels and re-runs then leave it alone (a failed or interrupted run does not say so).
DONE_MARKER = "<!-- lam-bot:done -->"


def render(message: str, run_url: str | None, details: Sequence[str] = ()) -> str:
    """The comment body: marker, headline, optional bullet list, link to the run."""
    lines = [MARKER, message]
    if details:
        lines.append("")
        lines.extend(f"- {_inline(detail)}" for detail in details)
    if run_url:
        lines += ["", f"<sub>lam-bot · [workflow run]({run_url})</sub>"]
    return "\n".join(lines) + "\n"


def _inline(text: str) -> str:
    # Reasons come from the model and the validator: one line, inert.
    return inert(" ".join(text.split()))


def generating(run_url: str | None, feedback: str | None) -> str:
    """The comment while generation runs."""
    extra = [f"with feedback: {feedback}"] if feedback else []
    return render("⏳ Generating an agent for this request…", run_url, extra)


def refused(run_url: str | None, login: str, role: str, minimum: str) -> str:
    """The comment for a labeller without enough permission."""
    message = (
        f"⛔ Not generating: @{login} has the `{role or 'none'}` role here, and generation "
        f"needs `{minimum}` or higher. Someone with that permission can apply the label again."
    )
    return render(message, run_url)


def failed(run_url: str | None, message: str, reasons: Sequence[str] = ()) -> str:
    """The comment after a failure."""
    return render(f"❌ {_inline(message)}", run_url, reasons)


def done(
    run_url: str | None, pull_url: str, number: int, path: str, score: int | None, risks: int = 0
) -> str:
    """The comment after the pull request was opened or updated, with its risk-finding count."""
    scored = f" (validation score {score}/100)" if score is not None else ""
    if risks:
        plural = "s" * (risks != 1)
        head = f"⚠️ Pull request #{number} adds `{path}`{scored}: {pull_url}"
        review = f'{risks} risk finding{plural}: read "Review before merging" in the PR first.'
    else:
        head = f"✅ Pull request #{number} adds `{path}`{scored}: {pull_url}"
        review = "0 risk findings."
    message = (
        f"{head}\n\n{review}\n\n"
        "To change it, comment `/lam-bot regenerate <what to change>` here or on the PR."
    )
    return render(message, run_url) + DONE_MARKER + "\n"


def is_done(body: str) -> bool:
    """Whether a status comment body says a pull request answers the issue."""
    return DONE_MARKER in body


class StatusComment:
    """Posts the status, creating the comment once and editing it afterwards."""

    def __init__(self, repo: Repo, number: int) -> None:
        self.repo = repo
        self.number = number
        self.comment: CommentInfo | None = None
        self._looked = False

    def find(self) -> CommentInfo | None:
        """The existing status comment (looked up once), or None."""
        if self.comment is None and not self._looked:
            self.comment = self.repo.find_comment(self.number, MARKER)
            self._looked = True
        return self.comment

    def post(self, body: str) -> None:
        """Show `body`: edit the existing status comment, or create it after a look-up."""
        from lam_bot.github.flow import ensure

        found = self.find()
        if found is not None:
            self.repo.edit_comment(self.number, found.id, body)
            self.comment = found._replace(body=body)
            return
        self.comment, _ = ensure(
            "creating the status comment",
            lambda: self.repo.find_comment(self.number, MARKER),
            lambda: self.repo.create_comment(self.number, body),
            look_first=False,  # just looked
        )
