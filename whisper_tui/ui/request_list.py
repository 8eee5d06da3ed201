"""The live list of captures: a virtual Line-API view over the store, one row per capture.

Rows are rendered only when on screen and cached (list_drawing.py), so 100,000 captures cost
what 40 do. The store is never copied or made reactive: a timer compares its version and
refreshes at most a few times a second however fast requests arrive. What the columns need as
captures arrive is list_columns.py's; deleting and undoing, list_delete.py's.
"""

from __future__ import annotations

from rich.style import Style
from textual import events
from textual.cache import LRUCache
from textual.geometry import Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip

from whisper_tui.core.answers import Answer
from whisper_tui.core.filtering import FilteredView, StoreView
from whisper_tui.core.models import CapturedRequest
from whisper_tui.core.store import Removed, RequestStore
from whisper_tui.core.verdicts import Verdicts
from whisper_tui.ui.action_bindings import bindings_for
from whisper_tui.ui.action_registry import get_action
from whisper_tui.ui.keymap import active_keymap, keys_in_effect
from whisper_tui.ui.list_columns import ColumnNeeds
from whisper_tui.ui.list_delete import DeleteAndUndo
from whisper_tui.ui.list_drawing import ROW_CACHE_SIZE, RowDrawing
from whisper_tui.ui.list_rows import (
    METHOD_STYLES,
    RowShape,
    column_header,
    list_width,
    row_pieces,
    shape_for,
    short_type,
)
from whisper_tui.ui.scrolling import set_virtual_size

__all__ = [
    "METHOD_STYLES",
    "RequestList",
    "column_header",
    "list_width",
    "row_pieces",
    "short_type",
]


