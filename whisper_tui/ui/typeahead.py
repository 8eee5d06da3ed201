"""Keys typed in a burst are handled one after another, as if typed slowly.

Textual sends each key to the widget focused when the key comes off the app's queue, and
runs the bindings (Tab's focus_next, an Input's backspace, the app's `R`) only once the key
has bubbled back up to the app through each widget's own queue. Keys that arrive together
(tmux send-keys, a fast typist, a paste without bracketed paste, a loop busy drawing a big
body) therefore overtook each other: after `R Tab Tab Tab Z` the Tabs were still on their
way up when `Z` reached the method field (POSTZ sent); a Backspace bubbling up while the next
letter was typed was applied after it (Textual issue #6605); keys typed before `R` reached
the list after the dialog had opened, and were sent on into it.

The one place that fixes it: the app takes a key off its queue only when the previous one
has been handled to the end (a widget stopped it, or it came back up to the app and its
binding ran), the focus that handling asked for has moved, and any screen it pushed is
mounted. Each key then goes where it would have gone had it been typed a second later. A
paste is held and ordered the same way. A paste that starts with `/` on the list opens the
filter with the rest.

Alt+key: a terminal sends Esc typed just before a key as it sends Alt+that key. Where no
binding claims the Alt key it is taken as Esc then the key (as_typed), except for a key that
quits, closes or cancels (q, Esc's own keys, any key the action table binds to such an action,
LEAVING): Alt+Q stays Alt+Q and does nothing, rather than quitting or losing unsent edits.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Mapping
from typing import Any

from textual import events
from textual.keys import _character_to_key
from textual.message import Message
from textual.message_pump import MessagePump
from textual.timer import Timer

from whisper_tui.ui.action_registry import all_actions
from whisper_tui.ui.keymap import active_keymap, keys_in_effect

Typed = events.Key | events.Paste

STUCK_AFTER = 2.0
"""Seconds after which a key still not seen to the end is let go and the next one handed on,
by a timer started with each key: a widget removed while it handles the key, or with the key
in its queue, never reports it (Textual's message signal is not sent from a removed widget).
Before the timer, such a key held every later one until yet another key arrived."""


class TypeAhead:
    """WhisperApp's part: a queue of typed keys and pastes, delivered one at a time."""

    app: Any
    screen: Any
    screen_stack: Any
    focused: Any
    is_running: bool
    active_bindings: Any
    call_later: Any
    call_after_refresh: Any
    set_timer: Any
    run_action: Any
    log: Any

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._typed: deque[Typed] = deque()
        """Keys and pastes that arrived, not yet handed to Textual."""
        self._in_flight: Typed | None = None
        """The one handed on and not yet handled to the end."""
        self._stuck_timer: Timer | None = None
        """Lets the key in flight go after STUCK_AFTER."""
        self._watched: tuple[MessagePump, ...] = ()
        """The widgets it goes up through (their message signals tell when it is done)."""
        self._settling = False
        """The next key waits for the last one's effects (a refresh, the app's queue)."""

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, (events.Key, events.Paste)) and not event.is_forwarded:
            leaving = leaving_keys(active_keymap(self))
            self._typed.extend(as_typed(event, self.active_bindings, leaving))
            if self._in_flight is None and not self._settling:
                await self._deliver_next()
            return
        await super().on_event(event)  # type: ignore[misc]

    async def _deliver_next(self) -> None:
        """Hand the next typed key to Textual, once the screen it will go to is ready."""
        self._settling = False
        if self._in_flight is not None or not self.is_running or not self._typed:
            return
        if not self.screen.is_mounted:
            # A dialog the last key pushed is still composing; its focus is not set yet.
            self._settle()
            return
        event = self._typed.popleft()
        self._in_flight = event
        self._stuck_timer = self.set_timer(STUCK_AFTER, lambda: self._let_go(event))
        # Textual's own handling: priority bindings, else forwarded to the focused widget.
        await super().on_event(event)  # type: ignore[misc]
        if not event.is_forwarded:  # a priority binding (Ctrl+C, Ctrl+P...) took it
            self._finished(event)
            return
        target = self.focused or self.screen  # as App.on_event chose it, nothing awaited since
        self._watch(event, target)

    def _watch(self, event: Typed, target: MessagePump) -> None:
        """Follow `event` up from `target`: each widget on the way reports when it is done."""
        path = tuple(node for node in target.ancestors_with_self if node is not self)

        def handled(message: Message, node: MessagePump) -> None:
            if message is event and self._in_flight is event and not bubbles_on(message, node):
                # Stopped by `node` (one that goes on up ends at the app, in _on_key). Text
                # typed into a field changes only the field: the next key need not wait.
                self._finished(event, settle=not is_text(event))

        for node in path:
            node.message_signal.subscribe(
                self,  # type: ignore[arg-type]
                lambda message, node=node: handled(message, node),
                immediate=True,
            )
        self._watched = path

    async def _on_key(self, event: events.Key) -> None:
        # Bubbled back up: the app's bindings (App._on_key) run now, then the key is done.
        event.prevent_default()  # App._on_key runs here, not again after this
        await super()._on_key(event)  # type: ignore[misc]
        self._finished(event)

    async def _on_paste(self, event: events.Paste) -> None:
        if event.text.startswith("/") and len(self.screen_stack) == 1:
            # '/delivery:72d3' pasted on the list (bracketed: one paste, not keys) is the
            # filter typed: as typed, it opens the field and fills it.
            await self.run_action("filter")
            self._typed.appendleft(events.Paste(event.text[1:]))
        self._finished(event)

    def _finished(self, event: Typed, settle: bool = True) -> None:
        """`event` is handled: the next key goes when the screen shows what it did.

        Text a widget took (a letter typed into a field, a paste) changed only that widget:
        the next goes after the callbacks already on the app's queue (typing stays quick).
        Any other key (Tab, R, /, an Input's Backspace) may have moved the focus, pushed a
        screen or shown a widget: the next goes after the screen's next refresh, as a key
        typed a moment later would (Tab's order comes from the layout: right after `/` the
        filter field, shown but not yet laid out, sorted first)."""
        if self._in_flight is not event:
            return
        self._in_flight = None
        if self._stuck_timer is not None:
            self._stuck_timer.stop()
            self._stuck_timer = None
        for node in self._watched:
            node.message_signal.unsubscribe(self)  # type: ignore[arg-type]
        self._watched = ()
        if settle:
            self._settle()
        else:
            self._settling = True
            self.call_later(self._deliver_next)

    def _settle(self) -> None:
        # After the refresh, then behind what the app's queue holds by then (a focus change
        # the new screen's on_mount asked for): the next key is always handed on by the app.
        self._settling = True
        self.call_after_refresh(self.call_later, self._deliver_next)

    def _let_go(self, event: Typed) -> None:
        """STUCK_AFTER passed and `event` never reported handled: the next key goes."""
        if self._in_flight is event:
            self.log.warning(f"typed key {event!r} never reported handled")
            self._finished(event, settle=False)


