"""Display rows from opcodes: equal rows side by side, replaced rows paired one to one; a
diff's rows kept with its equal runs made only when read (DiffRows)."""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Callable, Iterator, Sequence
from itertools import repeat
from typing import overload

from whisper_tui.core.diff.models import DiffRow, Opcode

_new = tuple.__new__
"""_new(DiffRow, fields) builds a row in C (DiffRow(...) runs a Python-level __new__)."""


class EqualRun:
    """Rows left[i1:i1 + count] == right[j1:j1 + count], as where they lie, not as rows."""

    __slots__ = ("count", "i1", "j1", "left", "right", "section")

    def __init__(
        self, left: list[str], right: list[str], i1: int, j1: int, count: int, section: str
    ) -> None:
        self.left, self.right, self.i1, self.j1 = left, right, i1, j1
        self.count, self.section = count, section

    def __len__(self) -> int:
        return self.count

    def rows(self, start: int, stop: int) -> list[DiffRow]:
        """Rows start to stop of the run, made without a Python loop."""
        i1, i2 = self.i1 + start, self.i1 + stop
        j1, j2 = self.j1 + start, self.j1 + stop
        fields = zip(
            repeat("equal"),
            self.left[i1:i2],
            self.right[j1:j2],
            range(i1 + 1, i2 + 1),
            range(j1 + 1, j2 + 1),
            repeat(self.section),
            repeat(False),
        )
        return list(map(_new, repeat(DiffRow), fields))


class DiffRows(Sequence[DiffRow]):
    """A diff's rows in order, read like a list (an index, a slice, iteration).

    A run of equal lines stays an EqualRun until read: of a megabyte body's tens of
    thousands of equal rows the screen shows a few next to each change (folding hides the
    rest until asked), so making them all cost more than the rest of the row work, and the
    collector then walked every one of them.
    """

    __slots__ = ("_length", "_pieces", "_starts")

    def __init__(self) -> None:
        self._pieces: list[list[DiffRow] | EqualRun] = []
        self._starts: list[int] = []
        """The index of each piece's first row."""
        self._length = 0

    def append(self, row: DiffRow) -> None:
        pieces = self._pieces
        last = pieces[-1] if pieces else None
        if not isinstance(last, list):
            last = []
            pieces.append(last)
            self._starts.append(self._length)
        last.append(row)
        self._length += 1

    def add_equal(
        self, left: list[str], right: list[str], i1: int, i2: int, j1: int, section: str
    ) -> None:
        """Append the rows of the equal run left[i1:i2] == right[j1:...]."""
        if i2 > i1:
            self._pieces.append(EqualRun(left, right, i1, j1, i2 - i1, section))
            self._starts.append(self._length)
            self._length += i2 - i1

    def equal_runs(self) -> Iterator[tuple[int, int]]:
        """(start, end) of each longest run of equal rows, in order."""
        open_at = -1
        for piece, base in zip(self._pieces, self._starts, strict=True):
            if isinstance(piece, EqualRun):
                if open_at < 0:
                    open_at = base
                continue
            for offset, row in enumerate(piece):
                if row.kind == "equal":
                    if open_at < 0:
                        open_at = base + offset
                elif open_at >= 0:
                    yield open_at, base + offset
                    open_at = -1
        if open_at >= 0:
            yield open_at, self._length

    def __len__(self) -> int:
        return self._length

    @overload
    def __getitem__(self, index: int) -> DiffRow: ...

    @overload
    def __getitem__(self, index: slice) -> list[DiffRow]: ...

    def __getitem__(self, index: int | slice) -> DiffRow | list[DiffRow]:
        if isinstance(index, slice):
            start, stop, step = index.indices(self._length)
            if step != 1:
                return self._rows(0, self._length)[index]
            return self._rows(start, stop)
        if index < 0:
            index += self._length
        if not 0 <= index < self._length:
            raise IndexError("diff row index out of range")
        rows = self._rows(index, index + 1)
        return rows[0]

    def __iter__(self) -> Iterator[DiffRow]:
        for piece in self._pieces:
            yield from piece.rows(0, len(piece)) if isinstance(piece, EqualRun) else piece

    def _rows(self, start: int, stop: int) -> list[DiffRow]:
        """Rows start to stop (within bounds) as a list, equal runs made for the part read."""
        out: list[DiffRow] = []
        if start >= stop:
            return out
        starts, pieces = self._starts, self._pieces
        at = bisect_right(starts, start) - 1
        while at < len(pieces) and starts[at] < stop:
            piece, base = pieces[at], starts[at]
            low, high = max(start - base, 0), min(stop - base, len(piece))
            out += piece.rows(low, high) if isinstance(piece, EqualRun) else piece[low:high]
            at += 1
        return out


def emit_rows(
    rows: DiffRows,
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
                rows.add_equal(left, right, i1, i2, j1, section)
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


def add_section(rows: DiffRows, name: str, left: str, right: str) -> None:
    """Append a section title row ('Request', 'Headers', 'Body (json)')."""
    rows.append(DiffRow("section", left, right, section=name))
