"""Field checks shared by the agent, skill and command rules."""

from __future__ import annotations

from collections.abc import Iterable

from lam_bot.catalog import MODEL_ID_MARKERS, MODEL_ID_PREFIX, Catalog
from lam_bot.validator.frontmatter import Document
from lam_bot.validator.model import Finding, error, warning


def check_model(doc: Document, catalog: Catalog) -> list[Finding]:
    """`model` must be what `--model` (agents) or `/model` (skills, commands) accepts: an
    alias or a full model id (docs: model-config)."""
    field = doc.fields.get("model")
    if field is None:
        return []
    value = field.value
    if isinstance(value, str) and (value in catalog.models or _model_id(value)):
        return []
    known = ", ".join(sorted(catalog.models))
    message = f"`model: {value}` is not {known} or a full `{MODEL_ID_PREFIX}…` id"
    return [error(field.line, field.col, "model-invalid", message)]


def _model_id(value: str) -> bool:
    return any(marker in value for marker in MODEL_ID_MARKERS)


def check_unknown_keys(doc: Document, known: Iterable[str], kind: str) -> list[Finding]:
    """A warning for every frontmatter key Claude Code does not read for this kind."""
    known = frozenset(known)
    return [
        warning(field.line, field.col, "key-unknown", f"unknown {kind} field `{key}` (ignored)")
        for key, field in doc.fields.items()
        if key not in known
    ]


def check_description_type(doc: Document) -> list[Finding]:
    """An optional `description` must still be a string."""
    field = doc.fields.get("description")
    if field is None or field.value is None or isinstance(field.value, str):
        return []
    message = "`description` must be a string"
    return [error(field.line, field.col, "description-invalid", message)]
