"""Long runs of equal rows folded into placeholders, keeping context next to changes."""

from __future__ import annotations

from collections.abc import Sequence

from whisper_tui.core.diff.models import DiffRow, Folded


def fold(rows: Sequence[DiffRow], context: int = 3, min_run: int = 8) -> list[DiffRow | Folded]:
    """Replace long runs of equal rows by Folded placeholders, keeping `context` rows
    next to each change. A run is folded when it has at least `min_run` rows and at
    least two rows would be hidden (a one-row placeholder for one row saves nothing)."""
    out: list[DiffRow | Folded] = []
    index = 0
    total = len(rows)
    while index < total:
        if rows[index].kind != "equal":
            out.append(rows[index])
            index += 1
            continue
        end = index
        while end < total and rows[end].kind == "equal":
            end += 1
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
        index = end
    return out
