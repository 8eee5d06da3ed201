"""Display decoding: content-encodings undone for display only, within the cap."""

from __future__ import annotations

import gzip
import zlib

import pytest

from tests.core.contentviews.helpers import all_lines
from whisper_tui.core.contentviews import view_for
from whisper_tui.core.contentviews.decoding import Inflated, content_codings, decode_body, inflate


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


def test_a_stream_cut_short_or_followed_by_more_bytes_is_shown_and_said_so():
    # Display shows what there is, as before; the notes say the stream did not end cleanly
    # (mitmproxy shows '[cannot decode]' and the raw bytes for both; here the text is kept).
    whole = gzip.compress(b"hello world", mtime=0)
    cut = decode_body(whole[:-6], "text/plain", ["gzip"])
    assert cut.text == "hello world" and not cut.capped
    assert "gzip stream cut short: shown as far as it goes" in cut.notes
    followed = decode_body(whole + b"junk!", "text/plain", ["x-gzip"])
    assert followed.text == "hello world"
    assert "trailing bytes after the x-gzip stream (5 B), not decoded" in followed.notes
    second = decode_body(whole + gzip.compress(b"more", mtime=0), "text/plain", ["gzip"])
    assert second.text == "hello world"
    assert any(note.startswith("trailing bytes after the gzip stream") for note in second.notes)
    deflated = zlib.compress(b"hello world")
    assert "deflate stream cut short: shown as far as it goes" in (
        decode_body(deflated[:-4], "text/plain", ["deflate"]).notes
    )
    # A clean stream, one stopped at the cap (its end unseen) and an empty body: nothing.
    for body, cap in ((whole, 1000), (gzip.compress(b"x" * 100), 10), (b"", 1000)):
        notes = decode_body(body, "text/plain", ["gzip"], cap).notes
        assert not any("cut short" in n or "trailing" in n for n in notes), notes


@pytest.mark.parametrize("wbits", [zlib.MAX_WBITS | 16, zlib.MAX_WBITS, -zlib.MAX_WBITS])
def test_inflate_says_how_a_stream_ended_with_or_without_a_header(wbits):
    coding = "gzip" if wbits > zlib.MAX_WBITS else "deflate"
    packer = zlib.compressobj(wbits=wbits)
    stream = packer.compress(b"abc" * 50) + packer.flush()
    assert inflate(stream, coding, 1000) == Inflated(b"abc" * 50, False, False, 0, wbits < 0)
    assert inflate(stream + b"zz", coding, 1000).trailing == 2
    assert inflate(stream[:-5], coding, 1000).cut_short
    # Past the cap: whatever follows is not looked at, so neither is said.
    capped = inflate(stream, coding, 149)
    assert (capped.data, capped.capped, capped.cut_short, capped.trailing) == (
        (b"abc" * 50)[:149],
        True,
        False,
        0,
    )
    with pytest.raises(zlib.error):
        inflate(b"\x1f\x8b not a stream", coding, 1000)
