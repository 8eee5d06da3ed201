"""`f` in the detail: the find bar opened under it, every match highlighted, Enter / n / N
stepping through them (scrolled into view), Esc closing it. The matches themselves are
counted by find_bar.py's BodyFind, a slice at a time between frames (the detail's slices).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.cells import cell_len
from textual.widget import Widget

from whisper_tui.core.contentviews import HexLines
from whisper_tui.ui.detail_layout import MEASURE_BUDGET
from whisper_tui.ui.find_bar import BodyFind, FindBar, Match
from whisper_tui.ui.hex_find import HexFind

if TYPE_CHECKING:
    from whisper_tui.ui.detail import RequestDetail


class FindInDetail:
    """Mixed into RequestDetail: the find actions, over the lines and the find it holds."""

    async def action_find_open(self: RequestDetail) -> None:
        """Open the find bar under the detail, the cursor in its query."""
        if self._bar is None:
            self._bar = FindBar(self)
            parent = self.parent
            assert isinstance(parent, Widget)
            await parent.mount(self._bar, after=self)
        self._bar.open()

    def find(self: RequestDetail, query: str) -> None:
        """Highlight every match of `query` (any case); counted in slices for big bodies."""
        if not query:
            self._find = None
        else:
            head = [line.plain for line in self._head.lines]
            lines = self._view.lines if self._view else None
            if isinstance(lines, HexLines):  # the bytes, across rows
                self._find = HexFind(query, head, lines)
            else:
                self._find = BodyFind(query, head, lines)
            self._find.advance(MEASURE_BUDGET)
            self._work_in_slices()
        self._show_find_status()
        self._cache.clear()
        self.refresh()

    def action_find_step(self: RequestDetail, direction: int) -> None:
        """Go to the next (1) or previous (-1) match and scroll to it."""
        find = self._find
        if find is None:
            return
        match = find.step(direction)
        if match is None and not find.done:
            find.wanted = direction  # taken by _take_wanted_step once a match is found
        self._show_find_status()
        self._cache.clear()
        self.refresh()
        if match is not None:
            self._scroll_to_match(match)

    def _take_wanted_step(self: RequestDetail) -> None:
        """The step asked for while nothing was found yet, now that something is (or no
        longer, once the search is done without a match)."""
        find = self._find
        if find is None or find.wanted is None:
            return
        if find.count:
            direction, find.wanted = find.wanted, None
            self.action_find_step(direction)
        elif find.done:
            find.wanted = None

    def _scroll_to_match(self: RequestDetail, match: Match) -> None:
        line, start, _ = match
        text = self._line_text(line)
        cell = cell_len(text.plain[:start]) if text is not None else 0
        self._goto = (line, cell, False)
        self._go_when_ready()

    def action_close_find(self: RequestDetail) -> None:
        """Hide the find bar and its highlights."""
        self._find = None
        if self._bar is not None:
            self._bar.display = False
        self._cache.clear()
        self.refresh()
        self.focus()

    def _show_find_status(self: RequestDetail) -> None:
        if self._bar is not None:
            self._bar.show_status(self.find_status)

    @property
    def find_status(self: RequestDetail) -> str:
        """What the find bar says ('match 1 of 3', 'no match'), '' with no query."""
        return self._find.status() if self._find else ""

    def check_action(
        self: RequestDetail, action: str, parameters: tuple[object, ...]
    ) -> bool | None:
        # Without a find, Enter / n / N / Esc fall through (Esc clears the list's filter).
        if action in ("find_step", "close_find"):
            bar_open = self._bar is not None and self._bar.display
            return self._find is not None or (action == "close_find" and bar_open)
        return True
