"""The structural JSON summary: paths, literals, caps."""

from __future__ import annotations

import pytest

from tests.core.diff.helpers import body_rows, capture
from whisper_tui.core.diff import (
    diff_requests,
    json_changes,
)
from whisper_tui.core.diff.json_changes import parse_json_literals, sorted_json


def test_json_changes_on_a_deep_structure_stops_at_the_depth_cap():
    before: dict = {}
    after: dict = {}
    for root in (before, after):
        node = root
        for _ in range(100_000):
            node["k"] = {}
            node = node["k"]
        node["leaf"] = root is after
    changes = json_changes(before, after)
    assert len(changes) == 1
    assert changes[0].path.count(".") == 255 and changes[0].before == "{...}"


def test_json_paths_quote_odd_keys():
    changes = json_changes({"a b": {"x.y": 1}}, {"a b": {"x.y": 2}}, "data")
    assert [c.text() for c in changes] == ['data["a b"]["x.y"]: 1 -> 2']
    assert [c.text() for c in json_changes(1, 2)] == ["body: 1 -> 2"]


# A JSON string spelling a marked number: the number 5's marks around "5".
MARKED_FIVE = '"\\u0000\\u001e5\\u001e\\u0000"'


@pytest.mark.parametrize(
    ("before", "after", "expected"),
    [
        (
            '{"amount":5}',
            '{"amount":' + MARKED_FIVE + "}",
            ['amount: 5 -> "\\u0000\\u001e5\\u001e\\u0000"'],
        ),
        # Arrays of different length are aligned on their elements' texts first.
        (
            "[1,5]",
            "[" + MARKED_FIVE + "]",
            ["body: length 2 -> 1", "- [0]: 1", '[0]: 5 -> "\\u0000\\u001e5\\u001e\\u0000"'],
        ),
        (
            "[5,1]",
            "[" + MARKED_FIVE + "]",
            [
                "body: length 2 -> 1",
                '[0]: 5 -> "\\u0000\\u001e5\\u001e\\u0000"',
                "- [1]: 1",
            ],
        ),
    ],
)
def test_a_string_spelling_a_number_s_marks_is_not_the_number(before, after, expected):
    changes = json_changes(parse_json_literals(before), parse_json_literals(after))
    assert [change.text() for change in changes] == expected


@pytest.mark.parametrize("sort_keys", [False, True])
def test_a_string_spelling_a_number_s_marks_differs_in_the_diff(sort_keys):
    older = capture('{"b":1,"amount":5}', request_id=1)
    newer = capture('{"amount":' + MARKED_FIVE + ',"b":1}', request_id=2)
    diff = diff_requests(older, newer, sort_keys=sort_keys)
    assert not diff.identical and diff.body_differs
    shown = [row.right for row in body_rows(diff) if row.right and "amount" in row.right]
    assert shown == ['  "amount": ' + MARKED_FIVE + ","]  # quoted: a string
    assert [change.text() for change in diff.changes] == [
        'amount: 5 -> "\\u0000\\u001e5\\u001e\\u0000"'
    ]


def test_sorted_keys_write_numbers_as_sent_and_strings_with_marks_quoted():
    value = parse_json_literals('{"z":1.10,"a":[-0,1e3,"\\u0000\\u001ex\\u001e\\u0000"]}')
    expected = '{"a":[-0,1e3,"\\u0000\\u001ex\\u001e\\u0000"],"z":1.10}'
    assert sorted_json(value, '"\\u0000"') == expected
