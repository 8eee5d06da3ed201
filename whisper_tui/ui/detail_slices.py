"""The detail's work between frames: a big body's lines counted, measured (for wrap and the
sideways extent) and searched a few milliseconds at a time on the loop, until all is done."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

from whisper_tui.ui.detail_layout import MEASURE_BUDGET

if TYPE_CHECKING:
    from whisper_tui.ui.detail import RequestDetail

COUNT_EVERY = 0.02
COUNT_BUDGET = 0.003
"""Seconds of line counting per slice on the loop (every COUNT_EVERY)."""
COUNT_STEP = 200
WAITED_BUDGET = 0.012
"""Seconds a slice may take while the user waits on its result (G to a big body's end, w's
way back to the same line), slices then back to back: the end of a 2.4 MB body came after
~1.5 s at 3 ms every 20 ms. The loop still answers webhooks between slices."""


class WorkInSlices:
    """Mixed into RequestDetail: what is left to do, and doing it a slice at a time."""

    _hurried = False
    """A quick slice is due (set_timer), the user waiting on the result."""

    def _pending(self: RequestDetail) -> bool:
        view, layout, find = self._view, self._layout, self._find
        return (
            (view is not None and not view.lines.complete)
            or (layout is not None and not layout.caught_up)
            or (find is not None and not find.done)
        )

    def _work_in_slices(self: RequestDetail) -> None:
        """Count, measure and search the remaining lines a few milliseconds at a time.

        A worker thread would hold the GIL for hundreds of milliseconds of pure Python and
        stall the loop the server shares; short slices between frames never do.
        """
        if self._counter is None and self._pending():
            self._counter = self.set_interval(COUNT_EVERY, self._work_slice)

    def _work_slice(self: RequestDetail) -> None:
        view, layout, find = self._view, self._layout, self._find
        waited = self.waited_on()
        budget = WAITED_BUDGET if waited else COUNT_BUDGET
        if view is not None and not view.lines.complete:
            notes, deadline = list(view.notes), time.perf_counter() + budget
            while time.perf_counter() < deadline and not view.lines.advance(COUNT_STEP):
                pass
            if view.notes != notes:  # raw's line ends are all counted: the head says so
                self._rebuild()
        if layout is not None:
            layout.advance(WAITED_BUDGET if waited else MEASURE_BUDGET)
        if find is not None and not find.done:
            find.advance(MEASURE_BUDGET)
            self._show_find_status()
        self._go_when_ready()
        pending = self._pending()
        now = time.monotonic()
        if not pending or now - self._sized_at > 0.25:
            self._sized_at = now
            self._update_size()
        if not pending and self._counter is not None:
            self._counter.stop()
            self._counter = None
        elif pending and self.waited_on() and not self._hurried:
            self._hurried = True  # one chain of quick slices, however often this is called
            self.set_timer(0.001, self._hurry)

    def _hurry(self: RequestDetail) -> None:
        self._hurried = False
        self._work_slice()  # the next slice now, the loop free between