def is_text(event: Typed) -> bool:
    return isinstance(event, events.Paste) or event.is_printable


def bubbles_on(message: Message, node: MessagePump) -> bool:
    """Whether `node`, having handled `message`, passed it on to its parent (the rule in
    Textual's MessagePump._on_message). A key's sender is the app: the screen, whose parent
    that is, stops it there and still passes it on, so a stop seen there is not a handler's
    (no screen here stops keys; one that did would hold the next key for STUCK_AFTER)."""
    parent = node._parent
    stopped = message._stop_propagation and message._sender is not parent
    return bool(
        message.bubble
        and parent is not None
        and not stopped
        and node.is_parent_active
        and node.is_attached
    )


LEAVING = frozenset(
    {"quit_main", "quit", "quit_or_copy", "close", "dismiss", "dismiss_screen", "cancel"}
)
"""The actions (their Textual action names in the action table) that end the app, close a
screen or discard a dialog's edits: Alt+key is never split into Esc then one of their keys."""


def leaving_keys(keymap: Mapping[str, str]) -> frozenset[str]:
    """The keys that run a LEAVING action anywhere, with `keymap` applied: q by default."""
    return frozenset(
        key
        for action in all_actions()
        if (action.action or action.id) in LEAVING
        for key in keys_in_effect(action, keymap)
    )


def as_typed(event: Typed, bindings: Mapping[str, Any], leaving: frozenset[str]) -> list[Typed]:
    """The keys the user typed. A terminal sends Alt+R as ESC then R, and Esc typed just
    before R as the same bytes: the two can't be told apart. Where no binding claims the
    Alt key, it is read as the two keys typed (Esc closing a dialog, then R), not R typed
    into a field; except where the key after Esc is one of `leaving` (q, and any key of an
    action that quits, closes or cancels, LEAVING): then it stays Alt+that key, which does
    nothing. Split, a single Alt+Q quit the app from the main screen, and in the R editor
    Esc warned of the unsent edits and q threw them away; Esc then q arriving together
    (typed that fast, or sent at once) now does nothing and is typed again."""
    if not isinstance(event, events.Key) or not event.key.startswith("alt+"):
        return [event]
    character = event.character
    if not character or not character.isprintable() or event.key in bindings:
        return [event]
    key = _character_to_key(character) if not character.isalnum() else character
    if key in leaving:
        return [event]
    return [events.Key("escape", "\x1b"), events.Key(key, character)]
