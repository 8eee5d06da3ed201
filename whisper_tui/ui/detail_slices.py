"""The detail's work off the frame: a big body's lines counted and measured (for wrap and the
sideways extent) in a worker thread, matches searched a few milliseconds at a time on the
loop, and the scrollable size, G's end and w's way back kept up with both.

Counted on the loop a few milliseconds at a time, a 2.4 MB body's 172,704 lines cost it
0.3-0.5 s of CPU, all of which G (to the end) waited on; in the worker they cost the loop
only its looks at how far the count has got.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

from textual import work
from textual.message import Message
from textual.worker import get_current_worker

from whisper_tui.core.contentviews import BodyView
from whisper_tui.ui.detail_layout import MEASURE_BUDGET, BodyLayout

if TYPE_CHECKING:
    from whisper_tui.ui.detail import RequestDetail

COUNT_EVERY = 0.02
"""Seconds between the loop's looks at the count (and its slices of finding)."""
SIZE_EVERY = 0.25
"""Seconds between updates of the scrollable size while lines are still counted."""
COUNT_STEP = 1024
"""Lines the worker produces a step (about a millisecond of re-indented JSON)."""
MEASURE_STEP = 0.001
"""Seconds of measuring a step of the worker."""
GIVE_WAY = 0.0001
"""Seconds the worker sleeps between steps with the GIL free, so that the loop (the capture
server's too) takes it at once when it has work, not after the interpreter's switch
interval (5 ms)."""


class WorkInSlices:
    """Mixed into RequestDetail: what is left to do, the counting worker, the loop's part."""

    class Counted(Message):
        """The counting worker stopped: all counted and measured, or its view is gone."""

        def __init__(self, view: BodyView) -> None:
            self.view = view
            super().__init__()

    _counting: BodyView | None = None
    """The view a counting worker runs for."""
    _notes_drawn: tuple[str, ...] = ()
    """The view's notes the head was built with (raw's change once its lines are counted)."""

    def _counting_pending(self: RequestDetail) -> bool:
        view, layout = self._view, self._layout
        return (view is not None and not view.lines.complete) or (
            layout is not None and not layout.caught_up
        )

    def _pending(self: RequestDetail) -> bool:
        find = self._find
        return self._counting_pending() or (find is not None and not find.done)

    def _work_in_slices(self: RequestDetail) -> None:
        """Count and measure the remaining lines in a worker; search them in slices."""
        view, layout = self._view, self._layout
        counting = view is not None and layout is not None and self._counting_pending()
        if counting and self._counting is not view:
            assert view is not None and layout is not None
            self._counting = view
            self._count_in_worker(view, layout)
        if self._counter is None and self._pending():
            self._counter = self.set_interval(COUNT_EVERY, self._work_slice)

    @work(thread=True, exclusive=True, group="detail-count", description="count body lines")
    def _count_in_worker(self: RequestDetail, view: BodyView, layout: BodyLayout) -> None:
        # Steps of about a millisecond, the GIL given up between: the interpreter would
        # switch only every 5 ms, each time the loop wakes (a webhook, a key, a frame).
        worker = get_current_worker()
        while not worker.is_cancelled and self._view is view and self._layout is layout:
            counted = view.lines.advance(COUNT_STEP)
            if layout.advance(MEASURE_STEP) and counted:
                break
            time.sleep(GIVE_WAY)
        self.post_message(self.Counted(view))

    def on_work_in_slices_counted(self: RequestDetail, message: WorkInSlices.Counted) -> None:
        if message.view is not self._counting:
            return  # an earlier view's worker
        self._counting = None
        if self._counter is not None:
            self._work_slice()  # the end is known: the size, G's end, w's way back at once
        self._work_in_slices()  # w or a resize began the rows again meanwhile

    def _work_slice(self: RequestDetail) -> None:
        view, find = self._view, self._find
        if view is not None and tuple(view.notes) != self._notes_drawn:
            self._rebuild()  # raw's line ends are all counted: the head says so
        if find is not None and not find.done:
            find.advance(MEASURE_BUDGET)
            self._show_find_status()
            self._take_wanted_step()
        self._go_when_ready()
        pending = self._pending()
        now = time.monotonic()
        if not pending or now - self._sized_at > SIZE_EVERY:
            # Not each look: a new size redraws, and G's end moves with it.
            self._sized_at = now
            self._update_size()
        if not pending and self._counter is not None:
            self._counter.stop()
            self._counter = None
