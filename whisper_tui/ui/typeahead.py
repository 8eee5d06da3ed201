"""Keys typed ahead of a field or dialog that a key opens go where the user meant them.

Textual picks the widget for a key when the key arrives, and runs the app's bindings when the
key has bubbled back up to the app. Keys that arrive together (tmux send-keys, a terminal
pasting without bracketed paste, a fast typist) are all sent to the widget focused before the
first of them ran: after `/` the rest of `/delivery:72d3` went to the list, and the app's
binding for its `d` opened the diff. Here a key (or a paste) that comes back to the app from a
widget that has lost focus meanwhile goes to what has focus now instead: the field `/` or `f`
focused, or the dialog `r`, `R` or `I` opened, held in order until that dialog has focused its
first field. A paste that starts with `/` on the list opens the filter with the rest.
"""

from __future__ import annotations

from typing import Any
from weakref import WeakKeyDictionary

from textual import events
from textual.dom import DOMNode

WAIT_FOR_FOCUS = 20
"""Refreshes a new dialog gets to focus something before held keys go to the dialog itself."""

_sent_to: WeakKeyDictionary[events.Event, DOMNode] = WeakKeyDictionary()
"""Each key and paste that arrived, and the widget (or screen) Textual sent it to."""
_held: WeakKeyDictionary[object, list[events.Key | events.Paste]] = WeakKeyDictionary()
"""Per app, keys waiting for a new dialog's focus."""


class TypeAhead:
    """WhisperApp's part: notes where each key was sent, and re-sends it when focus has moved
    by the time it comes back unhandled."""

    screen: Any
    screen_stack: Any
    run_action: Any
    is_running: bool
    call_after_refresh: Any

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, (events.Key, events.Paste)) and not event.is_forwarded:
            # The target App.on_event forwards it to.
            _sent_to[event] = self.screen.focused or self.screen
        await super().on_event(event)  # type: ignore[misc]

    def _focus_moved(self, event: events.Event) -> bool:
        sent_to = _sent_to.pop(event, None)
        return sent_to is not None and sent_to is not (self.screen.focused or self.screen)

    async def _on_key(self, event: events.Key) -> None:
        if self._focus_moved(event):
            event.prevent_default()  # not the app's bindings: they are the old focus's keys
            self.hand_on(events.Key(event.key, event.character))

    async def _on_paste(self, event: events.Paste) -> None:
        if self._focus_moved(event):
            event.prevent_default()
            self.hand_on(events.Paste(event.text))
        elif event.text.startswith("/") and len(self.screen_stack) == 1:
            # '/delivery:72d3' pasted on the list (bracketed: one paste, not keys) is the
            # filter typed: as typed, it opens the field and fills it.
            await self.run_action("filter")
            self.hand_on(events.Paste(event.text[1:]))

    def hand_on(self, event: events.Key | events.Paste) -> None:
        """Send `event` to what has focus now, after any already held; hold it while a new
        dialog has nothing focused yet."""
        held = _held.setdefault(self, [])
        held.append(event)
        if len(held) == 1:
            self._deliver_held()

    def _deliver_held(self, waited: int = 0) -> None:
        held = _held.get(self)
        if not held or not self.is_running:
            return
        screen = self.screen
        if screen.focused is None and waited < WAIT_FOR_FOCUS:
            self.call_after_refresh(self._deliver_held, waited + 1)
            return
        target = screen.focused or screen
        for event in held:
            target._forward_event(event)
        held.clear()
