"""JSON re-indented for display: as json.dumps for ordinary documents, the walker for any text."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from whisper_tui.core.contentviews.json_lines import (
    BATCH,
    _walk,
    json_line_batches,
    pretty_json_lines,
    reindent_json,
)
from whisper_tui.core.contentviews.lines import split_long


def test_reindent_matches_json_dumps_for_ordinary_documents():
    document = {"a": [1, 2, {"b": None, "c": [True, False]}], "d": 'x"y', "e": {"f": {"g": 1}}}
    text = json.dumps(document, separators=(",", ":"))
    assert list(reindent_json(text)) == json.dumps(document, indent=2).split("\n")


json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(10**20), 10**20)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(alphabet=st.characters(codec="utf-8"), max_size=8)
    | st.sampled_from(['a,b:{c}[d]"e', "\\", "x\ny", "", " "]),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=5), children, max_size=4)
    ),
    max_leaves=25,
)


@settings(max_examples=300)
@given(
    json_values,
    st.sampled_from([None, 0, 2, "\t"]),
    st.sampled_from([(",", ":"), (", ", ": "), (" , ", " : ")]),
    st.booleans(),
)
def test_pretty_json_lines_equals_content_reindent(value, indent, separators, ascii_only):
    text = json.dumps(value, indent=indent, separators=separators, ensure_ascii=ascii_only)
    assert pretty_json_lines(text) == list(split_long(reindent_json(text)))


def test_pretty_json_lines_splits_long_lines_like_content():
    text = json.dumps({"a": "x" * 9000, "b": [{}, [], {"c": []}]})
    assert pretty_json_lines(text) == list(split_long(reindent_json(text)))
    spaced = '{ "a" : { } , "b" : [ ] , "c" : [ 1 , { } ] }'
    assert pretty_json_lines(spaced) == list(split_long(reindent_json(spaced)))


# -- the line regex agrees with the token walker on any text ----------------------------

_STRUCTURE = ["{", "}", "[", "]", ",", ":", "{}", "[ ]", '"k": ']
_TOKENS = ['"', '"a"', '"b\\"c"', '"\\\n"', "\\", "1", "true", "x"]
_SPACE = [" ", "\n", "\t", "\r", "\u00a0", "\u3000"]
_SOUP = st.sampled_from(_STRUCTURE + _TOKENS + _SPACE)


def walked(text: str) -> list[str]:
    """The token walker alone, from the first character: what reindent_json must equal."""
    return list(_walk(text, 0, 0))


@settings(max_examples=1000)
@given(st.lists(_SOUP, max_size=30))
def test_reindent_equals_the_token_walker_on_any_text(pieces):
    text = "".join(pieces)
    assert list(reindent_json(text)) == walked(text)


@pytest.mark.parametrize(
    "text",
    [
        '{"a" "b"}',  # two strings on one line: the walker joins them
        '}"k": }',  # a key before a closing bracket
        '[{"}',  # an unterminated quote between brackets
        "]]" + "[1," * 3 + "]",  # closing below depth zero
        "[" * 60 + "1" + "]" * 60,  # deeper than the indent cap
        '{"a": 1,, "b": 2}',
        '{"a": [1, 2] "b"}',
    ],
)
def test_malformed_json_falls_back_to_the_walker_where_lines_stop(text):
    assert list(reindent_json(text)) == walked(text)


def test_lines_come_in_batches_so_the_first_screen_costs_one_batch():
    text = json.dumps(list(range(5000)))
    batches = json_line_batches(text)
    assert len(next(batches)) == BATCH
    assert sum(map(len, batches)) == 5002 - BATCH
