"""One line numbering, libyaml's, for parsing, diagnostics and --fix."""

from __future__ import annotations

import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from lam_bot.catalog import DEFAULT_CATALOG
from lam_bot.validator import check_text
from lam_bot.validator.fix import fix_text
from lam_bot.validator.source import line_at, split_lines

# Every line break libyaml knows (YAML 1.1, 5.4; libyaml's IS_BREAK), and look-alikes
# it does not treat as breaks (vertical tab, form feed, file/group/record separators).
BREAKS = ["\n", "\r\n", "\r", "\x85", "\u2028", "\u2029"]
NOT_BREAKS = ["\x0b", "\x0c", "\x1c", "\x1d", "\x1e"]


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.tuples(st.sampled_from(BREAKS), st.sampled_from(["", "\u2028  w"])), max_size=12)
)
def test_line_numbers_agree_with_libyaml(breaks: list[tuple[str, str]]) -> None:
    # One key per line (some values folded over a second, indented line); where libyaml
    # puts each key is where our numbering must put it.
    text = "".join(f"k{i}: v{more}{br}" for i, (br, more) in enumerate(breaks)) + "end: 1"
    keys = yaml.compose(text, Loader=yaml.CSafeLoader).value
    lines = split_lines(text)
    assert "".join(lines) == text
    for key, _ in keys:
        line = key.start_mark.line
        assert lines[line].startswith(key.value + ":")
        assert line_at(text, text.index(key.value + ":")) == line + 1


def test_look_alike_breaks_do_not_cut_lines() -> None:
    text = "a" + "".join(NOT_BREAKS) + "b\nc"
    assert split_lines(text) == ["a" + "".join(NOT_BREAKS) + "b\n", "c"]
    assert line_at(text, len(text)) == 2


def test_diagnostics_under_unicode_line_breaks_point_at_their_key() -> None:
    frontmatter = "name: a\ndescription: d\u2028  e\u2029  f\ntools: [Read, Task]\n"
    text = f"---\n{frontmatter}---\n\nYou review code.\n"
    result = check_text(text)
    lines = split_lines(text)
    tools_list = [d for d in result.diagnostics if d.rule == "tools-list"]
    assert tools_list and lines[tools_list[0].line - 1].startswith("tools:")


def test_fix_under_unicode_line_breaks_keeps_the_closing_line_and_the_body() -> None:
    body = "\nYou review code. Task the\u2028worker\u2029when asked.\n"
    text = "---\nname: a\ndescription: d\u2028  e\ntools: Read, Task\n---" + body
    fixed, changes = fix_text(text, DEFAULT_CATALOG)
    assert fixed == "---\nname: a\ndescription: d\u2028  e\ntools: Read, Agent\n---" + body
    assert changes == [(5, "legacy tool `Task` -> `Agent` in `tools`")]
    assert split_lines(fixed)[4].startswith("tools:")
    assert fix_text(fixed, DEFAULT_CATALOG) == (fixed, [])


def test_a_fence_line_holding_a_unicode_break_is_not_a_fence() -> None:
    # libyaml would see two lines there; treating it as `---` would shift every position.
    text = "---\nname: a\ndescription: d\n---\u2028\ntools: x\n---\nbody\n"
    document = check_text(text)
    assert all(d.line <= len(split_lines(text)) for d in document.diagnostics)
