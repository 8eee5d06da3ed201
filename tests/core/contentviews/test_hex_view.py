"""The hex view: binary bodies, and bodies whose encoding could not be undone."""

from __future__ import annotations

from tests.core.contentviews.helpers import all_lines
from whisper_tui.core.contentviews import view_for


def test_binary_becomes_a_hex_dump():
    view = view_for(bytes(range(32)), "application/octet-stream")
    assert view.kind == "hex"
    first, second = all_lines(view)
    assert first.startswith("00000000  00 01 02 03 04 05 06 07  08 09")
    assert second.startswith("00000010  10 11")


def test_broken_gzip_falls_back_to_raw_hex_with_a_note():
    view = view_for(b"not gzip at all", "text/plain", ["gzip"])
    assert view.kind == "hex"
    assert any("failed to decode" in note for note in view.notes)
