"""The refresh timer: the list, the followed detail and the top bar brought up to date from
the store, bursts coalesced; --load's problems and refused requests told once.

A mixin of the app, so the app module stays small.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual.css.query import NoMatches

from whisper_tui.core.sanitize import printable
from whisper_tui.core.status import join
from whisper_tui.ui.keymap import active_keymap
from whisper_tui.ui.keys import key_name
from whisper_tui.ui.topbar import TopBar, bar_parts

if TYPE_CHECKING:
    from whisper_tui.core.session import Session
    from whisper_tui.core.store import RequestStore
    from whisper_tui.ui.detail import RequestDetail
    from whisper_tui.ui.request_list import RequestList

REFRESH_INTERVAL = 0.1
"""Seconds between refreshes (count, list, the followed detail): new captures are coalesced,
never drawn one by one, and a single webhook shows within this."""
BUSY_RATE = 200
"""Captures per second from which the screen is refreshed only every BUSY_INTERVAL."""
BUSY_INTERVAL = 1.0
"""During a burst every redraw (count, list, the newest capture's detail) competes with the
server for the one loop, and a page of rows replaced 10 times a second is unreadable anyway.
A redraw of a 200x50 screen during a burst costs 20-30 ms of the loop (Textual composes every
row and the detail anew): at 0.5 s that was a quarter of the app's CPU when other load slowed
it to ~2,000 captures/s. Being paid per second, not per capture, it also made slow rounds
slower still: halving it halves that swing."""


class StoreRefresh:
    """WhisperApp's refresh timer (needs the app's session, store, list, detail and notify)."""

    session: Session
    store: RequestStore
    request_list: RequestList
    detail: RequestDetail
    base_url: str
    screen_stack: Any
    notify: Any
    call_after_refresh: Any
    rescan_if_needed: Any
    _fit_list_width: Any
    is_running: bool

    # What the last refresh saw (immutable values: the class's serve until first set).
    _topbar_state: tuple[str, ...] = ()
    _rejections_told = 0
    _screen_synced_at = 0.0
    _ticked_at = 0.0
    _received_at_tick = 0
    _loading_was_finished = False

    def _tick(self) -> None:
        """The refresh timer: every REFRESH_INTERVAL, or every BUSY_INTERVAL during a burst."""
        now = time.monotonic()
        received = self.store.received
        rate = (received - self._received_at_tick) / max(now - self._ticked_at, 1e-3)
        self._received_at_tick, self._ticked_at = received, now
        self._report_loading()
        # The end of --load is shown at once, not up to BUSY_INTERVAL later: the rows and the
        # count stop changing there, and the top bar stops saying "loading".
        loading = self.session.loading
        finished = loading is not None and loading.finished and not self._loading_was_finished
        self._loading_was_finished = loading is not None and loading.finished
        if rate >= BUSY_RATE and now - self._screen_synced_at < BUSY_INTERVAL and not finished:
            return
        self._screen_synced_at = now
        self.refresh_from_store()

    def _loading_finished(self) -> None:
        """--load is all in: drawn now rather than at the next tick (up to REFRESH_INTERVAL
        later), and the server starts once that frame is out (Session.loaded_shown)."""
        self._tick()
        self.call_after_refresh(self.session.loaded_shown)

    def _report_loading(self) -> None:
        """A --load file that was cut short or had bad entries: one line each, once."""
        loading = self.session.loading
        for problem in loading.new_problems() if loading is not None else ():
            self.notify(problem, severity="warning", timeout=20)

    def refresh_from_store(self) -> None:
        """Bring the list and the counts up to date (called on a timer, so bursts coalesce)."""
        if not self.is_running:
            # Shutting down: the screens' widgets are removed one by one while the timer
            # still ticks, the top bar (a leaf) a turn before the list and the detail; a tick
            # in between found those two, then no top bar, and crashed the app.
            return
        try:
            self.request_list, self.detail  # noqa: B018 - gone while the app shuts down (detail first)
        except (NoMatches, IndexError):  # IndexError: not even the main screen is left
            return
        self.request_list.sync()
        self.rescan_if_needed()
        # Now rather than on the Selected message the sync posts: the list and the detail of
        # the newest capture then go out in one frame instead of two.
        self.detail.show(self.request_list.selected)
        self.detail.refresh_attempts()
        self._fit_list_width()
        self._tell_of_rejections()
        shown = self.request_list
        stats = self.store.stats()
        status = self.session.status_parts()
        view = shown.view
        filtered = ""
        if view.text:
            filtered = f"showing {len(view):,} of {stats.stored:,} for '{printable(view.text)}'"
        # What the list did and where the cursor is, kept at the right end of the bar.
        notice = shown.current_notice
        follow = f"{key_name('list_last', active_keymap(self))} to follow"
        away = "" if shown.following or not len(view) else follow
        if away and (new := shown.new_while_away):
            away = f"{new:,} new · {follow}"
        state = (join(status), filtered, notice, away)
        if state != self._topbar_state:
            self._topbar_state = state
            right = Text(no_wrap=True)
            right.append(notice, "bold")
            if away:
                right.append("   " if notice else "")
                right.append(away, "bold" if "new ·" in away else "wt.muted")
            parts = bar_parts(self.base_url, status, filtered)
            self.screen_stack[0].query_one(TopBar).show(parts, right)

    def _tell_of_rejections(self) -> None:
        # Refused requests never reach the list; a toast says one came (once per refresh).
        rejections = self.store.rejections
        if rejections.total > self._rejections_told and rejections.last is not None:
            new = rejections.total - self._rejections_told
            self._rejections_told = rejections.total
            what = "a request" if new == 1 else f"{new:,} requests"
            last = rejections.last
            if last.internal:
                told = f"whisper-tui failed on {what} (not captured; a bug, please report it)"
                self.notify(f"{told}: {last.describe()}", severity="error")
            else:
                told = f"HTTP parser refused {what} (not captured)"
                self.notify(f"{told}: {last.describe()}", severity="warning")
