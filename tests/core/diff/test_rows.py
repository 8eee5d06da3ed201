"""Display rows from opcodes: equal rows side by side, replaced rows paired, runs marked."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from whisper_tui.core.diff.models import DiffRow
from whisper_tui.core.diff.myers import diff_lines
from whisper_tui.core.diff.rows import DiffRows, EqualRun, add_section, emit_rows


def test_replaced_rows_pair_one_to_one_and_the_rest_are_deleted_or_inserted():
    left, right = ["a", "b", "c", "d"], ["a", "B", "C", "x", "d"]
    rows = DiffRows()
    starts: list[int] = []
    add_section(rows, "body", "Body", "Body")
    emit_rows(rows, starts, left, right, diff_lines(left, right), "body")
    assert [(r.kind, r.left, r.right, r.left_number, r.right_number) for r in rows[1:]] == [
        ("equal", "a", "a", 1, 1),
        ("changed", "b", "B", 2, 2),
        ("changed", "c", "C", 3, 3),
        ("inserted", None, "x", None, 4),
        ("equal", "d", "d", 4, 5),
    ]
    assert rows[0] == DiffRow("section", "Body", "Body", section="body")
    # One run of changes, starting at its first row.
    assert starts == [2]
    # Rows built with tuple.__new__ still equal ones built with DiffRow(...).
    assert rows[1] == DiffRow("equal", "a", "a", 1, 1, "body")


def test_volatile_rows_are_flagged_by_the_callback():
    rows = DiffRows()
    left, right = ["Date: 1", "Host: a"], ["Date: 2", "Host: a"]
    emit_rows(
        rows, [], left, right, diff_lines(left, right), "headers", lambda a, b: "Date" in (a or b)
    )
    assert [(r.kind, r.volatile) for r in rows] == [("changed", True), ("equal", False)]


@settings(max_examples=150, deadline=None)
@given(
    st.lists(st.sampled_from("abcde"), max_size=30),
    st.lists(st.sampled_from("abcdf"), max_size=30),
)
def test_each_side_read_down_is_its_lines_numbered_in_order(left, right):
    rows = DiffRows()
    emit_rows(rows, [], left, right, diff_lines(left, right), "body")
    assert all(type(row) is DiffRow and row.section == "body" for row in rows)
    assert [row.left for row in rows if row.left is not None] == left
    assert [row.right for row in rows if row.right is not None] == right
    left_numbers = [row.left_number for row in rows if row.left is not None]
    right_numbers = [row.right_number for row in rows if row.right is not None]
    assert left_numbers == list(range(1, len(left) + 1))
    assert right_numbers == list(range(1, len(right) + 1))
    assert all(row.left == row.right for row in rows if row.kind == "equal")
    assert all((row.left is None) == (row.left_number is None) for row in rows)
    assert all((row.right is None) == (row.right_number is None) for row in rows)


@settings(max_examples=100, deadline=None)
@given(
    st.lists(st.sampled_from("abcd"), max_size=40),
    st.lists(st.sampled_from("abce"), max_size=40),
    st.data(),
)
def test_diff_rows_read_like_the_list_of_their_rows(left, right, data):
    rows = DiffRows()
    add_section(rows, "body", "Body", "Body")
    emit_rows(rows, [], left, right, diff_lines(left, right), "body")
    add_section(rows, "end", "End", "End")
    listed = list(rows)
    count = len(listed)
    assert len(rows) == count
    assert [rows[index] for index in range(-count, count)] == listed + listed
    start = data.draw(st.integers(-count - 2, count + 2))
    stop = data.draw(st.integers(-count - 2, count + 2))
    step = data.draw(st.sampled_from([None, 1, 2, -1]))
    assert rows[start:stop:step] == listed[start:stop:step]
    with pytest.raises(IndexError):
        rows[count]
    runs = [(start, end) for start, end in rows.equal_runs()]
    equal = [index for index, row in enumerate(listed) if row.kind == "equal"]
    assert [index for start, end in runs for index in range(start, end)] == equal
    # Each run is as long as it goes: the rows either side are not equal ones.
    assert all(
        listed[start - 1].kind != "equal" and listed[end].kind != "equal" for start, end in runs
    )


def test_equal_runs_are_kept_as_runs_until_read():
    left = [str(number) for number in range(1000)]
    rows = DiffRows()
    emit_rows(rows, [], left, list(left), diff_lines(left, left), "body")
    assert len(rows) == 1000 and rows._pieces and isinstance(rows._pieces[0], EqualRun)
    assert rows[999] == DiffRow("equal", "999", "999", 1000, 1000, "body")
    assert list(rows.equal_runs()) == [(0, 1000)]
    # Equal rows next to each other make one run, however they were added.
    rows.append(DiffRow("equal", "x", "x", 1001, 1001, "body"))
    rows.add_equal(left, left, 0, 5, 0, "body")
    assert list(rows.equal_runs()) == [(0, 1006)]
