"""Display rows from opcodes: equal rows side by side, replaced rows paired, runs marked."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from whisper_tui.core.diff.models import DiffRow
from whisper_tui.core.diff.myers import diff_lines
from whisper_tui.core.diff.rows import add_section, emit_rows


def test_replaced_rows_pair_one_to_one_and_the_rest_are_deleted_or_inserted():
    left, right = ["a", "b", "c", "d"], ["a", "B", "C", "x", "d"]
    rows: list[DiffRow] = []
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
    rows: list[DiffRow] = []
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
    rows: list[DiffRow] = []
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
