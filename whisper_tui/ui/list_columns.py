"""What the list's columns need, measured as captures arrive: the longest path and method,
a signature marker once a capture is signed, a repeat marker once a delivery comes again; the
row shape that follows (list_rows.shape_for) and the width rows are laid out for.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.cells import cell_len

from whisper_tui.core.sanitize import printable
from whisper_tui.core.signatures import detect_schemes
from whisper_tui.ui.list_rows import RowShape, shape_for

if TYPE_CHECKING:
    from whisper_tui.ui.request_list import RequestList

MEASURE_AT_MOST = 2_000
"""New captures measured per refresh for the list's width (a burst's last ones)."""


class ColumnNeeds:
    """Mixed into RequestList: the columns and the width its captures need."""

    def _measure_new_paths(self: RequestList) -> None:
        store = self.store
        end = store.evicted + len(store)
        start = max(self._measured_to, end - MEASURE_AT_MOST, store.evicted)
        longest = self.longest_path
        longest_method = self._longest_method
        signed = self._signed
        for position in range(start - store.evicted, len(store)):
            request = store[position]
            target = request.target
            cells = len(target) if target.isascii() else cell_len(printable(target))
            longest = max(longest, cells)
            longest_method = max(longest_method, len(request.method))
            # One lookup by header layout (cached), until the first signed capture.
            signed = signed or bool(detect_schemes(request))
        self.longest_path = longest
        self._longest_method = longest_method
        self._signed = signed
        self._measured_to = end

    def _reshape(self: RequestList) -> None:
        """Widen a marker column when the captures come to need it: the first signed
        capture, a delivery's second (or tenth) arrival, a longer method. Columns never
        narrow again in a session, so rows don't shift as captures are deleted."""
        most_arrivals = self.store.deliveries.most_arrivals
        shape = shape_for(self._signed, most_arrivals, self._longest_method)
        if shape != self.shape:
            self.shape = shape
            self._row_cache.clear()
            self.post_message(self.Resized(self.row_layout_width, shape))

    @property
    def width_needs(self: RequestList) -> tuple[int, RowShape]:
        """What the list's width is worked out from: its longest path, its shape."""
        return self.longest_path, self.shape

    @property
    def row_layout_width(self: RequestList) -> int:
        """The width rows are laid out for: the pane's, the scrollbar's column included.

        A row ends in a blank cell, and the scrollbar, once the rows overflow the pane, is
        drawn there: the columns stay where they were (a path that fit still fits) and the
        titles above, laid out for the same width, stay over them.
        """
        return self.size.width
