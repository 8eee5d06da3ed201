"""Display decoding: content-encodings undone for display only, within the cap."""

from __future__ import annotations

import gzip
import zlib

from tests.core.contentviews.helpers import all_lines
from whisper_tui.core.contentviews import view_for
from whisper_tui.core.contentviews.decoding import content_codings, decode_body


def test_gzip_and_deflate_are_decoded_for_display_only():
    original = b'{"zipped":true}'
    for encoded, coding in (
        (gzip.compress(original), "gzip"),
        (zlib.compress(original), "deflate"),
    ):
        view = view_for(encoded, "application/json", [coding])
        assert view.kind == "json"
        assert all_lines(view) == ["{", '  "zipped": true', "}"]
        assert any(coding in note for note in view.notes)


def test_content_encoding_values_name_their_codings_in_the_order_applied():
    assert content_codings(["gzip, Identity", " BR ,", ""]) == ["gzip", "br"]
    assert content_codings([]) == content_codings(["identity"]) == []


def test_gzip_bomb_stops_at_the_display_cap():
    bomb = gzip.compress(b"\0" * (20 * 1024 * 1024))
    view = view_for(bomb, "application/octet-stream", ["gzip"], decompress_cap=1024 * 1024)
    assert len(view.lines) * 16 <= 1024 * 1024
    assert any("cap" in note for note in view.notes)


def test_a_body_says_whether_inflating_it_stopped_at_the_cap():
    # gzip over deflate: capped in either step is capped.
    text = b"a" * 4096
    for encoded, codings in (
        (gzip.compress(text), ["gzip"]),
        (gzip.compress(zlib.compress(text)), ["deflate", "gzip"]),
    ):
        assert not decode_body(encoded, "text/plain", codings, 4096).capped
        past = decode_body(encoded, "text/plain", codings, 4095)
        assert past.capped and past.data == text[:4095]
    assert not decode_body(text, "text/plain", [], 10).capped  # not encoded: nothing inflated
