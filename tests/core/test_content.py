"""Display decoding: views by content type, caps, and literal tokens."""

from __future__ import annotations

import gzip
import json
import re
import zlib

from hypothesis import given
from hypothesis import strategies as st

from tests.helpers import delivery_request, load_deliveries
from whisper_tui.core.content import BodyView, body_view, reindent_json, reindent_xml, view_for
from whisper_tui.core.sanitize import printable


def all_lines(view: BodyView) -> list[str]:
    view.lines.advance(10**9)
    return [view.lines[i] for i in range(len(view.lines))]


def test_json_is_indented_keeping_every_literal_as_sent():
    body = b'{"amount":1.10,"big":12345678901234567890,"s":"a,b:{c}","e":[],"o":{}}'
    view = view_for(body, "application/json")
    assert view.kind == "json" and view.lexer == "json"
    lines = all_lines(view)
    assert lines == [
        "{",
        '  "amount": 1.10,',
        '  "big": 12345678901234567890,',
        '  "s": "a,b:{c}",',
        '  "e": [],',
        '  "o": {}',
        "}",
    ]
    # Reindenting never changes what the JSON means.
    assert json.loads("\n".join(lines)) == json.loads(body)


def test_reindent_matches_json_dumps_for_ordinary_documents():
    document = {"a": [1, 2, {"b": None, "c": [True, False]}], "d": 'x"y', "e": {"f": {"g": 1}}}
    text = json.dumps(document, separators=(",", ":"))
    assert list(reindent_json(text)) == json.dumps(document, indent=2).split("\n")


def test_form_is_shown_as_decoded_pairs():
    view = view_for(b"a=1&b=hello+world&c=%5B1%5D&empty=", "application/x-www-form-urlencoded")
    assert view.kind == "form"
    assert all_lines(view) == ["a = 1", "b = hello world", "c = [1]", "empty = "]


def test_xml_is_indented_even_when_truncated():
    view = view_for(b"<?xml version='1.0'?><a><b>1</b><c><d/></c><e>cut", "application/xml")
    assert view.kind == "xml"
    assert all_lines(view) == [
        "<?xml version='1.0'?>",
        "<a>",
        "  <b>1</b>",
        "  <c>",
        "    <d/>",
        "  </c>",
        "  <e>",
        "    cut",
    ]


def test_binary_becomes_a_hex_dump():
    view = view_for(bytes(range(32)), "application/octet-stream")
    assert view.kind == "hex"
    first, second = all_lines(view)
    assert first.startswith("00000000  00 01 02 03 04 05 06 07  08 09")
    assert second.startswith("00000010  10 11")


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


def test_gzip_bomb_stops_at_the_display_cap():
    bomb = gzip.compress(b"\0" * (20 * 1024 * 1024))
    view = view_for(bomb, "application/octet-stream", ["gzip"], decompress_cap=1024 * 1024)
    assert len(view.lines) * 16 <= 1024 * 1024
    assert any("cap" in note for note in view.notes)


def test_broken_gzip_falls_back_to_raw_hex_with_a_note():
    view = view_for(b"not gzip at all", "text/plain", ["gzip"])
    assert view.kind == "hex"
    assert any("failed to decode" in note for note in view.notes)


def test_json_nested_beyond_recursion_is_shown_as_text_not_crash():
    deep = b"[" * 200_000 + b"]" * 200_000
    view = view_for(deep, "application/json")
    assert view.kind == "text"
    assert any("nested too deep" in note for note in view.notes)


def test_long_lines_are_split_for_display():
    view = view_for(b"x" * 10_000, "text/plain")
    assert [len(line) for line in all_lines(view)] == [4096, 4096, 1808]


def test_multipart_shows_text_parts_and_hex_for_binary_parts():
    [delivery] = [d for d in load_deliveries() if d["name"] == "form-multipart-upload"]
    view = body_view(delivery_request(delivery))
    assert view.kind == "multipart"
    text = "\n".join(all_lines(view))
    assert "part 1" in text and "Content-Disposition" in text


def test_fixture_deliveries_all_get_a_view():
    for delivery in load_deliveries():
        view = body_view(delivery_request(delivery))
        assert all_lines(view) or view.kind == "empty", delivery["name"]


def test_printable_replaces_every_control_character():
    hostile = "\x1b]0;title\x07\x1b[2J\x9b31m\x00\x7f\u202e"
    shown = printable(hostile)
    assert all(ord(c) >= 0x20 and not 0x7F <= ord(c) <= 0x9F for c in shown)
    assert "␛]0;title␇␛[2J" in shown
    assert "\\x9b" in shown and "\\u202e" in shown


_XML_PIECES = st.sampled_from(
    [
        "<a>",
        "</a>",
        "<b x='1 2'>",
        "</b>",
        "<c/>",
        "<?xml version='1.0'?>",
        "<!-- note -->",
        "<![CDATA[<x> & y]]>",
        "text",
        " more text ",
        "\n",
        "  ",
        "&amp;",
        "<",
        ">",
        "<d",
    ]
)


@given(st.lists(_XML_PIECES, max_size=60))
def test_xml_indenting_keeps_every_character_in_order(pieces):
    # Whatever the markup (unbalanced, truncated, stray brackets), indenting only adds or
    # removes whitespace: the non-space characters come out exactly as they went in.
    text = "".join(pieces)
    out = "".join(reindent_xml(text))
    assert re.sub(r"\s", "", out) == re.sub(r"\s", "", text)
