"""Generation profiles: how much plan a model is asked for, and the matching token budget.

The plan schema (lam_bot/plan.py) is sized for the LAM model the card describes: up to
8 tools, 6 skills of 8 steps, 10 constraints, 1,500 characters of reasoning, and a
budget (MAX_PLAN_TOKENS) that fits a plan at every count bound. A 135M-parameter model
decoding on two CPU cores (SmolLM2-135M-Instruct, ~10 tokens/s) does not stop on its
own inside those bounds: measured on the Docker request, its plans ran past 1,024
and 2,048 tokens, filling strings towards their maxLength and opening list item after
list item. The `small` profile hands the grammar a tighter schema: the same keys in the
same order, every maxLength and maxItems lowered (never raised, never a minimum
raised) and prose fields held to PROSE_PATTERN, so every plan it allows is a plan
`parse_plan` accepts, and a budget that covers the tightened worst case.

`auto` (the default) picks `small` for the offline model name (`smollm2`) and for GGUF
files under SMALL_GGUF_BYTES, `full` for everything else.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from lam_bot.plan import MAX_PLAN_TOKENS, plan_json_schema

if TYPE_CHECKING:
    from lam_bot.settings import GenerateSettings

__all__ = [
    "PROFILES",
    "PROFILE_CHOICES",
    "SMALL_GGUF_BYTES",
    "Profile",
    "plan_schema_for",
    "profile_schema",
    "resolve_profile",
    "settings_profile",
    "token_budget",
]

# A GGUF file below this size holds a model of well under a billion parameters
# (SmolLM2-135M-Instruct Q4_1 is 98 MB; a 1B model at 4 bits is ~0.7 GB).
SMALL_GGUF_BYTES = 600 * 1024 * 1024


@dataclass(frozen=True)
class Profile:
    """Upper bounds for the grammar's schema and the default output budget.

    `max_length` maps a string field (by its key in the schema, e.g. "description")
    to the most characters the grammar allows; `max_items` does the same for arrays
    (e.g. "tools") and `max_properties` for a step's `input` object. A field not
    named keeps the plan schema's bound; a bound above the schema's is ignored.
    `max_tokens` is the output budget in tokens when the user gives none.
    """

    name: str
    max_tokens: int
    string_length: int | None = None  # a cap for every string not in `max_length`
    max_length: tuple[tuple[str, int], ...] = ()
    max_items: tuple[tuple[str, int], ...] = ()
    max_properties: int | None = None
    # A pattern for the prose fields in PROSE_FIELDS (not names, tools or inputs).
    prose_pattern: str | None = None


# Fields whose text becomes sentences and list items of the agent file (synthesize.py).
PROSE_FIELDS = frozenset(
    ("reasoning", "description", "role", "returns", "action", "on_failure", "trigger")
) | {"output", "constraints"}

# Prose that starts with a letter, stays on one line and does not trail off into `,`,
# `;` or `:`. The vacuous-content rules (validator/rules/vacuous.py: body-fragment,
# list-self-numbered) refuse list items with no letter, items that number themselves
# ("1. 1. …") and items ending in such a fragment; measured on SmolLM2 with the small
# bounds alone, constraints like "{" made generate refuse both attempts of seeds 0 and 1.
PROSE_PATTERN = r"^[A-Za-z](?:[^\n]*[^\s,;:])?$"


FULL = Profile("full", MAX_PLAN_TOKENS)

# One parameter a tool and one input a skill: SmolLM2 gives a tool's parameters the same
# name (seed 1: `parameter-duplicate`, vacuous.py), which no grammar bound prevents.
SMALL = Profile(
    "small",
    max_tokens=1536,
    string_length=80,
    max_length=(("reasoning", 240), ("name", 40), ("tool", 40), ("role", 100)),
    max_items=(
        ("tools", 2),
        ("skills", 2),
        ("steps", 3),
        ("constraints", 3),
        ("parameters", 1),
        ("inputs", 1),
    ),
    max_properties=2,
    prose_pattern=PROSE_PATTERN,
)

PROFILES: dict[str, Profile] = {p.name: p for p in (FULL, SMALL)}
PROFILE_CHOICES = ("auto", *PROFILES)


def _is_small_model(model: str) -> bool:
    from lam_bot.backends.model_source import OFFLINE_MODEL

    if model == OFFLINE_MODEL:
        return True
    path = Path(model).expanduser()
    if path.suffix.lower() == ".gguf" and path.is_file():
        return path.stat().st_size < SMALL_GGUF_BYTES
    return False


def resolve_profile(name: str | None, model: str) -> Profile:
    """The profile `name` ("auto", "full", "small" or None for auto) means for `model`.

    Raises KeyError for an unknown name (the CLI offers only PROFILE_CHOICES).
    """
    if name in (None, "auto"):
        return SMALL if _is_small_model(model) else FULL
    return PROFILES[name]


def _tighten(node: Any, key: str | None, profile: Profile) -> None:
    if isinstance(node, list):
        for item in node:
            _tighten(item, key, profile)
        return
    if not isinstance(node, dict):
        return
    lengths, items = dict(profile.max_length), dict(profile.max_items)
    if node.get("type") == "string" and "maxLength" in node and "pattern" not in node:
        cap = lengths.get(key or "", profile.string_length)
        if cap is not None:
            node["maxLength"] = max(node.get("minLength", 0), min(node["maxLength"], cap))
    if node.get("type") == "string" and key in PROSE_FIELDS and profile.prose_pattern:
        node.setdefault("pattern", profile.prose_pattern)
    if node.get("type") == "array" and key in items:
        cap = max(node.get("minItems", 0), items[key])
        node["maxItems"] = min(node.get("maxItems", cap), cap)
    if "maxProperties" in node and profile.max_properties is not None:
        node["maxProperties"] = min(node["maxProperties"], profile.max_properties)
    for child_key, child in node.items():
        if child_key == "properties" and isinstance(child, dict):
            for name, sub in child.items():
                _tighten(sub, name, profile)
        elif child_key == "$defs" and isinstance(child, dict):
            for sub in child.values():
                _tighten(sub, None, profile)
        elif child_key in ("items", "anyOf", "patternProperties"):
            inner = child.values() if child_key == "patternProperties" else [child]
            for sub in inner:
                _tighten(sub, key, profile)


def profile_schema(profile: Profile) -> dict[str, Any]:
    """The plan's JSON schema with `profile`'s bounds: a subset of `plan_json_schema()`.

    Only maxLength, maxItems and maxProperties change, and only downwards (never below
    a minimum), so any JSON the returned schema accepts also parses as a `Plan`.
    """
    schema = plan_json_schema()
    if profile == FULL:
        return schema
    tightened = copy.deepcopy(schema)
    _tighten(tightened, None, profile)
    return tightened


def settings_profile(settings: GenerateSettings) -> Profile:
    """The profile `settings` ask for (`settings.profile`, resolved for `settings.model`)."""
    return resolve_profile(settings.profile, settings.model)


def token_budget(settings: GenerateSettings) -> int:
    """Output tokens to allow: `settings.max_tokens`, else the profile's budget."""
    return settings.max_tokens or settings_profile(settings).max_tokens


def plan_schema_for(settings: GenerateSettings) -> dict[str, Any]:
    """The schema the grammar (or `response_format`) gets under `settings`' profile."""
    return profile_schema(settings_profile(settings))
