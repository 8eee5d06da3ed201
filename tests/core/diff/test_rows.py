"""Display rows from opcodes: equal rows side by side, replaced rows paired, runs marked."""

from __future__ import annotations

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
    # Rows built without the dataclass __init__ still equal ones built with it.
    assert rows[1] == DiffRow("equal", "a", "a", 1, 1, "body")


def test_volatile_rows_are_flagged_by_the_callback():
    rows: list[DiffRow] = []
    left, right = ["Date: 1", "Host: a"], ["Date: 2", "Host: a"]
    emit_rows(
        rows, [], left, right, diff_lines(left, right), "headers", lambda a, b: "Date" in (a or b)
    )
    assert [(r.kind, r.volatile) for r in rows] == [("changed", True), ("equal", False)]
