"""json_spans.splice: one value's characters replaced, every other byte of the text kept."""

from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from whisper_tui.core.json_spans import splice

PRETTY = '{\n  "id": "evt_1",\n  "data": {\n    "items": [1, {"a": "x\\"y"}],\n    "n": 2\n  }\n}\n'


def test_a_nested_value_is_replaced_in_place():
    assert splice(PRETTY, ["data", "n"], 4200) == PRETTY.replace('"n": 2', '"n": 4200')
    assert splice(PRETTY, ["data", "items", "1", "a"], "z") == PRETTY.replace('"x\\"y"', '"z"')


def test_a_new_key_goes_last_in_its_object_spaced_as_its_members():
    added = splice(PRETTY, ["data", "new"], True)
    assert added == PRETTY.replace('"n": 2\n', '"n": 2,\n    "new": true\n')
    assert splice('{"a":1}', ["b"], 2) == '{"a":1,"b":2}'


def test_a_key_written_twice_has_its_last_value_replaced_as_parsers_keep_it():
    assert splice('{"a": 1, "a": 2}', ["a"], 3) == '{"a": 1, "a": 3}'


@pytest.mark.parametrize(
    ("text", "path"),
    [
        ("{}", ["x"]),
        ("[1, 2]", ["5"]),
        ('"s"', ["a"]),
        ('{"a": [1', ["a", "0"]),
        ("\ufeff{}", ["a"]),
    ],
)
def test_what_it_cannot_place_is_none_for_the_caller_to_re_serialize(text, path):
    assert splice(text, path, 1) is None


documents = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=5),
    lambda inner: st.dictionaries(st.text(max_size=4), inner, min_size=1, max_size=3),
    max_leaves=8,
)


@given(documents.filter(lambda d: isinstance(d, dict)), st.integers(), st.sampled_from([None, 2]))
def test_any_top_level_key_replaced_reads_back_as_the_edited_document(document, value, indent):
    text = json.dumps(document, indent=indent)
    key = sorted(document)[0]
    edited = splice(text, [key], value)
    assert edited is not None
    assert json.loads(edited) == {**document, key: value}
    # Only the value's characters changed: what precedes it is the same text.
    assert edited.startswith(text[: text.index(json.dumps(key)) + len(json.dumps(key))])


def test_a_lone_surrogate_is_written_as_the_escape_json_allows_not_as_a_character():
    # UTF-8 can't carry U+D800 itself: the text would not encode for sending.
    assert splice('{"a": 1}', ["a"], "\ud800é") == '{"a": "\\ud800\\u00e9"}'
    assert splice('{"a": 1}', ["\udc80"], 2) == '{"a": 1,"\\udc80": 2}'