class RequestList(DeleteAndUndo, RowDrawing, ColumnNeeds, ScrollView, can_focus=True):
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

    class Resized(Message):
        """The rows were laid out at a new width or shape (the column titles above follow)."""

        def __init__(self, width: int, shape: RowShape) -> None:
            self.width = width
            self.shape = shape
            super().__init__()

    def __init__(
        self,
        store: RequestStore,
        verdicts: Verdicts | None = None,
        *,
        id: str | None = None,
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
        self._newest_id_reached = 0
        """The newest id the cursor has reached since it left the newest (then: the newest
        capture's id): arrivals after it are 'new'."""
        self._edits_seen = len(store.edits)
        self._measured_to = 0
        self._scroll_pending = False
        """The cursor's row is to be scrolled into view once the list can scroll."""
        self.longest_path = 0
        """Cells of the longest path seen (the list widens to show it, within a share)."""
        self._longest_method = 0
        self._signed = False
        """A signed capture was seen: the signature marker column is shown from then on."""
        self.shape = shape_for(False, 0, 0)
        """The columns before the path, as wide as the captures so far need (list_rows)."""
        self._undo: Removed | None = None
        self.notice = ""
        """What the last delete or undo did, for the top bar ('' when none or expired)."""
        self._notice_at = 0.0
        self._row_cache: LRUCache[tuple[int, int, int, bool, Answer, int], Strip] = LRUCache(
            ROW_CACHE_SIZE
        )
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
    def new_while_away(self) -> int:
        """Captures shown that arrived live since the cursor left the newest and that it has
        not been on since (0 while following): moving down through them counts them off.
        Captures --load put in meanwhile are not new: they were read, not sent."""
        view = self.view
        if self._at_end or not len(view):
            return 0
        newest_old = max(self._newest_id_reached, self.store.loaded_through)
        # Arrivals carry growing ids and come last: a binary search over the view's ids.
        low, high = 0, len(view)
        while low < high:
            middle = (low + high) // 2
            if view[middle].id <= newest_old:
                low = middle + 1
            else:
                high = middle
        return len(view) - low

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

    def sync(self) -> None:
        """Catch up with the store: new rows, follow the newest, evictions. Cheap if nothing new."""
        if self.store.version == self._seen_version:
            return
        self._seen_version = self.store.version
        edited = len(self.store.edits) > self._edits_seen
        for edit in self.store.edits[self._edits_seen :]:
            self._cursor_absolute = edit.moved(self._cursor_absolute)
        self._edits_seen = len(self.store.edits)
        self.view.sync()
        self._measure_new_paths()
        self._reshape()
        count = len(self.view)
        if edited and count:
            # A delete can leave the cursor on the newest capture: it follows from there.
            self._at_end = self._at_end or self.cursor == count - 1
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
        if self._at_end and position != count - 1:
            self._newest_id_reached = self.view[count - 1].id
        # A new arrival the cursor has been on is no longer new: "N new" counts those below
        # the furthest row reached, going down as you move through them (as a chat's unread
        # count does), not every arrival since you left the newest.
        reached = self.view[position].id
        self._newest_id_reached = max(self._newest_id_reached, reached)
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
        self._scroll_pending = False
        if position < top:
            self.scroll_to(y=position, animate=False, immediate=True)
        elif position >= top + height:
            wanted = position - height + 1
            self.scroll_to(y=wanted, animate=False, immediate=True)
            # The scroll does not take while the list has no vertical scrollbar: before the
            # first layout (a store loaded at start), or when this sync made the rows overflow
            # the pane and the layout that adds the bar has not run yet. Tried again when the
            # bar appears: a retry after the next refresh could run before that layout on a
            # busy loop, and the newest row then stayed below the pane until the next arrival.
            self._scroll_pending = round(self.scroll_y) != wanted

    def watch_show_vertical_scrollbar(self, shown: bool) -> None:
        # The bar takes the blank cell that ends each row (row_layout_width): the columns,
        # and the titles above them, stay where they were.
        if shown:
            # Textual tells a hidden bar nothing of scrolling: one hidden while the list was
            # tall came back with its thumb where it was then, not where the rows are.
            self.vertical_scrollbar.position = self.scroll_y
            if self._scroll_pending:
                self._scroll_cursor_into_view()

    # -- actions ---------------------------------------------------------------------------

    def action_cursor_up(self) -> None:
        self._move_to(self.cursor - 1)

    def action_cursor_down(self) -> None:
        self._move_to(self.cursor + 1)

    def select(self, request_id: int) -> bool:
        """Put the cursor on capture `request_id`; False when the view doesn't show it."""
        view = self.view
        # Ids grow with arrival: a binary search, then a scan for stores loaded out of order.
        low, high = 0, len(view)
        while low < high:
            middle = (low + high) // 2
            if view[middle].id < request_id:
                low = middle + 1
            else:
                high = middle
        if not (low < len(view) and view[low].id == request_id):
            low = next((p for p in range(len(view)) if view[p].id == request_id), -1)
        if low < 0:
            return False
        self._move_to(low)
        return True

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

    def on_click(self, event: events.Click) -> None:
        offset = event.get_content_offset(self)
        if offset is None:
            return
        position = round(self.scroll_y) + offset.y
        # Below the last row there is no capture: the selection stays where it was.
        if 0 <= position < len(self.view):
            self._move_to(position)

    # The wheel moves the selection a row at a time, as the arrow keys do: scrolling only
    # the view left the selection off screen, and the next arrival scrolled back to it.
    # With Shift or Ctrl held, the wheel scrolls as everywhere else.
    def on_mouse_scroll_down(self, event: events.MouseScrollDown) -> None:
        if not (event.ctrl or event.shift):
            event.prevent_default()
            event.stop()
            self._move_to(self.cursor + 1)

    def on_mouse_scroll_up(self, event: events.MouseScrollUp) -> None:
        if not (event.ctrl or event.shift):
            event.prevent_default()
            event.stop()
            self._move_to(max(self.cursor - 1, 0))

    def on_resize(self) -> None:
        self.virtual_size = Size(self.size.width, len(self.view))
        self._row_cache.clear()
        # A shorter list (a smaller terminal, the filter or find bar opening) keeps its top
        # row: the cursor's row was left below the pane, the detail showing a capture the
        # list did not, until the next key or arrival moved it.
        self._scroll_cursor_into_view()
        # Told from here, where the new width is known: the app's own resize comes before
        # the screens are laid out, and a screen under the diff is laid out later still.
        self.post_message(self.Resized(self.row_layout_width, self.shape))

    async def on_key(self, event: events.Key) -> None:
        # Find (f) is the detail's: pressed here it did nothing and said nothing. It finds in
        # the selected capture's detail, which takes the focus with its find bar.
        find = get_action("detail_find")
        if event.key not in keys_in_effect(find, active_keymap(self.app)) or self.selected is None:
            return
        from whisper_tui.ui.detail import RequestDetail  # it draws rows as the list does

        event.stop()
        event.prevent_default()
        detail = self.screen.query_one(RequestDetail)
        self.screen.set_focus(detail)
        await detail.action_find_open()

    def on_focus(self) -> None:
        self.refresh()

    def on_blur(self) -> None:
        self.refresh()
