"""Display rows from opcodes: equal rows side by side, replaced rows paired one to one."""

from __future__ import annotations

from collections.abc import Callable
from itertools import repeat

from whisper_tui.core.diff.models import DiffRow, Opcode

_new = tuple.__new__
"""_new(DiffRow, fields) builds a row in C (DiffRow(...) runs a Python-level __new__)."""


def _equal_rows(
    left: list[str], right: list[str], i1: int, i2: int, j1: int, section: str
) -> map[DiffRow]:
    """Rows for the equal run left[i1:i2] == right[j1:...], made without a Python loop."""
    j2 = j1 + i2 - i1
    fields = zip(
        repeat("equal"),
        left[i1:i2],
        right[j1:j2],
        range(i1 + 1, i2 + 1),
        range(j1 + 1, j2 + 1),
        repeat(section),
        repeat(False),
    )
    return map(_new, repeat(DiffRow), fields)


def emit_rows(
    rows: list[DiffRow],
    starts: list[int],
    left: list[str],
    right: list[str],
    ops: list[Opcode],
    section: str,
    volatile: Callable[[str | None, str | None], bool] | None = None,
    pair: Callable[[list[str], list[str]], list[Opcode]] | None = None,
) -> None:
    """Append rows for opcodes: equal rows side by side, replaced rows paired one to one.
    The index of each row that starts a run of changes goes to `starts`."""
    append = rows.append
    for tag, i1, i2, j1, j2 in ops:
        if tag == "replace" and pair is not None:
            # Re-align the block on a coarser key (header names) before pairing rows.
            sub = pair(left[i1:i2], right[j1:j2])
            shifted = [(t, a1 + i1, a2 + i1, b1 + j1, b2 + j1) for t, a1, a2, b1, b2 in sub]
            emit_rows(rows, starts, left, right, shifted, section, volatile, None)
            continue
        if tag == "equal":
            if volatile is None:
                rows.extend(_equal_rows(left, right, i1, i2, j1, section))
                continue
            for i, j in zip(range(i1, i2), range(j1, j2), strict=True):
                text = left[i]
                fields = ("equal", text, right[j], i + 1, j + 1, section, volatile(text, text))
                append(_new(DiffRow, fields))
            continue
        if not rows or rows[-1].kind in ("equal", "section"):
            starts.append(len(rows))
        paired = min(i2 - i1, j2 - j1) if tag == "replace" else 0
        for offset in range(paired):
            i, j = i1 + offset, j1 + offset
            flag = volatile(left[i], right[j]) if volatile else False
            append(_new(DiffRow, ("changed", left[i], right[j], i + 1, j + 1, section, flag)))
        for i in range(i1 + paired, i2):
            flag = volatile(left[i], None) if volatile else False
            append(_new(DiffRow, ("deleted", left[i], None, i + 1, None, section, flag)))
        for j in range(j1 + paired, j2):
            flag = volatile(None, right[j]) if volatile else False
            append(_new(DiffRow, ("inserted", None, right[j], None, j + 1, section, flag)))


def add_section(rows: list[DiffRow], name: str, left: str, right: str) -> None:
    """Append a section title row ('Request', 'Headers', 'Body (json)')."""
    rows.append(DiffRow("section", left, right, section=name))
