"""Long runs of equal rows folded into placeholders, keeping context next to changes."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from whisper_tui.core.diff.models import DiffRow, Folded
from whisper_tui.core.diff.rows import DiffRows


def fold(rows: Sequence[DiffRow], context: int = 3, min_run: int = 8) -> list[DiffRow | Folded]:
    """Replace long runs of equal rows by Folded placeholders, keeping `context` rows
    next to each change. A run is folded when it has at least `min_run` rows and at
    least two rows would be hidden (a one-row placeholder for one row saves nothing).

    Only the rows shown are read: a folded run of DiffRows is never made into rows."""
    out: list[DiffRow | Folded] = []
    total = len(rows)
    done = 0
    runs = rows.equal_runs() if isinstance(rows, DiffRows) else _equal_runs(rows)
    for index, end in runs:
        out.extend(rows[done:index])
        # Context only matters next to a change, not next to a section title or the edges.
        lead = context if index > 0 and rows[index - 1].kind != "section" else 0
        trail = context if end < total and rows[end].kind != "section" else 0
        hide_start, hide_end = index + lead, end - trail
        if end - index >= min_run and hide_end - hide_start >= 2:
            out.extend(rows[index:hide_start])
            out.append(Folded(hide_start, hide_end))
            out.extend(rows[hide_end:end])
        else:
            out.extend(rows[index:end])
        done = end
    out.extend(rows[done:total])
    return out


def _equal_runs(rows: Sequence[DiffRow]) -> Iterator[tuple[int, int]]:
    """(start, end) of each longest run of equal rows, in order."""
    open_at = -1
    for index, row in enumerate(rows):
        if row.kind == "equal":
            if open_at < 0:
                open_at = index
        elif open_at >= 0:
            yield open_at, index
            open_at = -1
    if open_at >= 0:
        yield open_at, len(rows)
