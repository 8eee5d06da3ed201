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
