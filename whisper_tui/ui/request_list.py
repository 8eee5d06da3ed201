"""The live list of captures: a virtual Line-API view over the store, one row per capture.

Rows are rendered only when on screen and cached, so 100,000 captures cost what 40 do. The
store is never copied or made reactive: a timer compares its version and refreshes at most
a few times a second however fast requests arrive.
"""

from __future__ import annotations

import time

from rich.cells import cell_len, set_cell_size
from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual.cache import LRUCache
from textual.geometry import Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip

from whisper_tui.core.filtering import FilteredView, StoreView
from whisper_tui.core.models import CapturedRequest
from whisper_tui.core.sanitize import printable
from whisper_tui.core.sizes import format_size
from whisper_tui.core.store import RequestStore
from whisper_tui.core.verdicts import Verdicts
from whisper_tui.ui.actions import bindings_for
from whisper_tui.ui.scrolling import set_virtual_size

METHOD_STYLES = {
    "GET": "bold green",
    "POST": "bold yellow",
    "PUT": "bold blue",
    "PATCH": "bold cyan",
    "DELETE": "bold red",
    "HEAD": "bold magenta",
    "OPTIONS": "bold magenta",
}
TIME_WIDTH = 8
METHOD_WIDTH = 7
SIZE_WIDTH = 9
TYPE_WIDTH = 18
ROW_CACHE_SIZE = 512


def short_type(content_type: str) -> str:
    """'application/json' -> 'json', 'application/x-www-form-urlencoded' -> 'form'."""
    if not content_type:
        return ""
    if content_type == "application/x-www-form-urlencoded":
        return "form"
    kind = content_type.split("/", 1)[-1]
    return kind.removeprefix("vnd.").removeprefix("x-")


