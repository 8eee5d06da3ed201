"""The `/` filter in the TUI: typing (debounced), scanning in a worker, showing the result.

A mixin of the app, so the app module stays small; the filter language itself is core
(whisper_tui/core/filter_terms.py, filter_match.py, filtering.py).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from textual import work
from textual.content import Content
from textual.timer import Timer
from textual.widgets import Input, Static
from textual.worker import get_current_worker

from whisper_tui.core.filter_match import Predicate, compile_filter
from whisper_tui.core.filter_terms import FilterError
from whisper_tui.core.filtering import FilteredView, StoreView, scan
from whisper_tui.core.models import CapturedRequest
from whisper_tui.core.sanitize import printable

if TYPE_CHECKING:
    from whisper_tui.core.session import Session
    from whisper_tui.core.store import RequestStore
    from whisper_tui.ui.request_list import RequestList

FILTER_DEBOUNCE = 0.15


class FilterActions:
    """WhisperApp's filter field and its worker (needs the app's list, store and refresh)."""

    _filter_timer: Timer | None = None
    store: RequestStore
    session: Session
    request_list: RequestList
    _topbar_state: tuple[Any, ...]
    screen_stack: Any
    set_timer: Any
    call_after_refresh: Any
    call_from_thread: Any
    refresh_from_store: Any

    def action_filter(self) -> None:
        field = self.screen_stack[0].query_one("#filter", Input)
        field.display = True
        # Focused now, not after the next refresh (Widget.focus defers it): keys typed right
        # after `/` are already queued behind it (tmux send-keys, a fast typist) and go to
        # whatever has focus when each is handled; `/delivery:` would open the diff on `d`.
        self.screen_stack[0].set_focus(field)

    def on_input_changed(self, event: Input.Changed) -> None:
        if event.input.id != "filter":
            return
        # Typing is debounced: a filter over 100k captures starts once the user pauses.
        if self._filter_timer is not None:
            self._filter_timer.stop()
        self._filter_timer = self.set_timer(FILTER_DEBOUNCE, lambda: self.apply_filter(event.value))

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if event.input.id == "filter":
            self.apply_filter(event.value)
            self.request_list.focus()

    def apply_filter(self, text: str) -> None:
        """Show only the captures matching `text` ('' shows all)."""
        if not self.screen_stack:
            return  # the debounce timer fired while the app was shutting down
        error = self.screen_stack[0].query_one("#filter-error", Static)
        text = text.strip()
        if text == self.request_list.view.text:
            return
        if not text:
            error.display = False
            self.request_list.set_view(StoreView(self.store))
            self._topbar_state = ()
            self.refresh_from_store()
            return
        try:
            predicate = compile_filter(text, self.store.deliveries, self.session.verdicts)
        except FilterError as problem:
            # The list keeps the last filter that worked (as mitmproxy keeps its last valid
            # one): said first, or the rows above read as this text's result.
            shown = self.request_list.view.text
            kept = f"'{printable(shown)}'" if shown else "all"
            # A theme variable, resolved when drawn: a theme change recolours it too.
            said = f"not applied, list shows {kept}: {problem}"
            error.update(Content.styled(said, "bold $text-error"))
            error.display = True
            return
        error.display = False
        self._rescan(text, predicate)

    def _rescan(self, text: str, predicate: Predicate) -> None:
        store = self.store
        seen = (len(store.edits), store.deliveries.renumbered)
        self._filter_in_worker(text, predicate, list(store), store.evicted, seen)

    def rescan_if_needed(self) -> None:
        """Run the filter again in its worker when its view asks (once per view): too many
        captures put back to test on the loop, or arrivals numbered again under repeat:;
        or test the arrivals from a body too costly to search on the loop on (its tail)."""
        view = self.request_list.view
        if not isinstance(view, FilteredView):
            return
        if view.needs_rescan and not view.rescan_asked:
            view.rescan_asked = True
            self._rescan(view.text, view.predicate)
        elif view.tail_waits and not view.tail_asked and not view.needs_rescan:
            view.tail_asked = True
            store = self.store
            first = view.scanned_to
            tail = [store[i] for i in range(max(first - store.evicted, 0), len(store))]
            seen = (len(store.edits), store.deliveries.renumbered)
            self._scan_tail(view, tail, max(first, store.evicted), seen)

    @work(thread=True, exclusive=True, group="filter-tail", description="filter")
    def _scan_tail(
        self,
        view: FilteredView,
        tail: list[CapturedRequest],
        first: int,
        seen: tuple[int, int],
    ) -> None:
        # Bodies to inflate (up to 4 MiB each) are searched here, off the loop.
        matches = scan(tail, view.predicate, first)
        if not get_current_worker().is_cancelled:
            self.call_from_thread(self._take_tail, view, matches, first + len(tail), seen)

    def _take_tail(
        self, view: FilteredView, matches: list[int], scanned_to: int, seen: tuple[int, int]
    ) -> None:
        if self.request_list.view is not view:
            return  # another filter since: its own scan covers these
        view.take_tail(matches, scanned_to, seen)
        self.request_list.set_view(view)  # its matches grew without the store changing
        self._topbar_state = ()
        self.refresh_from_store()

    @work(thread=True, exclusive=True, group="filter", description="filter")
    def _filter_in_worker(
        self,
        text: str,
        predicate: Predicate,
        snapshot: list[CapturedRequest],
        first: int,
        seen: tuple[int, int],
    ) -> None:
        # The snapshot is a list of immutable captures: safe to read off the loop.
        matches = scan(snapshot, predicate, first)
        if not get_current_worker().is_cancelled:
            scanned_to = first + len(snapshot)
            self.call_from_thread(self._show_filtered, text, matches, scanned_to, seen)

    def _show_filtered(
        self, text: str, matches: list[int], scanned_to: int, seen: tuple[int, int]
    ) -> None:
        """`seen`: the store's edits and its index's renumbered count at the snapshot."""
        view = FilteredView(
            self.store, text, matches, scanned_to, *seen, verdicts=self.session.verdicts
        )
        self.request_list.set_view(view)
        self._topbar_state = ()
        self.refresh_from_store()

    def hidden_by_filter(self) -> tuple[str, int] | None:
        """(filter text, captures) when a filter is on and hides every capture."""
        view, total = self.request_list.view, len(self.store)
        return (view.text, total) if view.text and total and not len(view) else None

    def action_clear_filter(self) -> None:
        field = self.screen_stack[0].query_one("#filter", Input)
        if field.display or self.request_list.view.text:
            self.clear_filter()

    def clear_filter(self) -> None:
        field = self.screen_stack[0].query_one("#filter", Input)
        field.value = ""
        field.display = False
        self.screen_stack[0].query_one("#filter-error", Static).display = False
        self.apply_filter("")
        self.request_list.focus()
