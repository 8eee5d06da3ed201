"""Where the detail's body lines fall on screen: their widths (the horizontal extent) and,
with wrap on, the first screen row of each line.

Both are learnt a slice at a time as lines load, never by rendering the whole body: a 5 MB
body may have a million lines, and the loop that draws them is also the capture server's.
"""

from __future__ import annotations

import re
import threading
import time
from array import array
from bisect import bisect_right
from collections.abc import Iterable
from dataclasses import replace

from rich.cells import cell_len

from whisper_tui.core.contentviews import BodyView, HexLines, Lines
from whisper_tui.core.contentviews.stored import RawLines
from whisper_tui.core.sanitize import printable
from whisper_tui.ui.text_flow import CONTINUED

TAB_WIDTH = 4
"""printable() expands tabs to this width."""
MEASURE_BUDGET = 0.002
"""Seconds per slice for measuring lines (wrap, sideways extent) and for finding."""


def display_width(line: str) -> int:
    """Cells a body line takes once made printable (control pictures, tabs expanded)."""
    if line.isascii():
        # C0 controls become one-cell pictures; only tabs change the width.
        return len(line.expandtabs(TAB_WIDTH)) if "\t" in line else len(line)
    return cell_len(printable(line))


MARK = f"{CONTINUED} "
"""Drawn first on a wrapped line's second and later rows (`w` on; the head's too): without
it, a JSON line's continuation started at column 0 and read as a line of its own."""
MARK_CELLS = 2


def later_room(wrap_width: int) -> int:
    """Cells of a line a second or later row holds: the marker takes the first ones."""
    return max(wrap_width - MARK_CELLS, 1)


