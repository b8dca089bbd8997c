"""Reading files and splitting them: checked against the plain, line-by-line definitions."""

from __future__ import annotations

import os
from pathlib import Path, PurePosixPath

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lam_bot.validator.discover import clean_path, discover
from lam_bot.validator.frontmatter import parse_document
from lam_bot.validator.source import MAX_BYTES, NotRegularFile, read_limited, read_source


def _split_by_lines(text: str) -> tuple[bool, str | None, str, int]:
    """The frontmatter rule stated line by line: (has frontmatter, YAML, body, body line)."""
    lines = text.split("\n")
    if lines[0].rstrip() != "---":
        return False, None, text, 1
    end = next((i for i in range(1, len(lines)) if lines[i].rstrip() == "---"), None)
    if end is None:
        return True, None, "", len(lines) + 1
    return True, "\n".join(lines[1:end]), "\n".join(lines[end + 1 :]), end + 2


LINES = st.sampled_from(["---", "--- ", "----", " ---", "---x", "name: a", "", "body", "\tx: 1"])


@settings(max_examples=300, deadline=None)
@given(st.lists(LINES | st.text(alphabet="-: \tab\x0b", max_size=6), max_size=8))
def test_split_matches_the_line_by_line_rule(lines: list[str]) -> None:
    text = "\n".join(lines)
    document = parse_document(text)
    has_frontmatter, _, body, body_line = _split_by_lines(text)
    assert (document.has_frontmatter, document.body, document.body_line) == (
        has_frontmatter,
        body,
        body_line,
    )


def test_tab_indentation_names_its_line() -> None:
    document = parse_document("---\nname: a\ntools:\n\t- Read\n---\nbody\n")
    assert [(f.rule, f.line) for f in document.findings] == [("frontmatter-tab", 4)]
    assert parse_document("---\n\tname: a\n---\n").findings[0].line == 2


@pytest.mark.parametrize(
    "path", ["a.md", "./a.md", "a//b.md", "a/./b.md", "a/", "./", ".", "/", "/x/y/", "../a/b.md"]
)
def test_clean_path_shows_paths_as_pathlib_does(path: str) -> None:
    assert clean_path(path) == str(PurePosixPath(path))


def test_str_and_path_inputs_find_the_same_files(tmp_path: Path) -> None:
    agents = tmp_path / ".claude" / "agents"
    agents.mkdir(parents=True)
    (agents / "a.md").write_text("x")
    assert discover([str(tmp_path) + "/"]) == discover([tmp_path])


def test_sized_read_returns_the_whole_file(tmp_path: Path) -> None:
    path = tmp_path / "a.md"
    for size in (0, 1, 4095, 70_000):
        path.write_bytes(b"x" * size)
        assert read_limited(path, MAX_BYTES) == b"x" * size


def test_a_file_whose_size_lies_is_read_to_its_end() -> None:
    # /proc files report size 0 and hold text.
    data = read_limited("/proc/self/status", MAX_BYTES)
    assert data is not None and b"Name:" in data


def test_a_file_whose_size_lies_is_still_held_to_the_limit() -> None:
    # /proc files say they are empty (st_size 0) and hold more.
    assert os.stat("/proc/self/maps").st_size == 0
    assert read_limited("/proc/self/maps", 100) is None


def test_a_pipe_is_refused_without_reading_or_waiting(tmp_path: Path) -> None:
    fifo = tmp_path / "a.md"
    os.mkfifo(fifo)  # no writer: a blocking open would wait forever
    with pytest.raises(NotRegularFile):
        read_limited(fifo, 1000)
    assert read_source(fifo).findings[0].rule == "file-unreadable"
    read_end, write_end = os.pipe()
    try:
        with pytest.raises(NotRegularFile):
            read_limited(f"/proc/self/fd/{read_end}", 1000)
    finally:
        os.close(read_end)
        os.close(write_end)


def test_a_device_is_refused() -> None:
    source = read_source("/dev/zero")
    assert source.text is None and "not a regular file" in source.findings[0].message


def test_a_folder_is_unreadable_not_a_crash(tmp_path: Path) -> None:
    assert read_source(tmp_path).findings[0].rule == "file-unreadable"