class RequestList(ScrollView, can_focus=True):
    """Captures oldest first; the cursor follows new arrivals while it sits on the newest."""

    BINDINGS = bindings_for("list")

    COMPONENT_CLASSES = {
        "request-list--cursor",
        "request-list--cursor-blurred",
    }

    class Selected(Message):
        """The cursor moved to another capture (or to none)."""

        def __init__(self, request: CapturedRequest | None) -> None:
            self.request = request
            super().__init__()

    def __init__(
        self, store: RequestStore, verdicts: Verdicts | None = None, *, id: str | None = None
    ) -> None:
        super().__init__(id=id)
        self.store = store
        self.view: StoreView | FilteredView = StoreView(store)
        """What the list shows: every capture, or those matching the filter."""
        self.verdicts = verdicts
        self.marked: dict[int, None] = {}
        """Ids of captures marked with `m`, oldest mark first (an ordered set, for diffing)."""
        # The cursor is an absolute index (position + evicted so far): it stays on the same
        # capture while older ones are evicted from the front.
        self._cursor_absolute = -1
        self._seen_version = -1
        self._selected_id: int | None = None
        # Following: the cursor sits on the newest capture and moves with new arrivals.
        # Moving anywhere else stops it, so new arrivals never steal the selection.
        self._at_end = True
        self._row_cache: LRUCache[tuple[int, int, int, bool], Strip] = LRUCache(ROW_CACHE_SIZE)
        self._styles: dict[str, Style] = {}
        self._combined_styles: dict[int, dict[str, Style]] = {}
        """Per cursor state: a piece's style name -> base + piece + cursor style."""

    # -- state -----------------------------------------------------------------------------

    @property
    def cursor(self) -> int:
        """Cursor position in the view (0 = oldest shown), -1 when empty."""
        if not len(self.view):
            return -1
        return self.view.position_of(self._cursor_absolute)

    @property
    def synced(self) -> bool:
        """True when every change to the store has been drawn."""
        return self._seen_version == self.store.version

    @property
    def following(self) -> bool:
        return self._at_end

    @property
    def selected(self) -> CapturedRequest | None:
        position = self.cursor
        return self.view[position] if position >= 0 else None

    def set_view(self, view: StoreView | FilteredView) -> None:
        """Show another view (a filter applied or cleared), keeping the selection if it's in it."""
        self.view = view
        self._seen_version = -1
        count = len(view)
        self._row_cache.clear()
        self.virtual_size = Size(self.size.width, count)
        if count:
            position = view.position_of(self._cursor_absolute)
            self._at_end = self._at_end or position == count - 1
            self._move_to(count - 1 if self._at_end else position)
        else:
            self._announce_if_changed()
        self.refresh()

    def on_mount(self) -> None:
        self.sync()

    def _cache_styles(self) -> None:
        def background_of(name: str) -> Style:
            # Only the background and weight: a row's own colours (method, size) stay visible.
            style = self.get_component_rich_style(name)
            return Style(bgcolor=style.bgcolor, bold=style.bold)

        self._combined_styles = {}
        self._styles = {
            # rich_style walks the DOM (~0.1 ms): once per style change, not once per row.
            "base": self.rich_style,
            "cursor": background_of("request-list--cursor"),
            "blurred": background_of("request-list--cursor-blurred"),
        }
        self._row_cache.clear()

    def notify_style_update(self) -> None:
        super().notify_style_update()
        # Component styles may not exist yet here; they are recomputed at the next render.
        self._styles = {}
        self._row_cache.clear()

    def sync(self) -> None:
        """Catch up with the store: new rows, follow the newest, evictions. Cheap if nothing new."""
        if self.store.version == self._seen_version:
            return
        self._seen_version = self.store.version
        self.view.sync()
        count = len(self.view)
        self._set_row_count(count)
        if count and self._at_end:
            self._move_to(count - 1)
        else:
            self._announce_if_changed()
        self.refresh()

    def _set_row_count(self, count: int) -> None:
        set_virtual_size(self, Size(self.size.width, count))

    def _move_to(self, position: int) -> None:
        count = len(self.view)
        if not count:
            return
        position = max(0, min(position, count - 1))
        self._cursor_absolute = self.view.absolute(position)
        self._at_end = position == count - 1
        self._scroll_cursor_into_view()
        self.refresh()
        self._announce_if_changed()

    def _announce_if_changed(self) -> None:
        request = self.selected
        request_id = request.id if request else None
        if request_id != self._selected_id:
            self._selected_id = request_id
            self.post_message(self.Selected(request))

    def _scroll_cursor_into_view(self) -> None:
        position = self.cursor
        height = max(self.scrollable_content_region.height, 1)
        top = round(self.scroll_y)
        if position < top:
            self.scroll_to(y=position, animate=False, immediate=True)
        elif position >= top + height:
            self.scroll_to(y=position - height + 1, animate=False, immediate=True)

    # -- actions ---------------------------------------------------------------------------

    def action_cursor_up(self) -> None:
        self._move_to(self.cursor - 1)

    def action_cursor_down(self) -> None:
        self._move_to(self.cursor + 1)

    def toggle_mark(self) -> None:
        """Mark or unmark the selected capture."""
        request = self.selected
        if request is None:
            return
        if request.id in self.marked:
            del self.marked[request.id]
        else:
            self.marked[request.id] = None
        self.refresh()

    def clear_marks(self) -> None:
        self.marked.clear()
        self.refresh()

    def action_first(self) -> None:
        self._move_to(0)

    def action_last(self) -> None:
        self._move_to(len(self.view) - 1)

    def action_page_up(self) -> None:
        self._move_to(self.cursor - max(self.scrollable_content_region.height - 1, 1))

    def action_page_down(self) -> None:
        self._move_to(self.cursor + max(self.scrollable_content_region.height - 1, 1))

    def on_click(self, event) -> None:  # type: ignore[no-untyped-def]
        offset = event.get_content_offset(self)
        if offset is not None:
            self._move_to(round(self.scroll_y) + offset.y)

    def on_resize(self) -> None:
        self.virtual_size = Size(self.size.width, len(self.view))
        self._row_cache.clear()

    def on_focus(self) -> None:
        self.refresh()

    def on_blur(self) -> None:
        self.refresh()

    # -- rendering -------------------------------------------------------------------------

    def render_line(self, y: int) -> Strip:
        position = round(self.scroll_y) + y
        width = self.scrollable_content_region.width
        if not self._styles:
            self._cache_styles()
        if not 0 <= position < len(self.view):
            return Strip.blank(width, self._styles["base"])
        request = self.view[position]
        selected = position == self.cursor
        state = (2 if self.has_focus else 1) if selected else 0
        # A theme change restyles the widget (notify_style_update), which empties the cache.
        key = (request.id, width, state, request.id in self.marked)
        strip = self._row_cache.get(key)
        if strip is None:
            strip = self._render_row(request, width, state)
            self._row_cache.set(key, strip)
        return strip

    def _render_row(self, request: CapturedRequest, width: int, state: int) -> Strip:
        # Segments straight from (text, style) pieces with combined styles cached: during a
        # burst every visible row is new at each redraw, and going through rich Text
        # (append, stylize, render) cost three times as much.
        marker = self.verdicts.marker(request) if self.verdicts else ""
        pieces = row_pieces(request, width, marker, request.id in self.marked)
        style_of = self._combined_styles.setdefault(state, {})
        segments = []
        for text, name in pieces:
            style = style_of.get(name)
            if style is None:
                style = self._styles["base"] + Style.parse(name) if name else self._styles["base"]
                if state:
                    style += self._styles["cursor" if state == 2 else "blurred"]
                style_of[name] = style
            segments.append(Segment(text, style))
        # extend/crop measure cells, so wide characters in a path still fit the width.
        return Strip(segments).extend_cell_length(width, self._styles["base"]).crop(0, width)


