"""Display rows from opcodes: equal rows side by side, replaced rows paired one to one."""

from __future__ import annotations

from collections.abc import Callable

from whisper_tui.core.diff.models import DiffRow, Opcode

_new = object.__new__
(
    _set_kind,
    _set_left,
    _set_right,
    _set_left_number,
    _set_right_number,
    _set_section,
    _set_volatile,
) = (DiffRow.__dict__[name].__set__ for name in DiffRow.__slots__)


def _row(
    kind: str,
    left: str | None,
    right: str | None,
    left_number: int | None,
    right_number: int | None,
    section: str,
    volatile: bool,
) -> DiffRow:
    """DiffRow(...) without the frozen-dataclass __init__, which goes through
    object.__setattr__ per field: filling the slots directly builds the tens of thousands
    of rows of a megabyte body in well under half the time."""
    row = _new(DiffRow)
    _set_kind(row, kind)
    _set_left(row, left)
    _set_right(row, right)
    _set_left_number(row, left_number)
    _set_right_number(row, right_number)
    _set_section(row, section)
    _set_volatile(row, volatile)
    return row


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
                shift = j1 - i1
                rows.extend(
                    [
                        _row(
                            "equal", left[i], right[i + shift], i + 1, i + shift + 1, section, False
                        )
                        for i in range(i1, i2)
                    ]
                )
                continue
            for i, j in zip(range(i1, i2), range(j1, j2), strict=True):
                text = left[i]
                append(_row("equal", text, right[j], i + 1, j + 1, section, volatile(text, text)))
            continue
        if not rows or rows[-1].kind in ("equal", "section"):
            starts.append(len(rows))
        paired = min(i2 - i1, j2 - j1) if tag == "replace" else 0
        for offset in range(paired):
            i, j = i1 + offset, j1 + offset
            flag = volatile(left[i], right[j]) if volatile else False
            append(_row("changed", left[i], right[j], i + 1, j + 1, section, flag))
        for i in range(i1 + paired, i2):
            flag = volatile(left[i], None) if volatile else False
            append(_row("deleted", left[i], None, i + 1, None, section, flag))
        for j in range(j1 + paired, j2):
            flag = volatile(None, right[j]) if volatile else False
            append(_row("inserted", None, right[j], None, j + 1, section, flag))


def add_section(rows: list[DiffRow], name: str, left: str, right: str) -> None:
    """Append a section title row ('Request', 'Headers', 'Body (json)')."""
    rows.append(DiffRow("section", left, right, section=name))
