"""The panes' layout: the list beside the detail, or above it under STACK_BELOW columns; the
list's width as its rows need it; its column titles laid out for that width; Tab between them.

A mixin of the app, so the app module stays small; a row's layout is list_rows.py's.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from textual.widget import Widget
from textual.widgets import Static

from whisper_tui.ui.detail import RequestDetail
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
    screen: Any
    screen_stack: Any
    request_list: RequestList
    detail: RequestDetail

    # Tab and Shift+Tab switch between the two panes, as help says. Textual's focus chain
    # also held the filter field once a filter was applied: Tab went into it and the next
    # key replaced the filter ('Tab k k' showed 0 of 15 for 'kk'). The bars' fields are
    # reached with / and f; a dialog keeps Textual's order through its fields.
    def action_focus_next(self) -> None:
        if not self._switch_pane():
            self.screen.focus_next()

    def action_focus_previous(self) -> None:
        if not self._switch_pane():
            self.screen.focus_previous()

    def _switch_pane(self) -> bool:
        """Focus the other pane (from a bar's field: the pane it does not belong to, or the
        one on screen); False off the main screen, where Tab moves through a dialog."""
        main = self.screen_stack[0] if self.screen_stack else None
        if main is None or self.screen is not main:
            return False
        listed, detail = self.request_list, self.detail
        focused: Widget | None = main.focused
        in_detail = focused is not None and (focused is detail or detail in focused.ancestors)
        wanted, other = (listed, detail) if in_detail else (detail, listed)
        for pane in (wanted, other):
            if pane.focusable:
                main.set_focus(pane)
                return True
        return True  # neither pane can take focus (both hidden): nothing else to go to

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