SIGNATURE_STYLES = {"✓": "bold green", "✗": "bold red", "?": "yellow"}
LEAD_WIDTH = 3
"""Mark, signature marker, space."""


def _path_width(width: int, show_type: bool) -> int:
    fixed = LEAD_WIDTH + TIME_WIDTH + 1 + METHOD_WIDTH + 1 + SIZE_WIDTH + 1
    return max(width - fixed - (TYPE_WIDTH if show_type else 0) - 1, 8)


def row_pieces(
    request: CapturedRequest, width: int, marker: str = "", marked: bool = False
) -> list[tuple[str, str]]:
    """One list row as (text, style) pieces: mark, signature, time, method, path, size, type."""
    clock = time.strftime("%H:%M:%S", time.localtime(request.received_at))
    method = printable(request.method)[:METHOD_WIDTH]
    size = "413 " + format_size(request.size) if request.rejected else format_size(request.size)
    show_type = width >= 70
    path_width = _path_width(width, show_type)
    path = printable(request.target)
    # Measured in cells, not characters: a CJK character or an emoji takes two, and a row
    # cut by characters would push the size and type columns out of the pane.
    if cell_len(path) > path_width:
        path = set_cell_size(path, path_width - 1) + "…"
    pieces = [
        ("●" if marked else " ", "bold magenta"),
        (marker or " ", SIGNATURE_STYLES.get(marker, "")),
        (" ", ""),
        (clock, "dim"),
        (" ", ""),
        (f"{method:<{METHOD_WIDTH}}", METHOD_STYLES.get(request.method, "bold")),
        (" ", ""),
        (set_cell_size(path, path_width), ""),
        (" ", ""),
        (f"{size:>{SIZE_WIDTH}}", "bold red" if request.rejected else ""),
    ]
    if show_type:
        kind = printable(short_type(request.content_type))[: TYPE_WIDTH - 1]
        pieces.append((" ", ""))
        pieces.append((f"{kind:<{TYPE_WIDTH - 1}}", "dim"))
    return pieces


def column_header(width: int) -> Text:
    """Column titles aligned with row_pieces' layout."""
    show_type = width >= 70
    path_width = _path_width(width, show_type)
    title = " " * LEAD_WIDTH
    title += f"{'Time':<{TIME_WIDTH}} {'Method':<{METHOD_WIDTH}} {'Path':<{path_width}} "
    title += f"{'Size':>{SIZE_WIDTH}}"
    if show_type:
        title += f" {'Type':<{TYPE_WIDTH - 1}}"
    return Text(title, no_wrap=True, overflow="crop")
