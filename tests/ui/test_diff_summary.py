"""The diff summary: a change too long for its width keeps both values in sight."""

from __future__ import annotations

import pytest
from rich.cells import cell_len

from tests.core.diff.helpers import capture
from whisper_tui.core.diff import Change, diff_requests
from whisper_tui.core.models import CapturedRequest
from whisper_tui.ui.diff_summary import change_lines, elide_around, request_summary

OLD_SIGNATURE = '"t=1714265330,v1=6c53645ddbab28a3d8edb63f3a90bf96af64bebcf734783a2fe04afc42bedddf"'
NEW_SIGNATURE = '"t=1614265330,v1=00cd8805b6dfb4317048892c492f8ff769e2075ec20013c6ed546e639a4e20ba"'


def test_a_long_header_change_is_its_path_then_old_and_new_each_on_a_line_that_fits():
    change = Change("header Stripe-Signature", "changed", OLD_SIGNATURE, NEW_SIGNATURE, True)
    lines = change_lines(change, 60)
    assert lines[0] == "header Stripe-Signature:"
    assert lines[1].startswith('  - "t=1714265330,v1=6c53') and lines[1].endswith('bedddf"')
    assert lines[2].startswith('  + "t=1614265330,v1=00cd') and lines[2].endswith('4e20ba"')
    assert all(cell_len(line) <= 60 for line in lines)
    assert "…" in lines[1] and "…" in lines[2]


def test_a_change_that_fits_stays_on_one_line():
    change = Change("data.object.status", "changed", '"pending"', '"paid"')
    assert change_lines(change, 60) == ['data.object.status: "pending" -> "paid"']


def test_a_difference_deep_in_a_long_value_is_what_is_kept():
    shared = "x" * 100
    value = f'"{shared}OLD-PART and some more text after it"'
    short = elide_around(value, 101, 30)
    assert cell_len(short) <= 30
    assert short.startswith('"xxx') and "…xxxxxxxxOLD" in short


def test_wide_characters_are_measured_in_cells():
    value = '"' + "山" * 40 + '"'
    assert cell_len(elide_around(value, 5, 21)) <= 21


def first_summary_line(
    older: CapturedRequest, newer: CapturedRequest, *, ignore_volatile: bool = False
) -> str:
    diff = diff_requests(older, newer, ignore_volatile=ignore_volatile)
    summary = request_summary(diff, 80, [], older.body == newer.body, len(newer.body))
    return summary.plain.splitlines()[0]


SIGNED_1 = [("X-A", "1"), ("X-B", "2"), ("Webhook-Signature", "v1,one")]
SIGNED_2 = [("X-A", "1"), ("X-B", "2"), ("Webhook-Signature", "v1,two")]


@pytest.mark.parametrize(
    ("headers", "expected"),
    [
        # Reordered headers and a name's case make no change entry; `v` hides neither.
        ([("X-B", "2"), ("X-A", "1"), *SIGNED_1[2:]], "body identical (7 B); headers reordered"),
        (
            [("x-a", "1"), ("X-B", "2"), *SIGNED_1[2:]],
            "body identical (7 B); header names' case differs",
        ),
        (
            [("X-B", "2"), ("x-a", "1"), *SIGNED_1[2:]],
            "body identical (7 B); header names' case differs; headers reordered",
        ),
        # The same with a volatile change too: still not identical but for volatile headers.
        ([("X-B", "2"), ("X-A", "1"), *SIGNED_2[2:]], "body identical (7 B); headers reordered"),
        (SIGNED_2, "identical but for volatile headers (v hides them): same body (7 B)"),
    ],
)
def test_headers_reordered_or_in_another_case_are_not_volatile_differences(headers, expected):
    older = capture(b'{"a":1}', headers=SIGNED_1, request_id=1)
    newer = capture(b'{"a":1}', headers=headers, request_id=2)
    assert first_summary_line(older, newer) == expected


def test_with_v_headers_reordered_are_still_said():
    older = capture(b'{"a":1}', headers=SIGNED_1, request_id=1)
    newer = capture(b'{"a":1}', headers=[("X-B", "2"), ("X-A", "1")], request_id=2)
    line = first_summary_line(older, newer, ignore_volatile=True)
    assert line == "body identical (7 B); headers reordered"


@pytest.mark.parametrize("newer_body", [b'{"a": 1}', b'{"a":1}\r\n'])
def test_identical_once_normalized_says_the_bytes_differ(newer_body):
    older = capture(b'{"a":1}', request_id=1)
    newer = capture(newer_body, request_id=2)
    line = first_summary_line(older, newer)
    assert line == "identical but for the body's formatting: the bytes differ"


def test_the_same_bytes_are_identical():
    older = capture(b'{"a":1}', headers=SIGNED_1, request_id=1)
    newer = capture(b'{"a":1}', headers=SIGNED_1, request_id=2)
    line = first_summary_line(older, newer)
    assert line == "identical: request line, headers and body are the same"


def test_headers_reordered_are_said_after_a_body_change_too():
    older = capture(b'{"a":1,"b":1}', headers=SIGNED_1, request_id=1)
    newer = capture(b'{"a":2,"b":2}', headers=[("X-B", "2"), ("X-A", "1")], request_id=2)
    diff = diff_requests(older, newer, ignore_volatile=True)
    lines = request_summary(diff, 80, [], False, len(newer.body)).plain.splitlines()
    assert lines == [
        "body (2 changes, first): a: 1 -> 2",
        "headers reordered",
        "b: 1 -> 2",
        "1 volatile header hidden",
    ]
