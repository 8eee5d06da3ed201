"""Character emphasis in a changed row pair: words whole, barely changed words narrowed."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import given
from hypothesis import strategies as st

from whisper_tui.core.diff import (
    inline_changes,
)


def spans_text(text: str, spans: list[tuple[int, int]]) -> list[str]:
    return [text[start:end] for start, end in spans]


@pytest.mark.parametrize(
    ("left", "right", "left_parts", "right_parts"),
    [
        ('"status": "pending",', '"status": "paid",', ["pending"], ["paid"]),
        ('"id": "evt_1001",', '"id": "evt_1002",', ["1"], ["2"]),
        ('"created": 1700000000,', '"created": 1700000123,', ["000"], ["123"]),
        ('"a": 1', '"a": 1,', [], [","]),
        ("X-Foo: a", "X-Foo: a b", [], [" b"]),
        ("same", "same", [], []),
        ("alpha beta gamma", "alpha delta gamma", ["beta"], ["delta"]),
    ],
)
def test_inline_changes(left, right, left_parts, right_parts):
    left_spans, right_spans = inline_changes(left, right)
    assert spans_text(left, left_spans) == left_parts
    assert spans_text(right, right_spans) == right_parts


def test_inline_changes_on_very_long_lines_marks_the_differing_middle():
    left = "x" * 5000 + "a" * 3000 + "y" * 10
    right = "x" * 5000 + "b" * 3000 + "y" * 10
    assert inline_changes(left, right) == ([(5000, 8000)], [(5000, 8000)])
    blob_left = "sig=" + "A" * 100 + "x" + "B" * 100
    blob_right = "sig=" + "A" * 100 + "y" + "B" * 100
    assert inline_changes(blob_left, blob_right) == ([(104, 105)], [(104, 105)])


@given(st.text(max_size=40), st.text(max_size=40))
def test_inline_changes_spans_are_ordered_and_cover_every_difference(left, right):
    left_spans, right_spans = inline_changes(left, right)
    for spans, text in ((left_spans, left), (right_spans, right)):
        for (_, end), (start, _) in itertools.pairwise(spans):
            assert end < start
        assert all(0 <= s < e <= len(text) for s, e in spans)

    # What is outside the spans is common text, in order, on both sides.
    def outside(text, spans):
        kept, last = [], 0
        for s, e in spans:
            kept.append(text[last:s])
            last = e
        kept.append(text[last:])
        return "".join(kept)

    assert outside(left, left_spans) == outside(right, right_spans)
