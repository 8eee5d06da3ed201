"""The JSON view: indented keeping every literal, shown as sent when too deep."""

from __future__ import annotations

import json

from tests.core.contentviews.helpers import all_lines
from whisper_tui.core.contentviews import view_for


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


def test_json_nested_beyond_recursion_is_shown_as_text_not_crash():
    deep = b"[" * 200_000 + b"]" * 200_000
    view = view_for(deep, "application/json")
    assert view.kind == "text"
    assert any("nested too deep" in note for note in view.notes)


def test_json_after_a_byte_order_mark_is_shown_as_json_and_the_mark_is_said() -> None:
    # Declared or sniffed: the mark made json.loads refuse it, so it was shown as plain text
    # with the mark invisible, and nothing said why a receiver's parser might refuse it.
    for content_type in ("application/json", ""):
        view = view_for(b'\xef\xbb\xbf{"a": [1,2]}', content_type)
        assert view.kind == "json", content_type
        assert all_lines(view) == ["{", '  "a": [', "    1,", "    2", "  ]", "}"]
        assert any("byte order mark" in note for note in view.notes)
    with_no_mark = view_for(b'{"a": 1}', "application/json")
    assert not any("byte order mark" in note for note in with_no_mark.notes)
