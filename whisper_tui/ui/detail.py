"""The selected capture: request line, query, headers, then the body, as one virtual document.

Only the lines on screen are highlighted (and cached). Bodies above a threshold are decoded
and formatted in a thread worker so the shared loop (which is also the capture server) never
waits on a 5 MB payload; counting, measuring and searching the lines happen a few
milliseconds at a time between frames (detail_slices.py). The head (request line, notes,
query and header values) always fits the pane's width and never scrolls sideways: a header's
value (a signature) is what a user came to read. `w` wraps the body's long lines, `f` finds
(detail_find.py), `y` copies a value (detail_copy.py), `v` shows the bytes as stored
(body_modes.py).
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Callable

from rich.style import Style
from rich.text import Text
from textual import work
from textual.cache import LRUCache
from textual.containers import Vertical
from textual.geometry import Size
from textual.message import Message
from textual.strip import Strip
from textual.timer import Timer

from whisper_tui.core.contentviews import BodyView, body_view, body_view_within
from whisper_tui.core.contentviews.stored import view_as
from whisper_tui.core.models import Attempt, CapturedRequest
from whisper_tui.core.responses import ResponsePolicy
from whisper_tui.core.verdicts import Verdicts
from whisper_tui.ui.action_bindings import bindings_for
from whisper_tui.ui.body_modes import BodyModes, body_hint, raw_text
from whisper_tui.ui.delivery_lines import DeliveryHistory
from whisper_tui.ui.detail_copy import CopyValue
from whisper_tui.ui.detail_find import FindInDetail
from whisper_tui.ui.detail_layout import (
    MARK,
    MARK_CELLS,
    MEASURE_BUDGET,
    BodyLayout,
    fit_hex,
    later_room,
    row_holding,
    row_start,
    row_starts,
    same_bytes_row,
)
from whisper_tui.ui.detail_lines import Head, build_head, verdict_lines
from whisper_tui.ui.detail_slices import WorkInSlices
from whisper_tui.ui.find_bar import BodyFind, FindBar
from whisper_tui.ui.highlight import SyntaxColours, highlight_line
from whisper_tui.ui.keymap import active_keymap
from whisper_tui.ui.pair_rows import pair_lines
from whisper_tui.ui.replay_actions import target_hint
from whisper_tui.ui.scrolling import FollowsEnd, set_virtual_size
from whisper_tui.ui.toasts import toast

__all__ = ["DetailPane", "RequestDetail", "pair_lines", "verdict_lines"]

INLINE_DECODE_LIMIT = 256 * 1024
"""Bodies up to this size, on the wire and decoded, are decoded on the spot; bigger ones in a
worker thread (a gzip body is inflated at most this far on the loop to find out)."""
FIRST_SCREEN_LINES = 400
LINE_CACHE_SIZE = 2048

Remember = Callable[[str, bool], None]  # writes a setting back: remember("wrap", True)


class DetailPane(Vertical):
    """The detail and, once `f` is pressed, its find bar under it (styled in app.tcss)."""


class RequestDetail(CopyValue, BodyModes, FindInDetail, WorkInSlices, FollowsEnd, can_focus=True):
    """Everything about one capture, top to bottom, highlighted lazily."""

    BINDINGS = bindings_for("detail")

    _mark_strip: Strip | None = None
    """MARK as drawn in the current theme (built on first use after each rebuild)."""

    class BodyProgress(Message):
        """A worker produced more body lines (or finished) for the shown capture."""

        def __init__(self, request_id: int, view: BodyView | None) -> None:
            self.request_id = request_id
            self.view = view
            super().__init__()

    def __init__(
        self,
        verdicts: Verdicts | None = None,
        base_url: str = "",
        attempts_for: Callable[[int], list[Attempt]] | None = None,
        *,
        policy: ResponsePolicy | None = None,
        history_for: Callable[[CapturedRequest], DeliveryHistory | None] | None = None,
        wrap: bool = False,
        remember: Remember | None = None,
        hidden_by_filter: Callable[[], tuple[str, int] | None] | None = None,
        id: str | None = None,
    ) -> None:
        super().__init__(id=id)
        self.attempts_for = attempts_for
        self.history_for = history_for  # the capture's delivery and its other arrivals
        self._shown: tuple[int, object] = (0, None)  # (attempts, history key) last drawn
        self.verdicts = verdicts
        self.base_url = base_url
        self.policy = policy
        self.wrap = wrap
        self.remember = remember
        self.hidden_by_filter = hidden_by_filter  # (filter, captures) when it hides them all
        self._hidden: tuple[str, int] | None = None  # what the empty detail last said
        self.request: CapturedRequest | None = None
        self._head = Head()
        self._head_starts: list[int] = []  # each head line's first row, then the total
        self._view: BodyView | None = None
        self._layout: BodyLayout | None = None
        self._cache: LRUCache[int, Strip] = LRUCache(LINE_CACHE_SIZE)
        self._counter: Timer | None = None
        self._base_style: Style | None = None
        self._colours = SyntaxColours()
        self._sized_at = 0.0
        self._find: BodyFind | None = None
        self._bar: FindBar | None = None
        self._goto: tuple[int, int, bool] | None = None  # (line, cell, at top) to scroll to

    # -- content ---------------------------------------------------------------------------

    def show(self, request: CapturedRequest | None) -> None:
        """Display a capture (None: the waiting message, or what the filter hides)."""
        hidden = self.hidden_by_filter() if request is None and self.hidden_by_filter else None
        if request is self.request and self._head.lines and hidden == self._hidden:
            return
        self.request, self._hidden = request, hidden
        self._cache.clear()
        self._view = None
        self._layout = None
        self._goto = None
        self.stop_following()
        self.scroll_to(0, 0, animate=False, immediate=True)
        if request is not None:
            if self.body_mode != "auto":
                self._set_view(view_as(request, self.body_mode))  # raw, hex: lazy (_work_slice)
            elif (inline := self._inline_view(request)) is not None:
                self._set_view(inline)
            else:
                self._decode_in_worker(request)
        self._rebuild()
        if self._find is not None:
            self.find(self._find.query)

    @staticmethod
    def _inline_view(request: CapturedRequest) -> BodyView | None:
        """The body's view built here on the loop, or None when it is worker work: over the
        limit on the wire, or decoded (a ~100 KB gzip bomb inflates to the 64 MiB cap)."""
        if len(request.body) > INLINE_DECODE_LIMIT:
            return None
        return body_view_within(request, INLINE_DECODE_LIMIT)

    @property
    def body_view(self) -> BodyView | None:
        return self._view

    def _set_view(self, view: BodyView) -> None:
        self._view = view = fit_hex(view, self._text_width())
        self._layout = BodyLayout(view.lines)
        self._layout.set_wrap(self._wrap_width())
        view.lines.advance(FIRST_SCREEN_LINES)
        self._layout.advance(MEASURE_BUDGET)
        if self._find is not None:
            self._find.body = view.lines
        self._work_in_slices()

    @work(thread=True, exclusive=True, group="detail-body", description="decode body")
    def _decode_in_worker(self, request: CapturedRequest) -> None:
        # Decoding (content-encoding, charset) is C work that releases the GIL; only the
        # first screen of lines is produced here, the rest is counted on the loop in slices.
        view = body_view(request)
        view.lines.advance(FIRST_SCREEN_LINES)
        self.post_message(self.BodyProgress(request.id, view))

    def on_request_detail_body_progress(self, message: BodyProgress) -> None:
        if message.request_id != getattr(self.request, "id", None) or self.body_mode != "auto":
            return  # another capture's, or raw or hex is shown since
        if message.view is not None:
            self._set_view(message.view)
            self._rebuild()

    # -- layout ----------------------------------------------------------------------------

    def _text_width(self) -> int:
        # The vertical scrollbar's column is always left free: measured with it absent, the
        # rows would be one cell too wide once it appears (the body loads after the first
        # layout), and a horizontal scrollbar would follow.
        gutter = self.styles.scrollbar_size_vertical
        return max(self.content_region.width - gutter, 10)

    def _wrap_width(self) -> int | None:  # rows are counted at this width with wrap on
        return self._text_width() if self.wrap else None

    def _refit_hex(self) -> bool:
        """The width changed: a hex dump takes the bytes a row that now fit (fit_hex), the
        same bytes kept on top. True when it did."""
        view = self._view
        if view is None or (fitted := fit_hex(view, self._text_width())) is view:
            return False
        top, head = self._locate(round(self.scroll_y)), len(self._head.lines)
        self._set_view(fitted)
        if top is not None and top[0] >= head:
            self._goto = (head + same_bytes_row(top[0] - head, view, fitted), 0, True)
        if self._find is not None:
            self.find(self._find.query)  # matches are counted by row
        return True

    def _rebuild(self) -> None:
        refitted = self._refit_hex()
        verdicts = (
            self.verdicts.for_request(self.request) if self.verdicts and self.request else None
        )
        # Laid out at the width rows are cut at, which stays put when the scrollbar comes.
        width = max(self._text_width(), 20)
        attempts = self.attempts_for(self.request.id) if self.attempts_for and self.request else []
        history = self.history_for(self.request) if self.history_for and self.request else None
        self._shown = (len(attempts), history.key if history else None)
        self._colours = SyntaxColours.on(self.app.current_theme.dark, self._style())
        more = (verdicts, self.base_url, attempts, self.policy, self._colours, history)
        # The keys in effect: a keymap may have moved T or v.
        hints = (target_hint(self.app), body_hint(self.body_mode, self.app))
        keymap = active_keymap(self.app)  # the empty detail's hint names the filter's keys
        self._notes_drawn = tuple(self._view.notes) if self._view else ()  # raw's may change
        self._head = build_head(
            self.request,
            self._view,
            width,
            *more,
            self._hidden,
            *hints,
            keymap=keymap,
        )
        if self._layout is not None:
            self._layout.set_wrap(self._wrap_width())
        # The head wraps whatever w says (w is the body's): its lines are laid out at the
        # text width, and any longer one (there should be none) takes more rows, never the
        # sideways scroll, which would hide a header's name while the body is read.
        widths = (line.cell_len for line in self._head.lines)
        self._head_starts = row_starts(widths, self._text_width())
        if self._find is not None:
            self._find.set_head([line.plain for line in self._head.lines])
            self._show_find_status()
        self._cache.clear()
        self._mark_strip = None
        self._update_size()
        self._work_in_slices()
        if refitted:
            self._go_when_ready()
        self.refresh()

    def _head_rows(self) -> int:  # before the first build: no head
        return self._head_starts[-1] if self._head_starts else 0

    def _update_size(self) -> None:
        layout = self._layout
        height = self._head_rows() + (layout.rows if layout else 0)
        region_width = self.scrollable_content_region.width
        if self.wrap:
            width = self._wrap_width() or region_width
            if layout is not None and layout.unwrapped:
                width = max(width, layout.longest)  # a hex dump too wide even at 4 bytes a row
        else:
            # At least the text width, not the region's: measured before the vertical
            # scrollbar came, the region's would be one cell too wide once it shows, and a
            # horizontal scrollbar would take a row for nothing. The head always wraps.
            width = max(self._text_width(), layout.longest if layout else 0)
        # Rows counted below the screen change only the scrollbar: the lines shown stay drawn.
        old, shown = self.virtual_size, self.scroll_y + self.scrollable_content_region.height
        below = old.width == width and min(old.height, height) >= shown
        set_virtual_size(self, Size(width, height), repaint=not below)
        self.keep_to_end()
        if not below:
            self.refresh()

    def still_growing(self) -> bool:  # G keeps to the end while it does (FollowsEnd)
        return self._pending() or (self.request is not None and self._view is None)

    def action_scroll_home(self) -> None:
        self._goto = None  # where w was to go back to, not yet counted: the user went elsewhere
        super().action_scroll_home()

    def action_scroll_end(self) -> None:
        self._goto = None
        super().action_scroll_end()

    def on_resize(self) -> None:
        self._rebuild()

    def refresh_attempts(self) -> None:
        """Redraw if the shown capture gained attempts (a replay or forward finished) or its
        delivery changed (another arrival, one deleted, a relayed answer came)."""
        if (request := self.request) is not None:
            attempts = self.attempts_for(request.id) if self.attempts_for else []
            history = self.history_for(request) if self.history_for else None
            if (len(attempts), history.key if history else None) != self._shown:
                self._rebuild()

    def _locate(self, row: int) -> tuple[int, int] | None:
        """(document line, wrapped row within it) shown on screen row `row`, if any."""
        head = len(self._head.lines)
        head_rows = self._head_rows()
        if row < head_rows:  # so _head_starts is built
            line = bisect_right(self._head_starts, row) - 1
            return line, row - self._head_starts[line]
        layout = self._layout
        if layout is None or row - head_rows >= layout.rows:
            return None
        line, sub = layout.locate(row - head_rows)
        return head + line, sub

    def _row_of(self, line: int) -> int | None:
        """The first screen row of a document line (None until wrapping has reached it)."""
        head = len(self._head.lines)
        if line < head:
            return self._head_starts[line] if self._head_starts else None
        if self._layout is None:
            return None
        row = self._layout.row_of(line - head)
        return None if row is None else self._head_rows() + row

    # -- rendering -------------------------------------------------------------------------

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        place = self._locate(round(self.scroll_y) + y)
        if place is None:
            return Strip.blank(width, self._style())
        index, sub = place
        strip = self._cache.get(index)
        if strip is None:
            text = self._line_text(index)
            if text is None:
                return Strip.blank(width, self._style())
            strip = Strip(list(text.render(self.app.console)), text.cell_len)
            self._cache.set(index, strip)
        if self._layout is not None and self._layout.wrap_width != self._wrap_width():
            # A scrollbar came or went since the rows were counted: count them again.
            self.call_after_refresh(self._rebuild)
        layout = self._layout
        in_head = index < len(self._head.lines)
        # The head always wraps and stays put while the body scrolls sideways (wrap off), as
        # a page's prose does beside a code block; rows that never wrap (a hex dump) scroll
        # sideways even with wrap on.
        wrapped = in_head or (self.wrap and not (layout and layout.unwrapped))
        if not wrapped:
            start = round(self.scroll_x)
            line = strip.crop(start, start + width).extend_cell_length(width)
            return line.apply_style(self._style())
        step = self._text_width()
        room = step if sub == 0 else later_room(step)
        start = row_start(sub, step)
        end = start + min(room, width)
        cells = layout.row_cells(index - len(self._head.lines)) if layout and not in_head else None
        if cells and sub < len(cells):  # rows break between escapes, never in one
            start = cells[sub]
            end = cells[sub + 1] if sub + 1 < len(cells) else start + room
        line = strip.crop(start, end)
        if sub:  # a continuation, marked as the diff marks one
            line = Strip.join([self._mark(), line])
        return line.extend_cell_length(width).apply_style(self._style())

    def _mark(self) -> Strip:
        """MARK drawn in the muted style (once per theme: the line cache's clear resets it)."""
        if self._mark_strip is None:
            marked = Text(MARK, "wt.muted", end="")
            self._mark_strip = Strip(list(marked.render(self.app.console)), MARK_CELLS)
        return self._mark_strip

    def _style(self) -> Style:
        # rich_style walks the DOM (~0.2 ms); once per style change, not once per line.
        if self._base_style is None:
            self._base_style = self.rich_style
        return self._base_style

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._base_style = None

    def on_mount(self) -> None:
        # Cached lines hold the old theme's colours: drawn again in the new ones at once.
        self.app.theme_changed_signal.subscribe(self, lambda _theme: self._rebuild())

    def _line_text(self, index: int) -> Text | None:
        if index < len(self._head.lines):
            text = self._head.lines[index]
        else:
            line = self._body_line(index)
            if line is None or self._view is None:
                return None
            raw = self._view.kind == "raw"
            text = raw_text(line) if raw else highlight_line(line, self._view.lexer, *self._colours)
        return self._find.highlight(index, text) if self._find else text

    def _body_line(self, index: int) -> str | None:
        body_index = index - len(self._head.lines)
        if self._view is None or not 0 <= body_index < len(self._view.lines):
            return None
        return self._view.lines[body_index]

    # -- wrap ------------------------------------------------------------------------------

    def action_toggle_wrap(self) -> None:
        """Wrap the body's long lines at the pane's width, or scroll them sideways;
        remembered. The head (header and query values) wraps either way."""
        top = self._locate(round(self.scroll_y))
        self.wrap = not self.wrap
        self._rebuild()
        self.scroll_to(x=0, animate=False, immediate=True)
        if top is not None:
            self._goto = (top[0], 0, True)
            self._go_when_ready()
        toast(
            self.app,
            "the body's long lines wrap"
            if self.wrap
            else "the body's long lines scroll sideways (← →)",
            title="Wrap on" if self.wrap else "Wrap off",
            timeout=2,
            kind="wrap",
        )
        if self.remember is not None:
            self.remember("wrap", self.wrap)

    def _go_when_ready(self) -> None:
        """Scroll to the pending (line, cell) once its row is known."""
        if self._goto is None:
            return
        line, cell, at_top = self._goto
        row = self._row_of(line)
        if row is None:
            return
        self._goto = None
        self._update_size()
        width = max(self.scrollable_content_region.width, 1)
        height = max(self.scrollable_content_region.height, 1)
        head, layout = len(self._head.lines), self._layout
        if line < head:  # the head always wraps, and never scrolls sideways
            row += row_holding(cell, self._text_width())
            x = self.scroll_x
        elif self.wrap:
            if layout is not None:
                row += layout.row_within(line - head, cell)
            x = 0.0
        else:
            x = self.scroll_x
            if not x <= cell < x + width - 1:
                x = max(0, cell - width // 3)
        y = self.scroll_y
        if at_top:
            y = row
        elif not y <= row < y + height:
            y = max(0, row - height // 3)
        # force: right after a wrap toggle the scrollbars are only re-decided at the next layout.
        self.scroll_to(x=x, y=y, animate=False, immediate=True, force=True)
