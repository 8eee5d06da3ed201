"""Changing a Line-API widget's scrollable size without laying out the whole screen; keeping
to the end of one whose content is still growing; a dialog's scrolling box that takes j k g G."""

from __future__ import annotations

import time

from textual.containers import VerticalScroll
from textual.geometry import Size
from textual.scroll_view import ScrollView

from whisper_tui.ui.action_bindings import bindings_for


def set_virtual_size(widget: ScrollView, new: Size, repaint: bool = True) -> None:
    """Set widget.virtual_size, skipping the screen relayout when no scrollbar appears or goes.

    Assigning virtual_size lays out the whole screen; during a burst of captures that runs
    several times a second on the loop the capture server shares. The layout is only needed
    when the content starts or stops overflowing (a scrollbar shows or hides). repaint=False:
    the widget's lines on screen are as they were (rows added below), only its scrollbars
    are drawn again.
    """
    old = widget.virtual_size
    if new == old:
        return
    region = widget.scrollable_content_region
    overflow_changed = (old.height > region.height) != (new.height > region.height) or (
        old.width > region.width
    ) != (new.width > region.width)
    if overflow_changed or not old.height:
        widget.virtual_size = new
        return
    widget.set_reactive(type(widget).virtual_size, new)
    widget._scroll_update(new)
    if repaint:
        widget.refresh()


SHOW_PART_AFTER = 0.5
"""Seconds G waits for the end of rows still being counted before it shows the end so far
(then each new end as the size grows): each end on the way is a screen of lines drawn."""


class FollowsEnd(ScrollView):
    """A Line-API view whose rows are still being counted after it is shown: G / End goes to
    the end once it is known, or after SHOW_PART_AFTER to the end so far and keeps to it as
    it grows, until the user scrolls elsewhere. Without this, G stopped at the end counted
    so far (a 5 MB body is counted over about a second)."""

    _end_row: int | None = None
    """The row G / End scrolled to (or was pressed at, while it waits), while the end is
    followed."""
    _end_asked_at = 0.0

    def still_growing(self) -> bool:
        """Whether more rows are to come; the end is followed only while they do."""
        return False

    def action_scroll_end(self) -> None:
        self._end_row = round(self.scroll_y)
        self._end_asked_at = time.monotonic()
        self.keep_to_end()

    def action_scroll_home(self) -> None:
        # At once: Textual animates it over a second, every frame on the way drawn (and a big
        # body's lines highlighted), the body's middle shown before the top.
        self.stop_following()
        self.scroll_home(animate=False, x_axis=self.scroll_y == 0)

    def stop_following(self) -> None:
        self._end_row = None

    def keep_to_end(self) -> None:
        """Back to the end after the virtual size grew, unless the user has scrolled away."""
        if self._end_row is None:
            return
        if round(self.scroll_y) != self._end_row:  # moved since: the user's place is kept
            self._end_row = None
            return
        growing = self.still_growing()
        if growing and time.monotonic() - self._end_asked_at < SHOW_PART_AFTER:
            return  # the real end, if it comes soon: one screen drawn, not one per size
        self.scroll_to(y=self.max_scroll_y, animate=False, immediate=True, force=True)
        self._end_row = round(self.scroll_y)
        if not growing:
            # A scrollbar that the last rows bring takes its row at the next layout, which
            # moves the end down one: looked at once more then (G stopped a row short).
            self.call_after_refresh(self._last_look_at_end)

    def _last_look_at_end(self) -> None:
        if self._end_row is not None and round(self.scroll_y) == self._end_row:
            self.scroll_to(y=self.max_scroll_y, animate=False, immediate=True, force=True)
        self._end_row = None


class KeyScroll(VerticalScroll):
    """A dialog's scrolling box (the help's keys, the export preview): j k g G scroll it as
    they move the list, the detail and the diff; Textual's box took only the arrows, PgUp/PgDn
    and Home/End, and a mitmproxy hand pressed j on `?` to no effect. Bindings from the action
    table (scope scroll_box), so [keymap] can move them."""

    BINDINGS = bindings_for("scroll_box")
