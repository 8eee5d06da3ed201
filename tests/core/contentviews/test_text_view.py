"""The text view, and text made printable for the screen."""

from __future__ import annotations

from tests.core.contentviews.helpers import all_lines
from whisper_tui.core.contentviews import view_for
from whisper_tui.core.sanitize import printable


def test_printable_replaces_every_control_character():
    hostile = "\x1b]0;title\x07\x1b[2J\x9b31m\x00\x7f\u202e"
    shown = printable(hostile)
    assert all(ord(c) >= 0x20 and not 0x7F <= ord(c) <= 0x9F for c in shown)
    assert "␛]0;title␇␛[2J" in shown
    assert "\\x9b" in shown and "\\u202e" in shown


def test_text_is_highlighted_by_its_media_type_when_known():
    assert view_for(b"<p>hi</p>", "text/html").lexer == "html"
    assert view_for(b"a: 1", "application/yaml").lexer == "yaml"
    plain = view_for(b"line one\r\nline two", "text/plain")
    assert (plain.kind, plain.lexer, all_lines(plain)) == ("text", None, ["line one", "line two"])
