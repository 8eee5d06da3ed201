"""A drawn view carries the decoding notes first, then its own."""

from __future__ import annotations

from whisper_tui.core.contentviews.decoding import decode_body
from whisper_tui.core.contentviews.lines import ListLines
from whisper_tui.core.contentviews.view import drawn


def test_a_drawn_view_keeps_the_decoding_notes_then_its_own():
    body = decode_body(b"abc", "text/plain", ["identity", "unknown"])
    view = drawn(body, "text", ListLines(["abc"]), None, "mine")
    assert view.notes == ["content-encoding 'unknown' not decoded: showing the raw bytes", "mine"]
    # The body's own list is not the view's: drawing twice never doubles a note.
    assert body.notes == view.notes[:1]
