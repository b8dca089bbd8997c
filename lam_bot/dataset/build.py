"""`lam-bot dataset build`: agent and skill files → curated chat examples → train/valid.

    paths ─ discover ─ read ─ curate ─ fix ─ validate (errors, risks) ─ dedupe
          ─ examples (plan, execution) ─ mix ─ split ─ train.jsonl, valid.jsonl, report.json

Files come from the validator's own discovery, in the order the paths were given
(each path's files in path order), so "first wins" deduplication is predictable.
"""

from __future__ import annotations

import json
import os
import random
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple

from lam_bot.catalog import Catalog, catalog_for
from lam_bot.dataset.curate import DROP_RULES, EDIT_RULES, curate_text, length_rule
from lam_bot.dataset.examples import (
    MODES,
    Example,
    execution_example,
    mix_example,
    plan_example,
)
from lam_bot.dataset.recover import recover_plan
from lam_bot.dataset.report import build_report
from lam_bot.dataset.split import split_examples
from lam_bot.errors import InputError, UsageError
from lam_bot.files import atomic_write
from lam_bot.validator import check_text
from lam_bot.validator.discover import discover
from lam_bot.validator.fix import fix_text
from lam_bot.validator.frontmatter import parse_document
from lam_bot.validator.rules.risk import RISK_PREFIX
from lam_bot.validator.source import read_source

HARVESTED_KINDS = ("agent", "skill")
DEFAULT_VALID_FRACTION = 0.15  # the model card's split


class Mix(NamedTuple):
    """`--mix FILE:N`: up to `limit` chat examples from a JSONL file."""

    path: Path
    limit: int


@dataclass(frozen=True)
class BuildSettings:
    """What `dataset build` reads and how it splits."""

    paths: tuple[str, ...]
    out: Path
    mixes: tuple[Mix, ...] = ()
    valid_fraction: float = DEFAULT_VALID_FRACTION
    seed: int = 0


@dataclass
class Tally:
    """What happened to the inputs, for the report."""

    files: dict[str, int] = field(default_factory=lambda: dict.fromkeys(HARVESTED_KINDS, 0))
    edited: dict[str, int] = field(default_factory=lambda: dict.fromkeys(EDIT_RULES, 0))
    dropped: dict[str, int] = field(default_factory=lambda: dict.fromkeys(DROP_RULES, 0))
    mixed_in: int = 0


class Harvested(NamedTuple):
    """A curated file that passed the validator."""

    display: str
    kind: str
    name: str
    description: str
    text: str
    fields: dict[str, Any]


class Built(NamedTuple):
    """The written dataset: its files and its report."""

    train: Path
    valid: Path
    report_path: Path
    report: dict[str, Any]


def parse_mix(spec: str) -> Mix:
    """`FILE:N` → Mix; UsageError when N is not a positive integer."""
    path, sep, count = spec.rpartition(":")
    if not sep or not path or not count.isdigit() or int(count) < 1:
        raise UsageError(f"--mix takes FILE:N with N a positive whole number, not {spec!r}")
    return Mix(Path(path), int(count))


def _targets(paths: Sequence[str]) -> Iterator[Any]:
    for path in paths:  # one path at a time: the order given is the order kept
        yield from (t for t in discover([path]) if t.kind in HARVESTED_KINDS)


def _name(fields: dict[str, Any], kind: str, path: str) -> str:
    name = fields.get("name")
    if isinstance(name, str) and name.strip():
        return name.strip()
    folder, stem = os.path.split(path)
    return os.path.basename(folder) if kind == "skill" else os.path.splitext(stem)[0]