def rows_for(width: int, wrap_width: int) -> int:
    """Screen rows a line `width` cells wide takes when wrapped at `wrap_width`."""
    if width <= wrap_width:
        return 1
    return 1 + -(-(width - wrap_width) // later_room(wrap_width))


def row_start(row: int, wrap_width: int) -> int:
    """The cell row `row` of a line wrapped at `wrap_width` starts at (one cell a unit)."""
    return 0 if row == 0 else wrap_width + (row - 1) * later_room(wrap_width)


def row_holding(cell: int, wrap_width: int) -> int:
    """The row of a line wrapped at `wrap_width` that holds `cell` (one cell a unit)."""
    return 0 if cell < wrap_width else 1 + (cell - wrap_width) // later_room(wrap_width)


_RAW_UNIT = re.compile(r"\\(?:x[0-9a-f]{2}|u[0-9a-f]{4}|U[0-9a-f]{8}|\\)|\u240d\u240a|.", re.DOTALL)
"""What a wrapped body line's rows never split (raw's, and any view's escapes): an escape
(raw_display's \\xff, \\ufeff, \\U0001f3fd, \\\\; printable's \\u202e), a CRLF's two
pictures (␍␊ is one line end: split, ␍ alone read as a stray CR), or one character (a
control picture is one). A sender's own ␍ or ␊ is spelled \\u240d, so a ␍␊ on screen is
always a CRLF."""


def unit_row_starts(line: str, wrap_width: int) -> list[int]:
    """The cell each row of a raw line wrapped at `wrap_width` starts at: a row ends before an
    escape that would not fit whole (`...NMQ\\` / `xb2R` read as a backslash and text), or a
    wide character. Only a unit wider than a whole row is cut."""
    starts, row, cell, room = [0], 0, 0, wrap_width
    later = later_room(wrap_width)  # rows after the first start with the marker
    for match in _RAW_UNIT.finditer(line):
        unit = match.group()
        end = cell + (len(unit) if unit.isascii() else cell_len(unit))
        if end - row > room and cell > row:
            starts.append(row := cell)
            room = later
        while end - row > room:  # wider than a row: cut, nothing else can be done
            starts.append(row := row + room)
            room = later
        cell = end
    return starts


def row_starts(widths: Iterable[int], wrap_width: int | None) -> list[int]:
    """The first screen row of each line wrapped at `wrap_width`, then the rows in all;
    [] with wrapping off (every line is then one row)."""
    if wrap_width is None:
        return []
    starts = [0]
    for width in widths:
        starts.append(starts[-1] + rows_for(width, wrap_width))
    return starts


def fit_hex(view: BodyView, width: int) -> BodyView:
    """`view` with as many bytes a hex dump row as `width` cells show whole (16, 8 or 4),
    wrap on or off: a row is read across (offset, bytes, ASCII), so it is never wrapped
    mid-row, and a narrow pane needs no sideways scrolling. Any other view as it is."""
    lines = view.lines
    if not isinstance(lines, HexLines) or (fitted := lines.fitted(width)) is lines:
        return view
    return replace(view, lines=fitted)


def same_bytes_row(row: int, old: BodyView, new: BodyView) -> int:
    """The row of `new`'s hex dump that holds the first byte of `old`'s row `row`."""
    assert isinstance(old.lines, HexLines) and isinstance(new.lines, HexLines)
    return row * old.lines.per_line // new.lines.per_line


MEASURE_BATCH = 32
"""Lines measured between checks of the time budget where a line is costly to fetch (raw)."""
FAST_BATCH = 512
"""Lines measured at a time where they are only read from a list (every other view)."""


def measure(batch: list[str]) -> list[int]:
    """display_width of each line, in C for the usual batch of ASCII without tabs."""
    joined = "".join(batch)
    if joined.isascii() and "\t" not in joined:
        return list(map(len, batch))
    return [display_width(line) for line in batch]


class BodyLayout:
    """Widths of the body's lines, the longest so far, and the wrapped rows of each.

    advance() may run in a worker thread while the loop draws: the loop only reads what it
    has learnt, and set_wrap() waits (a millisecond at most) for a batch to finish.
    """

    def __init__(self, lines: Lines) -> None:
        self.lines = lines
        self.longest = 0
        """The widest line measured so far, in cells."""
        self._widths = array("I")
        self._uniform: int | None = None
        if isinstance(lines, HexLines):
            # Every hex dump row is as wide as the first: nothing to measure. Nor are they
            # ever wrapped: a row cut in two no longer reads as offset, bytes, ASCII (the
            # detail picks fewer bytes a row for a narrow pane, HexLines.fitted).
            self._uniform = display_width(lines[0]) if len(lines) else 0
            self.longest = self._uniform
        self.wrap_width: int | None = None
        self._units = isinstance(lines, RawLines)  # drawn as they are (escapes spelled)
        self._batch = MEASURE_BATCH if self._units else FAST_BATCH
        self._cells: dict[int, list[int]] = {}  # row_cells's, for lines on screen lately
        self._starts = array("q")
        """With wrap on: the first row of each body line indexed so far."""
        self._rows = 0
        self._lock = threading.Lock()  # advance's batch and set_wrap, never both at once

    # -- measuring ----------------------------------------------------------------------------

    @property
    def measured(self) -> int:
        """How many loaded lines have been measured (all of them for a hex dump)."""
        return len(self.lines) if self._uniform is not None else len(self._widths)

    @property
    def indexed(self) -> int:
        """How many lines have known rows (all measured ones without wrap)."""
        if self.wrap_width is None or self._uniform is not None:
            return self.measured
        return len(self._starts)

    @property
    def caught_up(self) -> bool:
        """Every loaded line measured and, with wrap on, indexed."""
        return self.indexed >= len(self.lines) and self.measured >= len(self.lines)

    def advance(self, budget: float) -> bool:
        """Measure and index loaded lines for about `budget` seconds; True when caught up."""
        deadline = time.perf_counter() + budget
        lines, widths = self.lines, self._widths
        while not self.caught_up:
            with self._lock:
                # 32 raw lines between looks at the clock: a raw line of 16,000 cells of
                # \xNN escapes takes ~0.3 ms to fetch, so 256 of them held the loop ~80 ms
                # whatever the budget.
                end = min(len(lines), self.measured + self._batch)
                if self._uniform is None and self.measured < end:
                    fresh = measure(lines.window(self.measured, end))
                    widths.extend(fresh)
                    self.longest = max(self.longest, max(fresh))
                self._index_to(min(self.measured, len(self._starts) + 4 * self._batch), deadline)
            if time.perf_counter() > deadline:
                break
        return self.caught_up

    def _index_to(self, end: int, deadline: float) -> None:
        wrap, starts = self.wrap_width, self._starts
        if wrap is None or self._uniform is not None:
            return
        rows, widths = self._rows, self._widths
        begin = len(starts)
        if begin < end and max(widths[begin:end]) <= wrap:
            starts.extend(range(rows, rows + end - begin))  # each line one row: most JSON
            self._rows = rows + end - begin
            return
        for index in range(begin, end):
            starts.append(rows)
            if widths[index] > wrap and (shown := self._shown_in_units(index)) is not None:
                # A raw line's rows are found by walking its escapes (~1 ms for 4 KB of
                # binary): a slice stops at its deadline, not after 1,024 such lines.
                rows += len(unit_row_starts(shown, wrap))
                if index % 8 == 7 and time.perf_counter() > deadline:
                    break
            else:
                rows += rows_for(widths[index], wrap)
        self._rows = rows

    # -- wrapping -----------------------------------------------------------------------------

    def set_wrap(self, wrap_width: int | None) -> None:
        """Wrap at `wrap_width` cells (None: no wrap); advance() learns the rows again."""
        if wrap_width == self.wrap_width:
            return
        with self._lock:  # not under a worker's batch, which indexes at the old width
            self.wrap_width = wrap_width
            self._starts = array("q")
            self._cells = {}
            self._rows = 0

    def row_cells(self, line: int) -> list[int] | None:
        """With wrap on, the cell each row of body line `line` starts at (unit_row_starts);
        None where rows are simply row_start's (an ASCII line, or one that fits)."""
        wrap = self.wrap_width
        if wrap is None or self._uniform is not None or not 0 <= line < len(self._widths):
            return None
        if self._widths[line] <= wrap:
            return None
        cells = self._cells.get(line)
        if cells is None:
            shown = self._shown_in_units(line)
            if shown is None:
                return None
            if len(self._cells) >= 1024:  # bounded: a million-line body is not kept twice
                self._cells.clear()
            cells = self._cells[line] = unit_row_starts(shown, wrap)
        return cells

    def _shown_in_units(self, line: int) -> str | None:
        """Body line `line` as drawn, where its rows must break between units: a raw line,
        or another view's line that printable() spells escapes into (a text body's U+202E
        is drawn \u202e) or that holds wide characters. None for an ASCII line: one cell a
        character, its rows simply wrap_width apart."""
        text = self.lines[line]
        if self._units:
            return text
        return None if text.isascii() else printable(text)

    def row_within(self, line: int, cell: int) -> int:
        """The wrapped row of body line `line` that holds `cell` (wrap on)."""
        cells = self.row_cells(line)
        if cells is None:
            return row_holding(cell, self.wrap_width or 1)
        return bisect_right(cells, cell) - 1

    @property
    def unwrapped(self) -> bool:
        """Rows never wrapped, even with wrap on (a hex dump): they scroll sideways instead."""
        return self._uniform is not None

    @property
    def rows(self) -> int:
        """Screen rows of the indexed lines (one a line without wrap)."""
        if self.wrap_width is None or self._uniform is not None:
            return len(self.lines)
        return self._rows

    def locate(self, row: int) -> tuple[int, int]:
        """(body line, wrapped row within it) of a screen row counted from the body's top."""
        if self.wrap_width is None or self._uniform is not None:
            return row, 0
        line = bisect_right(self._starts, row) - 1
        return line, row - self._starts[line]

    def row_of(self, line: int) -> int | None:
        """The first screen row of a body line (None while it isn't indexed yet)."""
        if self.wrap_width is None or self._uniform is not None:
            return line if line < len(self.lines) else None
        return self._starts[line] if line < len(self._starts) else None
