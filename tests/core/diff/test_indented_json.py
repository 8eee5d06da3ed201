"""orjson's indentation gives the line regex's display lines exactly, or gives up (None)."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from whisper_tui.core.contentviews.json_lines import MAX_INDENT_DEPTH, pretty_json_lines
from whisper_tui.core.diff import indented_json
from whisper_tui.core.diff.indented_json import indented_lines
from whisper_tui.core.diff.json_changes import parse_json_literals

pytest.importorskip("orjson")

# Written forms that decoding would change: each must come back as it was sent.
ESCAPED = ["\\u00e9", 'x\\"y', "back\\\\slash", "\\/", "tab\\t", "\\n", "\\ud83d\\ude00"]
ESCAPED += ['\\\\\\"']  # an escaped backslash, then an escaped quote
NUMBERS = ["1", "1.10", "-0", "1e5", "1E+05", "123456789012345678901234567890", "NaN", "-Infinity"]

written_strings = st.lists(
    st.sampled_from(ESCAPED) | st.text(alphabet=st.characters(codec="utf-8"), max_size=5),
    max_size=3,
).map(lambda parts: json.dumps("".join(parts), ensure_ascii=False)[1:-1])
"""A JSON string's inside, as written: plain text and escapes mixed."""


def documents(separator: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    """JSON texts built as text, so escapes and number literals stay as written."""
    scalars = (
        written_strings.map(lambda inside: f'"{inside}"')
        | st.sampled_from(NUMBERS)
        | st.sampled_from(["true", "false", "null"])
    )

    def containers(children: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
        members = st.tuples(written_strings, separator, children).map(
            lambda member: f'"{member[0]}"{member[1]}:{member[1]}{member[2]}'
        )
        return st.lists(children, max_size=4).map(lambda items: "[" + ",".join(items) + "]") | (
            st.lists(members, max_size=4).map(lambda items: "{" + ", ".join(items) + "}")
        )

    return st.recursive(scalars, containers, max_leaves=20)


def regex_lines(text: str) -> list[str]:
    return pretty_json_lines(text)


@settings(max_examples=150, deadline=None)
@given(documents(st.sampled_from(["", " ", "\n  "])))
def test_lines_are_the_line_regex_lines_whenever_given(text):
    json.loads(text)  # what the diff hands over: text json.loads accepted
    lines = indented_lines(text)
    if lines is not None:
        assert lines == regex_lines(text)
    # With the caller's parse at hand, the same lines.
    assert indented_lines(text, parse_json_literals(text)) == lines


def test_escapes_and_number_literals_come_back_as_sent():
    text = (
        '{"a":"\\u00e9\\/\\"q\\"\\\\","b":[1.10,-0,1E+05,123456789012345678901234567890],'
        '"c":{"d":NaN,"e":[],"f":{}},"\\u0067":"g"}'
    )
    lines = indented_lines(text)
    assert lines is not None and lines == regex_lines(text)
    assert lines[1] == '  "a": "\\u00e9\\/\\"q\\"\\\\",'
    assert lines[3:6] == ["    1.10,", "    -0,", "    1E+05,"]
    assert lines[6] == "    123456789012345678901234567890"


def test_the_value_parsed_by_the_caller_is_used_when_there_is_no_escape():
    text = '{"a":[1,2.50]}'
    value = parse_json_literals(text)
    value["a"].append(parse_json_literals("3"))  # not the text's: shows which was indented
    expected = ["{", '  "a": [', "    1,", "    2.50,", "    3", "  ]", "}"]
    assert indented_lines(text, value) == expected
    assert indented_lines(text) == regex_lines(text)


@pytest.mark.parametrize(
    "text",
    [
        '{"a":1,"b":2,"a":3}',  # a key twice: the parsed object keeps one
        '{"a":{"k":1,"k":{"k":2}}}',
        "[" * (MAX_INDENT_DEPTH + 1) + "1" + "]" * (MAX_INDENT_DEPTH + 1),  # 1 a level too deep
        '{"a":"\x81"}',  # holds a character the escapes are swapped for
        '["\ud800"]',  # a lone surrogate (not an escape), which orjson refuses
    ],
)
def test_gives_up_where_orjson_would_lay_out_differently(text):
    json.loads(text)
    assert indented_lines(text) is None
    assert regex_lines(text)  # the line regex still shows it


def test_nesting_down_to_the_deepest_indent_is_still_indented_by_orjson():
    depth = MAX_INDENT_DEPTH  # the 1 is as deep as the regex indents
    text = "[" * depth + "1" + "]" * depth
    lines = indented_lines(text)
    assert lines is not None and lines == regex_lines(text)


def test_without_orjson_the_line_regex_does_it(monkeypatch):
    monkeypatch.setattr(indented_json, "_dumps", None)
    assert indented_lines('{"a":1}') is None
