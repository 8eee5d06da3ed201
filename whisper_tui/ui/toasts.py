"""Toasts: never markup, a newer one replacing the older of its kind or the same words,
compact on short screens, gone with the screen they were about.

At 80x24 a toast in Textual's style takes four rows and the gap above it (a blank row of
padding each side of the text): two keys pressed in a row (`v`, then `w`) covered most of the
detail's body. A kind (`v`'s mode, `w`'s wrap, `y`'s copy) keeps one toast showing, the
newest, which says what is now the case; on a screen under SHORT_SCREEN rows toasts lose
their padding and gap (app.tcss, `Screen.-short`), so one is its title and text and no more.
At 200x50 they keep Textual's roomier look.

A toast with the same title and words as one still showing replaces it (its time starts again):
`n` pressed twice past the diff's last change stacked two 'No more changes that way.'. A full
screen pushed or popped (the diff; not a dialog, which leaves the screen under it in sight)
takes the toasts away: the list's 'Nothing to diff' stayed over the diff for its 5 s, covering
the one change there was.
"""

from __future__ import annotations

import threading
from typing import ClassVar
from weakref import WeakSet

from textual.app import App
from textual.await_complete import AwaitComplete
from textual.notifications import Notification, Notify, SeverityLevel
from textual.screen import ModalScreen, Screen

MAIN_CLEAR_OF = ("FindBar",)
"""On the main screen, what toasts stay above: the find bar (its counter is at the right, where
toasts are). A dialog names its own in TOASTS_CLEAR_OF (its buttons, its result line)."""

RACK_MARGIN = 1
"""Textual's own margin under the toasts (the footer's row)."""

KINDS_KEPT = 32
"""Past this many remembered kinds and words, those whose toast has gone are forgotten."""

SHORT_SCREEN = 30
"""Screens with fewer rows than this get compact toasts (the `-short` class on each screen)."""


class Toasts(App[None]):
    """Mixed into WhisperApp: notify as Textual's, with kinds, and the short-screen class."""

    VERTICAL_BREAKPOINTS: ClassVar[list[tuple[int, str]] | None] = [
        (0, "-short"),
        (SHORT_SCREEN, "-tall"),
    ]

    _toast_kinds: dict[object, Notification] | None = None
    """The latest toast of each kind, and of each title and words (pruned as they go)."""

    _followed: WeakSet[Screen[object]] | None = None
    """Screens whose layout changes lift the toasts again (see keep_toasts_clear)."""

    def notify(
        self,
        message: str,
        *,
        title: str = "",
        severity: SeverityLevel = "information",
        timeout: float | None = None,
        markup: bool = False,
        kind: str | None = None,
    ) -> None:
        """Like App.notify, but never parsing markup unless asked: messages carry sender
        content (reason phrases, URLs, errors), and `[/bold]` in one would crash the app.

        `kind` (an action's id, say): a toast of the same kind still showing is taken away,
        this one replacing it; without one, a toast of the same title and words. From another
        thread it is handed to the app's (the kinds are not locked)."""
        if threading.get_ident() != self._thread_id:
            self.call_from_thread(
                self.notify,
                message,
                title=title,
                severity=severity,
                timeout=timeout,
                markup=markup,
                kind=kind,
            )
            return
        self.keep_toasts_clear()
        if self._toast_kinds is None:
            self._toast_kinds = {}
        kinds = self._toast_kinds
        if len(kinds) > KINDS_KEPT:  # words of toasts long gone
            for key in [key for key, shown in kinds.items() if shown not in self._notifications]:
                del kinds[key]
        # Without a kind, the same words are the same toast: replaced, never stacked.
        key: object = kind if kind is not None else (title, message, severity)
        older = kinds.get(key)
        if older is not None and older in self._notifications:
            self._take_away(older)
        shown = self.NOTIFICATION_TIMEOUT if timeout is None else timeout
        kinds[key] = notification = Notification(message, title, severity, shown, markup)
        # Added now, not by a message: a send's answer 100 ms after 'Replaying #1…' came while
        # that toast's message still waited behind a closing dialog's, and stacked under it.
        self._on_notify(Notify(notification))

    def push_screen(  # type: ignore[override]
        self, screen: Screen[object] | str, *args: object, **kwargs: object
    ) -> object:
        """Textual's, taking away the toasts when a full screen comes (see the module)."""
        if isinstance(screen, Screen) and not isinstance(screen, ModalScreen):
            self.clear_notifications()
        return super().push_screen(screen, *args, **kwargs)  # type: ignore[arg-type]

    def pop_screen(self) -> AwaitComplete:
        """Textual's, taking away the toasts when a full screen goes (see the module)."""
        if not isinstance(self.screen, ModalScreen):
            self.clear_notifications()
        return super().pop_screen()

    def keep_toasts_clear(self, screen: Screen[object] | None = None) -> None:
        """Lift the screen's toasts above what they must not cover: a toast over the R
        editor's Send/Cancel row or the find bar's counter hid them for its 5 s. Toasts are
        docked at the bottom right; their rack's bottom margin is set so they start above
        the highest of the screen's TOASTS_CLEAR_OF widgets that shows (MAIN_CLEAR_OF on the
        main screen), measured when each toast comes and at each of the screen's layouts
        while toasts show: a find bar (or an error line) that opened under a toast already
        showing hid behind it."""
        screen = self.screen if screen is None else screen
        if self._followed is None:
            self._followed = WeakSet()
        if screen not in self._followed:
            self._followed.add(screen)
            screen.screen_layout_refresh_signal.subscribe(self, self._relayout)
        selectors = getattr(screen, "TOASTS_CLEAR_OF", None)
        if selectors is None:
            selectors = MAIN_CLEAR_OF if screen is self.screen_stack[0] else ()
        tops = [
            widget.region.y
            for selector in selectors
            for widget in screen.query(selector)
            if widget.display and widget.region.height
        ]
        bottom = max(RACK_MARGIN, screen.size.height - min(tops)) if tops else RACK_MARGIN
        for rack in screen.query("ToastRack"):
            if rack.styles.margin.bottom != bottom:  # a margin set lays the screen out again
                rack.styles.margin = (0, 0, bottom, 0)

    def _relayout(self, screen: Screen[object]) -> None:
        if self._notifications and screen.is_attached:  # none showing: the next toast lifts
            self.keep_toasts_clear(screen)

    def _refresh_notifications(self) -> None:
        """Textual's: the toasts showing are put on a screen as it comes (a dialog opened
        while `Replay #12 failed` still shows); they are lifted there too, again once the
        new screen is laid out."""
        super()._refresh_notifications()
        self.keep_toasts_clear()
        self.call_after_refresh(self.keep_toasts_clear)

    def _take_away(self, notification: Notification) -> None:
        """Forget `notification` and remove its toast with the holder around it, as a toast
        that times out does: the rack's own clean-up removes only the toast, and the empty
        holder left a blank row between the toasts still showing."""
        self._unnotify(notification, refresh=False)
        holder_id = f"--textual-toast-{notification.identity}"  # ToastRack._toast_id's
        for holder in self.screen.query("ToastHolder"):
            if holder.id == holder_id:
                holder.remove()


def toast(app: App[object], message: str, *, kind: str, title: str = "", timeout: float) -> None:
    """An information toast of `kind` from a widget, whose app may be a plain App (a test's
    that holds only the widget): there it is an ordinary toast, never markup."""
    if isinstance(app, Toasts):
        app.notify(message, title=title, timeout=timeout, kind=kind)
    else:
        app.notify(message, title=title, timeout=timeout, markup=False)
