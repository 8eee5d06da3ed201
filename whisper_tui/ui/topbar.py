"""The one-line header: address, counts, modes. Repainted in place, never relaid out."""

from __future__ import annotations

from rich.text import Text
from textual.widget import Widget

GAP = 3
"""Cells kept between the status and the notice at the right end."""


class TopBar(Widget):
    """Static.update would lay out the screen on every count change; this only repaints.

    A notice (`deleted #12 · u to undo`, `12 new · End to follow`) sits at the right end and
    is never cut: when the line is too narrow for both, the status is shown in its short
    form, and then gives way (ellipsis).
    """

    DEFAULT_CSS = """
    TopBar {
        height: 1;
        /* One line cut with an ellipsis: a long word (a URL) is not wrapped out of sight. */
        text-wrap: nowrap;
        text-overflow: ellipsis;
    }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._text = Text()
        self._notice = Text()
        self._short: Text | None = None

    def show(self, text: Text, notice: Text | None = None, short: Text | None = None) -> None:
        """Show `text`, and `notice` at the right end; `short` replaces `text` when both
        would not fit."""
        self._text = text
        self._notice = notice or Text()
        self._short = short
        self.refresh()

    def render(self) -> Text:
        width = self.content_size.width
        notice = self._notice.copy()
        notice.truncate(width, overflow="ellipsis")
        room = width - notice.cell_len - (GAP if notice.plain else 0)
        if room <= 0:
            return notice
        text = self._text
        if self._short is not None and text.cell_len > room:
            text = self._short
        line = text.copy()
        if not notice.plain:
            line.truncate(width, overflow="ellipsis")
            return line
        line.truncate(room, overflow="ellipsis")
        line.append(" " * (width - line.cell_len - notice.cell_len))
        line.append_text(notice)
        return line
