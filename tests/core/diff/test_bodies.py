"""Comparable bodies: the detail's own lines, JSON parsed for the summary, forms as pairs."""

from __future__ import annotations

import gzip

from tests.core.diff.helpers import capture
from whisper_tui.core.contentviews import body_view
from whisper_tui.core.diff.bodies import all_lines, comparable_body


def test_json_bodies_are_parsed_and_shown_as_the_detail_shows_them():
    request = capture('{"b":1.10,"a":[1]}')
    body = comparable_body(request, sort_keys=False)
    assert body.kind == "json" and body.parsed
    assert body.lines == all_lines(body_view(request))
    sorted_body = comparable_body(request, sort_keys=True)
    assert sorted_body.lines[1] == '  "a": ['  # keys sorted, literals kept
    assert "1.10" in sorted_body.lines[-2]


def test_the_body_is_decoded_once_like_the_detail():
    request = capture(gzip.compress(b'{"x":1}'), headers=[("Content-Encoding", "gzip")])
    body = comparable_body(request, sort_keys=False)
    assert body.lines == ["{", '  "x": 1', "}"]
    assert body.notes == body_view(request).notes


def test_forms_carry_their_pairs_and_other_bodies_their_view():
    form = comparable_body(capture("a=1&b=2", "application/x-www-form-urlencoded"), False)
    assert (form.kind, form.pairs) == ("form", [("a", "1"), ("b", "2")])
    text = comparable_body(capture("{not json", "text/plain"), False)
    assert (text.kind, text.parsed, text.lines) == ("text", False, ["{not json"])


def test_json_lines_are_the_views_lines_whichever_way_they_are_indented():
    escaped = '{"a":"\\u00e9\\"x\\\\","n":[1.10,-0,1E+05],"e":{},"l":[]}'
    twice = '{"k":1,"k":{"k":2}}'  # a key given twice: indented by the line regex
    for text in (escaped, twice, ' [ 1 , { "b" : null } ] '):
        request = capture(text)
        body = comparable_body(request, sort_keys=False)
        assert body.lines == all_lines(body_view(request)), text
    lines = comparable_body(capture(escaped), sort_keys=False).lines
    assert lines[1] == '  "a": "\\u00e9\\"x\\\\",' and lines[3] == "    1.10,"
    assert comparable_body(capture(twice), sort_keys=False).lines[1:3] == ['  "k": 1,', '  "k": {']