def harvest(paths: Sequence[str], catalog: Catalog, tally: Tally) -> list[Harvested]:
    """The fixed, curated, valid, risk-free, first-of-their-name files under `paths`."""
    kept: list[Harvested] = []
    seen: set[tuple[str, str]] = set()
    for target in _targets(paths):
        tally.files[target.kind] += 1
        source = read_source(target.path)
        if source.text is None:
            tally.dropped["unreadable"] += 1
            continue
        curated, applied = curate_text(source.text, target.kind)
        text, changes = fix_text(curated, catalog, target.kind, target.display)
        for rule in applied + ("validator-fix",) * bool(changes):
            tally.edited[rule] += 1
        checked = check_text(text, target.display, target.kind, catalog)
        if checked.errors:
            tally.dropped["validator-errors"] += 1
            continue
        if any(d.rule.startswith(RISK_PREFIX) for d in checked.diagnostics):
            tally.dropped["risk-findings"] += 1
            continue
        fields = {k: f.value for k, f in parse_document(text).fields.items()}
        name = _name(fields, target.kind, target.path)
        if (target.kind, name) in seen:
            tally.dropped["duplicate-name"] += 1
            continue
        seen.add((target.kind, name))
        description = str(fields.get("description") or "")
        kept.append(Harvested(target.display, target.kind, name, description, text, fields))
    return kept


def _keep(example: Example, tally: Tally) -> bool:
    rule = length_rule(len(example.answer))
    if rule is not None:
        tally.dropped[rule] += 1
    return rule is None


def examples_for(item: Harvested, tally: Tally) -> list[Example]:
    """Execution mode for every file; plan mode for agents whose plan can be recovered."""
    description = item.description or item.name
    found = [execution_example(item.name, item.kind, description, item.text)]
    if item.kind == "agent":
        stem = os.path.splitext(os.path.basename(item.display))[0]
        plan = recover_plan(item.text, item.fields, stem)
        if plan is None:
            tally.dropped["plan-unrecoverable"] += 1
        else:
            found.append(plan_example(item.name, item.kind, description, plan.model_dump_json()))
    return [example for example in found if _keep(example, tally)]


def read_mix(mix: Mix, seed: int) -> list[Example]:
    """Up to `mix.limit` examples drawn (seeded) from a chat JSONL file."""
    try:
        lines = mix.path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"--mix {mix.path}: cannot read it ({exc})") from None
    found = []
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            example = mix_example(f"mix:{mix.path}:{number}", json.loads(line))
        except json.JSONDecodeError:
            example = None
        if example is None:
            message = 'not a chat example ({"messages": [..., {"role": "assistant", ...}]})'
            raise InputError(f"--mix {mix.path}:{number}: {message}")
        found.append(example)
    if len(found) <= mix.limit:
        return found
    return random.Random(seed).sample(found, mix.limit)


def _write_jsonl(path: Path, examples: Sequence[Example]) -> Path:
    return atomic_write(path, "".join(example.line() + "\n" for example in examples))


def _out_dir(out: Path) -> Path:
    if out.exists() and not out.is_dir():
        raise InputError(f"--out {out} exists and is not a folder")
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise InputError(f"--out {out}: cannot create it ({exc.strerror or exc})") from None
    return out


def build_dataset(settings: BuildSettings) -> Built:
    """Harvest, curate, split and write the dataset; InputError when nothing is left."""
    if not 0.0 <= settings.valid_fraction < 1.0:
        raise UsageError("--valid-fraction must be at least 0 and below 1")
    tally = Tally()
    catalog = catalog_for(list(settings.paths))
    harvested = harvest(settings.paths, catalog, tally)
    examples = [example for item in harvested for example in examples_for(item, tally)]
    for mix in settings.mixes:
        mixed = read_mix(mix, settings.seed)
        tally.mixed_in += len(mixed)
        examples += mixed
    if not examples and not any(tally.files.values()):
        raise InputError(f"no agent or skill files found in {', '.join(settings.paths)}")
    if not examples:
        drops = ", ".join(f"{rule} {n}" for rule, n in tally.dropped.items() if n) or "none"
        raise InputError(f"no example is left after curation (files dropped: {drops})")
    train, valid = split_examples(examples, settings.valid_fraction, settings.seed)
    out = _out_dir(settings.out)
    report = build_report(tally, train, valid, settings.valid_fraction, settings.seed)
    written = Built(
        _write_jsonl(out / "train.jsonl", train),
        _write_jsonl(out / "valid.jsonl", valid),
        atomic_write(out / "report.json", json.dumps(report, indent=2) + "\n"),
        report,
    )
    return written


__all__ = ["MODES", "BuildSettings", "Built", "Mix", "build_dataset", "parse_mix"]
