"""The diff screen: two captures side by side, aligned row for row, changes emphasized.

The diff itself is computed in whisper_tui.core.diff on a worker thread; this screen only
draws the rows on screen (Line API), each half wrapped at its width (diff_layout), and
computes character-level emphasis for the changed rows it draws.
"""

from __future__ import annotations

from collections.abc import Callable

from rich.style import Style
from rich.text import Text
from textual import events, work
from textual.app import ComposeResult
from textual.binding import ActiveBinding
from textual.cache import LRUCache
from textual.containers import VerticalScroll
from textual.content import Content
from textual.geometry import Size
from textual.screen import Screen
from textual.scroll_view import ScrollView
from textual.strip import Strip
from textual.widgets import Footer, Static

from whisper_tui.core.diff import (
    DiffRow,
    Folded,
    RequestDiff,
    diff_answers,
    diff_requests,
    fold,
)
from whisper_tui.core.models import CapturedRequest
from whisper_tui.core.probe import ProbeResult
from whisper_tui.core.sanitize import printable
from whisper_tui.core.signatures import Verdict
from whisper_tui.core.verdicts import verdict_changes
from whisper_tui.ui.action_bindings import bindings_for, footer_ordered
from whisper_tui.ui.diff_layout import (
    DIVIDER,
    NUMBER_WIDTH,
    STYLES,
    first_change_line,
    half_widths,
    item_lines,
    item_starts,
    locate,
)
from whisper_tui.ui.diff_summary import request_summary, summary_text, verdict_text
from whisper_tui.ui.keymap import active_keymap
from whisper_tui.ui.text_flow import Flowed, Piece

SUMMARY_LINES = 12
ROW_CACHE_SIZE = 1024
ITEM_CACHE_SIZE = 64
"""Items whose wrapped lines are kept: a row of a 100 KB value wraps to thousands."""


