"""The panes' layout: the list beside the detail, or above it under STACK_BELOW columns; the
list's width as its rows need it; its column titles laid out for that width.

A mixin of the app, so the app module stays small; a row's layout is list_rows.py's.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from textual.widgets import Static

from whisper_tui.ui.list_rows import column_header, list_width
from whisper_tui.ui.request_list import RequestList

if TYPE_CHECKING:
    from textual.geometry import Size

STACK_BELOW = 80
"""Narrower screens show the list above the detail: side by side, both would be squeezed
under the 40 cells a list row or a header line needs (80x24 stays side by side)."""


class PaneLayout:
    """WhisperApp's panes, fitted to the terminal (needs the app's main screen and list)."""

    size: Size
    screen_stack: Any
    request_list: RequestList

    def _fit_list_width(self) -> None:
        """The list takes the width its rows need, up to a share of the screen; below
        STACK_BELOW columns it sits above the detail, both full width (app.tcss)."""
        main = self.screen_stack[0]
        panes, left = main.query_one("#panes"), main.query_one("#left")
        stacked = self.size.width < STACK_BELOW
        if panes.has_class("stacked") != stacked:
            panes.set_class(stacked, "stacked")
            left.styles.width = None  # the stylesheet's, until set again below
        if stacked:
            return
        width = list_width(self.size.width, *self.request_list.width_needs)
        if left.styles.width is None or left.styles.width.value != width:
            left.styles.width = width

    def on_resize(self) -> None:
        if self.screen_stack:
            self._fit_list_width()

    def on_request_list_resized(self, message: RequestList.Resized) -> None:
        """The column titles, laid out for the width the rows now have (also when the list
        was resized under the diff or a dialog: read after the app's resize, they were laid
        out for the size the covered list had before)."""
        if self.screen_stack:
            self.screen_stack[0].query_one("#list-columns", Static).update(
                column_header(message.width, message.shape)
            )
