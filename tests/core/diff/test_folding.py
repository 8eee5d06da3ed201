"""Folding long equal runs, keeping context next to changes."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from tests.core.diff.helpers import capture, event
from whisper_tui.core.diff import (
    DiffRow,
    Folded,
    diff_requests,
    fold,
)
from whisper_tui.core.diff.myers import diff_lines
from whisper_tui.core.diff.rows import DiffRows, add_section, emit_rows


def make_rows(kinds: str) -> list[DiffRow]:
    names = {"=": "equal", "~": "changed", "-": "deleted", "+": "inserted", "#": "section"}
    return [DiffRow(names[k], str(i), str(i), i, i) for i, k in enumerate(kinds)]


def expand(folded: list, rows: list[DiffRow]) -> list[DiffRow]:
    out = []
    for item in folded:
        out.extend(rows[item.start : item.end] if isinstance(item, Folded) else [item])
    return out


def test_fold_keeps_context_around_changes():
    rows = make_rows("#" + "=" * 20 + "~" + "=" * 20 + "+" + "=" * 5 + "#" + "=" * 9)
    folded = fold(rows, context=3, min_run=8)
    placeholders = [item for item in folded if isinstance(item, Folded)]
    # Leading run: no change before it, so everything but the 3 rows before the change.
    # Middle run: 3 rows after, 3 before. Short run of 5: kept. Last run: all folded.
    assert [(f.start, f.end) for f in placeholders] == [(1, 18), (25, 39), (49, 58)]
    assert placeholders[0].count == 17
    assert expand(folded, rows) == rows


def test_fold_leaves_short_runs_and_changes_alone():
    rows = make_rows("=" * 7 + "~" + "=" * 8 + "-")
    folded = fold(rows, context=3, min_run=8)
    assert [(f.start, f.end) for f in folded if isinstance(f, Folded)] == [(11, 13)]
    assert expand(folded, rows) == rows
    assert fold(rows, context=10, min_run=8) == rows


def test_fold_on_a_real_diff_round_trips():
    result = diff_requests(capture(event("a")), capture(event("b")))
    rows = list(result.rows)
    folded = fold(result.rows, context=1, min_run=4)
    assert any(isinstance(item, Folded) for item in folded)
    assert expand(folded, rows) == rows


@settings(max_examples=100, deadline=None)
@given(st.lists(st.sampled_from("ab"), max_size=60), st.lists(st.sampled_from("abc"), max_size=60))
def test_fold_of_diff_rows_is_the_fold_of_their_list(left, right):
    rows = DiffRows()
    add_section(rows, "body", "Body", "Body")
    emit_rows(rows, [], left, right, diff_lines(left, right), "body")
    assert fold(rows, context=2, min_run=4) == fold(list(rows), context=2, min_run=4)
