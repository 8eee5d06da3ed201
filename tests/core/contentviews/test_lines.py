"""Display lines: long lines split."""

from __future__ import annotations

from tests.core.contentviews.helpers import all_lines
from whisper_tui.core.contentviews import view_for


def test_long_lines_are_split_for_display():
    view = view_for(b"x" * 10_000, "text/plain")
    assert [len(line) for line in all_lines(view)] == [4096, 4096, 1808]