class DiffView(ScrollView, can_focus=True):
    """Rows of a RequestDiff, folded and wrapped (diff_layout); j/k move a cursor row, Enter
    expands a fold. Scrolling is by screen lines, the cursor by rows."""

    BINDINGS = bindings_for("diff_view")

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.diff: RequestDiff | None = None
        self.items: list[DiffRow | Folded] = []
        self.cursor = 0
        self._starts = item_starts([], 1)
        self._width = 0
        """The width the items were laid out at."""
        self._relayout_queued = False
        self._at_change = False
        """The cursor came by n / p (or opening): a tall row is shown at its difference."""
        self._cache: LRUCache[tuple[int, int, int, bool], Strip] = LRUCache(ROW_CACHE_SIZE)
        self._item_lines: LRUCache[tuple[int, int], list[Text]] = LRUCache(ITEM_CACHE_SIZE)

    def show(self, diff: RequestDiff) -> None:
        self.diff = diff
        self.items = fold(diff.rows)
        self.cursor = 0
        self._changed()
        first = self._change_positions()
        if first:
            self._move(first[0], to_change=True)

    def _changed(self) -> None:
        """Lay the items out again (new items, or a new width). The cursor's row stays in
        view if it was (at its change, after n); else the row on top stays on top."""
        self._relayout_queued = False
        self._cache.clear()
        self._item_lines.clear()
        old, top = self._starts, round(self.scroll_y)
        same = len(old) == len(self.items) + 1 and 0 <= top < old[-1]
        height = max(self.scrollable_content_region.height, 1)
        cursor_seen = same and old[self.cursor] < top + height and old[self.cursor + 1] > top
        anchor = locate(old, top) if same else None
        self._width = max(self.scrollable_content_region.width, 1)
        self._starts = item_starts(self.items, self._width)
        self.virtual_size = Size(self.size.width, self._starts[-1])
        if cursor_seen:
            self._move(self.cursor, self._at_change)
        elif anchor is not None:
            item, sub = anchor
            sub = sub * self._height_of(item) // max(old[item + 1] - old[item], 1)
            self.scroll_to(y=self._starts[item] + sub, animate=False, immediate=True, force=True)
        self.refresh()

    def _height_of(self, item: int) -> int:
        return self._starts[item + 1] - self._starts[item]

    def _change_positions(self) -> list[int]:
        """Display positions where a run of changes starts."""
        if self.diff is None:
            return []
        starts = set(self.diff.change_rows)
        positions = []
        for position, item in enumerate(self.items):
            if isinstance(item, DiffRow) and item.kind not in ("equal", "section"):
                previous = self.items[position - 1] if position else None
                if not (
                    isinstance(previous, DiffRow) and previous.kind not in ("equal", "section")
                ):
                    positions.append(position)
        return positions or sorted(starts)

    def _move(self, position: int, to_change: bool = False) -> None:
        """Put the cursor on an item and scroll it into view: a third of the way down, or a
        row taller than that leaves from its top (`to_change`: from its first difference)."""
        if not self.items:
            return
        self.cursor = max(0, min(position, len(self.items) - 1))
        self._at_change = to_change
        height = max(self.scrollable_content_region.height, 1)
        top = round(self.scroll_y)
        first = self._starts[self.cursor]
        if self._height_of(self.cursor) <= height - height // 3:
            want, y = (first, self._starts[self.cursor + 1]), first - height // 3
        else:
            line = first
            if to_change:
                line += first_change_line(self.items[self.cursor], self._width)
            want, y = (line, line + 1), max(first, line - height // 3)
        if not (top <= want[0] and want[1] <= top + height):
            # force: right after a layout the scrollbars are only decided at the next one.
            self.scroll_to(y=max(y, 0), animate=False, immediate=True, force=True)
        self.refresh()

    def action_cursor(self, step: int) -> None:
        self._move(self.cursor + step)

    def action_page(self, step: int) -> None:
        """A screen of lines up or down; the cursor goes to the row then on top (a row taller
        than the screen is paged through, not skipped)."""
        height = max(self.scrollable_content_region.height - 1, 1)
        y = max(0, min(round(self.scroll_y) + step * height, self._starts[-1] - 1))
        self.scroll_to(y=y, animate=False, immediate=True)
        if self.items:
            self.cursor = locate(self._starts, round(self.scroll_y))[0]
        self.refresh()

    def action_edge(self, end: int) -> None:
        self._move(len(self.items) - 1 if end else 0)

    def action_jump(self, step: int) -> None:
        positions = self._change_positions()
        if step > 0:
            ahead = [p for p in positions if p > self.cursor]
            target = ahead[0] if ahead else None
        else:
            behind = [p for p in positions if p < self.cursor]
            target = behind[-1] if behind else None
        if target is None:
            self.notify("No more changes that way.", timeout=2)
            return
        self._move(target, to_change=True)

    def action_expand(self) -> None:
        item = self.items[self.cursor] if self.items else None
        if isinstance(item, Folded) and self.diff is not None:
            self.items[self.cursor : self.cursor + 1] = self.diff.rows[item.start : item.end]
            self._changed()

    def on_click(self, event: events.Click) -> None:
        """A click puts the cursor on the row; on a fold it also opens it (as Enter does)."""
        offset = event.get_content_offset(self)
        if offset is None:
            return
        line = round(self.scroll_y) + offset.y
        if 0 <= line < self._starts[-1]:
            self._move(locate(self._starts, line)[0])
            self.action_expand()

    def on_resize(self) -> None:
        self._changed()

    def on_mount(self) -> None:
        self.app.theme_changed_signal.subscribe(self, lambda _theme: self._restyle())

    def _restyle(self) -> None:
        # Cached lines hold the old theme's colours; the layout stays as it is.
        self._cache.clear()
        self._item_lines.clear()
        self.refresh()

    def render_line(self, y: int) -> Strip:
        line = round(self.scroll_y) + y
        width = self.scrollable_content_region.width
        if width != self._width and not self._relayout_queued:
            # A scrollbar came or went since the rows were laid out: wrap them again.
            self._relayout_queued = True
            self.call_after_refresh(self._changed)
        if not 0 <= line < self._starts[-1]:
            return Strip.blank(width, self.rich_style)
        position, sub = locate(self._starts, line)
        key = (position, sub, self._width, position == self.cursor)
        strip = self._cache.get(key)
        if strip is None:
            lines = self._item_lines.get((position, self._width))
            if lines is None:
                keymap = active_keymap(self.app)  # a fold names the key that expands it
                lines = item_lines(self.items[position], self._width, keymap)
                self._item_lines.set((position, self._width), lines)
            text = lines[min(sub, len(lines) - 1)]
            if position == self.cursor and self.has_focus:
                text = self._with_cursor(self.items[position], text)
            strip = Strip(list(text.render(self.app.console)), text.cell_len)
            strip = strip.extend_cell_length(width).crop(0, width).apply_style(self.rich_style)
            self._cache.set(key, strip)
        return strip

    def _with_cursor(self, item: DiffRow | Folded, text: Text) -> Text:
        """`text` (a line of the cursor's row) with the cursor on it, on the selection's ground
        (palette.selection_ground): a row's line numbers, both halves (the row keeps its change
        tints); a section's title or a fold, the whole line. Reverse video where the terminal's
        palette decides the colours."""
        text = text.copy()
        cursor = Style(reverse=True, bold=True) if self.app.native_ansi_color else STYLES["cursor"]
        if isinstance(item, Folded) or item.kind == "section":
            text.pad_right(self._width - text.cell_len)
            text.stylize(cursor)
            return text
        right = half_widths(self._width)[0] + len(DIVIDER)
        for start in (0, right):
            text.stylize(cursor, start, start + NUMBER_WIDTH)
        return text


class DiffScreen(Screen[None]):
    """Older capture on the left, newer on the right, summary of changes above.

    Or, for the idempotency probe (`of_probe`), two of the app's answers to the same capture,
    with the verdict above the summary.
    """

    BINDINGS = bindings_for("diff")

    @property
    def active_bindings(self) -> dict[str, ActiveBinding]:
        return footer_ordered(super().active_bindings)  # in the table's order, keymap or not

    def __init__(
        self,
        older: CapturedRequest,
        newer: CapturedRequest,
        probe: ProbeResult | None = None,
        roles: tuple[str, str] = ("", ""),
        verdicts: Callable[[CapturedRequest], list[Verdict]] | None = None,
    ) -> None:
        """`roles`: how each capture was chosen ('marked', 'cursor'), said in the title;
        `verdicts` (the session's), to say first when the signature verdicts differ."""
        super().__init__()
        self.signatures = (
            verdict_changes(verdicts(older), verdicts(newer), body_changed=older.body != newer.body)
            if verdicts is not None and probe is None
            else []
        )
        """How the two captures' signature verdicts differ (the summary's first lines)."""
        self.older = older
        self.newer = newer
        self.roles = roles
        self.probe = probe
        self.sort_keys = False
        self.ignore_volatile = probe is not None  # answers: Date, Server... differ anyway
        self._diff: RequestDiff | None = None
        self._summary_width = 0

    @classmethod
    def of_probe(cls, result: ProbeResult) -> DiffScreen:
        """The answers of a probe side by side: the first, and the first that differs."""
        return cls(result.request, result.request, result)

    def compose(self) -> ComposeResult:
        yield Static(id="diff-title")
        with VerticalScroll(id="diff-summary-box"):
            yield Static(id="diff-summary")
        yield DiffView(id="diff-view")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one(DiffView).focus()
        self._recompute()

    def _title(self) -> Flowed:
        """Both captures and the options on one line; in a narrow screen, one under the other."""
        parts: list[Piece] = []
        if self.probe is not None:
            left, right = self.probe.pair
            title = Text(f"answers to #{self.older.id} ", "bold")
            title.append(f"send {left + 1} │ send {right + 1} of {len(self.probe.attempts)}", "")
            parts.append(("", title))
            parts.append(
                ("   ", Text(f"{printable(self.older.method)} {printable(self.older.target)}"))
            )
        else:
            sides = zip(("older", "newer"), (self.older, self.newer), self.roles, strict=True)
            for label, request, role in sides:
                title = Text(f"{label} #{request.id} ", "bold")
                if role:
                    title.append(f"({role}) ", "italic")
                title.append(f"{printable(request.method)} {printable(request.target)}", "")
                parts.append(("   ", title))
        options = []
        if self.sort_keys:
            options.append("keys sorted (s)")
        if self.ignore_volatile:
            options.append("volatile headers hidden (v)")
        if options:
            parts.append(("   ", Text(" · ".join(options), "italic")))
        return Flowed(parts)

    def _recompute(self) -> None:
        self.query_one("#diff-title", Static).update(self._title())
        self.query_one("#diff-summary", Static).update(Content.styled("comparing…", "$text-muted"))
        self._compute(self.sort_keys, self.ignore_volatile)

    @work(thread=True, exclusive=True, group="diff")
    def _compute(self, sort_keys: bool, ignore_volatile: bool) -> None:
        # Megabyte bodies take a few hundred ms: never on the loop the server shares.
        if self.probe is not None:
            left, right = self.probe.pair
            diff = diff_answers(
                self.probe.attempts[left],
                self.probe.attempts[right],
                sort_keys=sort_keys,
                ignore_volatile=ignore_volatile,
            )
        else:
            diff = diff_requests(
                self.older, self.newer, sort_keys=sort_keys, ignore_volatile=ignore_volatile
            )
        self.app.call_from_thread(self._show, diff)

    def _show(self, diff: RequestDiff) -> None:
        self._diff = diff
        self._show_summary()
        self.query_one(DiffView).show(diff)

    def _show_summary(self) -> None:
        """The summary laid out for the box's width (long changes split, see diff_summary)."""
        if self._diff is None:
            return
        box = self.query_one("#diff-summary-box", VerticalScroll)
        # The box's scrollbar takes room only once it overflows: leave room for it anyway.
        width = max(box.content_region.width - box.styles.scrollbar_size_vertical, 20)
        if self.probe is not None:
            verdict = verdict_text(self.probe)
            summary = Content("\n").join([verdict, summary_text(self._diff, width, "status line")])
        else:
            same = self.older.body == self.newer.body
            summary = request_summary(
                self._diff, width, self.signatures, same, len(self.newer.body)
            )
        self._summary_width = width
        self.query_one("#diff-summary", Static).update(summary)

    def on_resize(self, event: events.Resize) -> None:
        self.call_after_refresh(self._resummarize)

    def _resummarize(self) -> None:
        box = self.query_one("#diff-summary-box", VerticalScroll)
        if box.content_region.width - box.styles.scrollbar_size_vertical != self._summary_width:
            self._show_summary()

    def action_toggle_sort(self) -> None:
        self.sort_keys = not self.sort_keys
        self._recompute()

    def action_toggle_volatile(self) -> None:
        self.ignore_volatile = not self.ignore_volatile
        self._recompute()

    def action_close(self) -> None:
        self.app.pop_screen()
