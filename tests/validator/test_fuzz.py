"""Random and mutated input: no exception ever escapes, every diagnostic is well formed."""

from __future__ import annotations

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lam_bot.catalog import AGENT_KEYS
from lam_bot.validator import FileResult, check_text
from lam_bot.validator.rules.ids import RULE_HELP
from lam_bot.validator.source import decode_source, line_at
from tests.validator.helpers import GOOD_AGENT

GOOD = GOOD_AGENT.read_text()
FUZZ = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
YAML_CHARS = st.sampled_from([*":-[]{}&*!|>'\"#%@`,?\t\n \ufeff\r", "a", "1", "é", "\x00"])


def _well_formed(result: FileResult, text: str) -> None:
    lines = line_at(text, len(text))  # libyaml's lines: U+0085, U+2028, U+2029 count too
    for d in result.diagnostics:
        assert d.rule in RULE_HELP
        assert d.severity in ("error", "warning")
        assert 1 <= d.line <= lines + 1 and d.col >= 1
        assert "\n" not in d.message
    if result.kind == "agent":
        assert result.score is not None and 0 <= result.score <= 100


values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=30),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=12,
)
frontmatters = st.dictionaries(st.sampled_from(sorted(AGENT_KEYS)) | st.text(max_size=10), values)


@FUZZ
@given(st.text(YAML_CHARS, max_size=200), st.sampled_from(["agent", "skill", "command"]))
def test_random_frontmatter(frontmatter: str, kind: str) -> None:
    text = f"---\n{frontmatter}\n---\n\nBody text that is long enough to be a system prompt."
    _well_formed(check_text(text, path="x/SKILL.md", kind=kind), text)


@settings(FUZZ, max_examples=60)
@given(frontmatters)
def test_structured_frontmatter(data: dict[str, object]) -> None:
    text = f"---\n{yaml.safe_dump(data, allow_unicode=True)}---\n\n" + "Body " * 20
    _well_formed(check_text(text), text)


@FUZZ
@given(
    st.lists(
        st.tuples(st.integers(0, len(GOOD)), st.integers(0, 12), st.text(YAML_CHARS, max_size=6)),
        max_size=6,
    )
)
def test_mutated_good_agent(edits: list[tuple[int, int, str]]) -> None:
    text = GOOD
    for at, cut, insert in edits:
        text = text[:at] + insert + text[at + cut :]
    _well_formed(check_text(text), text)


@FUZZ
@given(st.binary(max_size=300))
def test_random_bytes(data: bytes) -> None:
    source = decode_source(data)
    assert (source.text is None) == bool(source.findings)
    if source.text is not None:
        _well_formed(check_text(source.text), source.text)
