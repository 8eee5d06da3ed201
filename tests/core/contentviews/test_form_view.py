"""The form view: one decoded field a line."""

from __future__ import annotations

from tests.core.contentviews.helpers import all_lines
from whisper_tui.core.contentviews import view_for


def test_form_is_shown_as_decoded_pairs():
    view = view_for(b"a=1&b=hello+world&c=%5B1%5D&empty=", "application/x-www-form-urlencoded")
    assert view.kind == "form"
    assert all_lines(view) == ["a = 1", "b = hello world", "c = [1]", "empty = "]
