"""The diff of two captures: request line, headers and body rows, plus the change summary."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager

from whisper_tui.core.diff.bodies import comparable_body
from whisper_tui.core.diff.headers import (
    header_pairs,
    header_row_volatile,
    is_volatile_header,
    pair_changes,
    pair_header_rows,
)
from whisper_tui.core.diff.json_changes import MAX_CHANGES, MAX_JSON_DEPTH, json_change_list
from whisper_tui.core.diff.models import Change, RequestDiff
from whisper_tui.core.diff.myers import diff_lines
from whisper_tui.core.diff.rows import DiffRows, add_section, emit_rows
from whisper_tui.core.models import CapturedRequest


def _request_line(request: CapturedRequest) -> str:
    return f"{request.method} {request.target} {request.version_text}"


def diff_requests(
    older: CapturedRequest,
    newer: CapturedRequest,
    *,
    sort_keys: bool = False,
    ignore_volatile: bool = False,
    first_lines: tuple[str, str] | None = None,
    heading: str = "Request",
) -> RequestDiff:
    """Side-by-side diff of two captures, older on the left, newer on the right.

    sort_keys compares JSON bodies with object keys sorted, so reordering is no change.
    ignore_volatile leaves out headers that differ on every delivery (VOLATILE_HEADERS).
    first_lines and heading replace the request lines and their section's title (an answer's
    status line, see diff.answers). Texts are as received; the UI makes them printable.
    """
    if first_lines is None:
        first_lines = (_request_line(older), _request_line(newer))
    with _gc_paused():
        return _diff_requests(older, newer, sort_keys, ignore_volatile, first_lines, heading)


@contextmanager
def _gc_paused() -> Iterator[None]:
    """Hold off the cycle collector while a diff allocates.

    A megabyte body makes ~100,000 short-lived tracked objects (parsed JSON, regex match
    tuples, rows) and no cycles; the full collections they trigger would scan every object
    in the process and cost more than the diff itself (measured: 250 ms against 150 ms).
    Since the display lines come from orjson and equal rows are made only when read
    (DiffRows), the parsed JSON is most of them: paused, 84 ms against 94 ms of thread CPU
    for the bench's 1 MB pair in a bare process.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _diff_requests(
    older: CapturedRequest,
    newer: CapturedRequest,
    sort_keys: bool,
    ignore_volatile: bool,
    first_lines: tuple[str, str],
    heading: str,
) -> RequestDiff:
    rows = DiffRows()
    change_rows: list[int] = []
    changes: list[Change] = []
    notes: list[str] = []

    # Request line (or an answer's status line).
    add_section(rows, "request", heading, heading)
    before, after = first_lines
    emit_rows(rows, change_rows, [before], [after], diff_lines([before], [after]), "request")
    if before != after:
        changes.append(Change(f"{heading.lower()} line", "changed", before, after))

    # Headers.
    add_section(rows, "headers", "Headers", "Headers")
    left_headers = header_pairs(older, ignore_volatile)
    right_headers = header_pairs(newer, ignore_volatile)
    if ignore_volatile:
        # Headers, not lines: a retry's 4 volatile headers are 8 lines over both sides.
        every = header_pairs(older, False) + header_pairs(newer, False)
        hidden = len({name.lower() for name, _ in every if is_volatile_header(name)})
        if hidden:
            notes.append(f"{hidden} volatile header{'s' if hidden != 1 else ''} hidden")
    left_lines = [f"{name}: {value}" for name, value in left_headers]
    right_lines = [f"{name}: {value}" for name, value in right_headers]
    ops = diff_lines(left_lines, right_lines)
    emit_rows(
        rows,
        change_rows,
        left_lines,
        right_lines,
        ops,
        "headers",
        header_row_volatile,
        pair_header_rows,
    )
    changes.extend(pair_changes("header", left_headers, right_headers, volatile=is_volatile_header))

    # Body.
    body_changes_from = len(changes)
    left = comparable_body(older, sort_keys)
    right = comparable_body(newer, sort_keys)
    notes.extend(f"left: {note}" for note in left.notes)
    notes.extend(f"right: {note}" for note in right.notes)
    if left.kind != right.kind:
        notes.append(f"bodies are shown as {left.kind} (left) and {right.kind} (right)")
    add_section(rows, "body", f"Body ({left.kind})", f"Body ({right.kind})")
    ops = diff_lines(left.lines, right.lines)
    emit_rows(rows, change_rows, left.lines, right.lines, ops, "body")
    body_differs = any(tag != "equal" for tag, *_ in ops)

    if left.parsed and right.parsed:
        budget = max(MAX_CHANGES - len(changes), 1)
        found, truncated = json_change_list(left.value, right.value, "", budget, MAX_JSON_DEPTH)
        changes.extend(found)
        if truncated:
            notes.append(f"summary stops at {MAX_CHANGES} changes")
        if body_differs and not found:
            notes.append("the JSON values are equal: only key order or formatting differs")
    elif left.pairs is not None and right.pairs is not None:
        changes.extend(pair_changes("form", left.pairs, right.pairs, fold_case=False))
    elif body_differs:
        removed = sum(i2 - i1 for tag, i1, i2, _, _ in ops if tag != "equal")
        added = sum(j2 - j1 for tag, _, _, j1, j2 in ops if tag != "equal")
        changes.append(Change("body", "lines", str(removed), str(added)))

    return RequestDiff(
        rows=rows,
        changes=changes,
        change_rows=change_rows,
        identical=not change_rows,
        left_kind=left.kind,
        right_kind=right.kind,
        notes=notes,
        body_changes_from=body_changes_from,
        body_differs=body_differs,
    )
