"""The list's rows drawn: a capture's row as a Strip from list_rows' pieces, in the theme's
styles combined with the cursor's, cached by what changes a row; the line an empty filter
result shows where the rows would be.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.segment import Segment
from rich.style import Style
from textual.strip import Strip

from whisper_tui.core.answers import Answer, answer_of
from whisper_tui.core.models import CapturedRequest
from whisper_tui.core.sanitize import printable
from whisper_tui.ui.list_rows import row_pieces
from whisper_tui.ui.palette import readable_text

if TYPE_CHECKING:
    from whisper_tui.ui.request_list import RequestList

ROW_CACHE_SIZE = 512


class RowDrawing:
    """Mixed into RequestList: render_line, and the styles and rows it caches."""

    def _cache_styles(self: RequestList) -> None:
        def background_of(name: str) -> Style:
            # Only the background and weight: a row's own colours (method, size) stay visible.
            style = self.get_component_rich_style(name)
            if style.reverse:
                # Reverse video (16 colours, NO_COLOR) swaps each piece's own colours; a
                # background of the cursor's would become every piece's text colour.
                return Style(reverse=True, bold=style.bold)
            return Style(bgcolor=style.bgcolor, bold=style.bold)

        self._combined_styles = {}
        self._styles = {
            # rich_style walks the DOM (~0.1 ms): once per style change, not once per row.
            "base": self.rich_style,
            "cursor": background_of("request-list--cursor"),
            "blurred": background_of("request-list--cursor-blurred"),
        }
        self._row_cache.clear()

    def notify_style_update(self: RequestList) -> None:
        super().notify_style_update()
        # Component styles may not exist yet here; they are recomputed at the next render.
        self._styles = {}
        self._row_cache.clear()

    def render_line(self: RequestList, y: int) -> Strip:
        position = round(self.scroll_y) + y
        # The cells drawn: the layout's (row_layout_width), less the scrollbar's when shown.
        width = self.scrollable_content_region.width
        if not self._styles:
            self._cache_styles()
        if not 0 <= position < len(self.view):
            if position == 1 and self.view.text and not len(self.view):
                return self._no_match_line(width)
            return Strip.blank(width, self._styles["base"])
        request = self.view[position]
        selected = position == self.cursor
        state = (2 if self.has_focus else 1) if selected else 0
        # Forwards finish after the row is first drawn: the answer is part of the key.
        answer = answer_of(request, self.store.attempts(request.id))
        # A first arrival gains its marker when a retry comes: the arrival is in the key too.
        arrival = self.arrival_of(request)
        # A theme change restyles the widget (notify_style_update), which empties the cache.
        key = (request.id, width, state, request.id in self.marked, answer, arrival)
        strip = self._row_cache.get(key)
        if strip is None:
            strip = self._render_row(request, width, state, answer, arrival)
            self._row_cache.set(key, strip)
        return strip

    def _no_match_line(self: RequestList, width: int) -> Strip:
        """Said where the rows would be, so an empty filter result isn't taken for no traffic."""
        base = self._styles["base"]
        text = f"  no capture matches '{printable(self.view.text)}'"
        strip = Strip([Segment(text, base + Style(bold=True))])
        return strip.extend_cell_length(width, base).crop(0, width)

    def arrival_of(self: RequestList, request: CapturedRequest) -> int:
        """Which arrival of its delivery `request` is (1 first, 2 the first retry), when its
        delivery came more than once; 0 otherwise (the row then has no repeat marker)."""
        return self.store.deliveries.repeat_of(request)

    def _render_row(
        self: RequestList,
        request: CapturedRequest,
        width: int,
        state: int,
        answer: Answer,
        arrival: int,
    ) -> Strip:
        # Segments straight from (text, style) pieces with combined styles cached: during a
        # burst every visible row is new at each redraw, and going through rich Text
        # (append, stylize, render) cost three times as much.
        marker = self.verdicts.marker(request) if self.verdicts else ""
        marked = request.id in self.marked
        pieces = row_pieces(
            request, self.row_layout_width, marker, marked, answer, arrival, self.shape
        )
        style_of = self._combined_styles.setdefault(state, {})
        segments = []
        reversed_cursor = state and self._styles["cursor" if state == 2 else "blurred"].reverse
        for text, name in pieces:
            if reversed_cursor and name and text.isspace():
                # Reversed, a blank's own colour would show as a block (the mark's, the '!''s).
                name = ""
            style = style_of.get(name)
            if style is None:
                # Named styles (palette.py) in the theme's colours; a theme change empties this.
                piece = self.app.console.get_style(name) if name else Style.null()
                style = self._styles["base"] + piece
                if state:
                    # The cursor's ground stands out (palette.selection_ground): the row's
                    # colours are moved to read on it.
                    style = readable_text(
                        style + self._styles["cursor" if state == 2 else "blurred"]
                    )
                style_of[name] = style
            segments.append(Segment(text, style))
        # extend/crop measure cells, so wide characters in a path still fit the width.
        return Strip(segments).extend_cell_length(width, self._styles["base"]).crop(0, width)
