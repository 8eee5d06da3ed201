"""Diff results: a summary entry as one line."""

from __future__ import annotations

from whisper_tui.core.diff import (
    Change,
)


def test_change_text():
    assert Change("a.b", "changed", '"x"', '"y"').text() == 'a.b: "x" -> "y"'
    assert Change("a.c", "added", None, "{...}").text() == "+ a.c: {...}"
    assert Change("a.d", "removed", "1", None).text() == "- a.d: 1"
    assert Change("a.e", "length", "3", "4").text() == "a.e: length 3 -> 4"
