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

No wait outlasts STUCK_AFTER: whatever the gate waits for, a deadline started with each wait
hands on the next key when it passes, the held keys kept in order. (The deadline runs on the
app's task: while an app action awaits without end, Textual holds every key, gate or not.)

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
"""Seconds the gate waits at most in each of its waits: for the key in flight to be handled
to the end, then for the screen's refresh after it (and a screen it pushed to be mounted).
When one passes, a deadline hands on the next key (held keys stay in their order). A widget
removed while it handles the key, or with the key in its queue, never reports it (Textual's
message signal is not sent from a removed widget); a screen whose task stays in a handler
never runs the after-refresh callback. Each held every later key, the second for good."""


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
        self._watched: tuple[MessagePump, ...] = ()
        """The widgets it goes up through (their message signals tell when it is done)."""
        self._settling = False
        """The next key waits for the last one's effects (a refresh, the app's queue, a mount)."""
        self._turn = 0
        """Counts the gate's waits: a callback from a wait the deadline already ended is
        recognised by its turn and ignored (it would hand on a key out of turn)."""
        self._deadline: Timer | None = None
        """Ends the current wait STUCK_AFTER after it began."""

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, (events.Key, events.Paste)) and not event.is_forwarded:
            leaving = leaving_keys(active_keymap(self))
            self._typed.extend(as_typed(event, self.active_bindings, leaving))
            if self._in_flight is None and not self._settling:
                await self._deliver_next()
            return
        await super().on_event(event)  # type: ignore[misc]

    async def _deliver_next(self, turn: int | None = None, overdue: bool = False) -> None:
        """Hand the next typed key to Textual, once the screen it will go to is ready.
        `turn`: the wait this call ends (None: the gate was idle); `overdue`: the deadline
        passed, so the key goes even to a screen still mounting."""
        if turn is not None and turn != self._turn:
            return  # that wait was already ended by its deadline
        self._settling = False
        if self._in_flight is not None or not self.is_running:
            return
        if not self._typed:
            self._stop_deadline()  # idle: nothing to wait for
            return
        if not self.screen.is_mounted and not overdue:
            # A dialog the last key pushed is still composing; its focus is not set yet.
            self._settle()
            return
        event = self._typed.popleft()
        self._in_flight = event
        self._turn += 1
        self._start_deadline()
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
        filter field, shown but not yet laid out, sorted first). The wait for that has its
        own deadline: a key slow to handle on a busy machine leaves the refresh its time."""
        if self._in_flight is not event:
            return
        self._in_flight = None
        self._unwatch()
        self._start_deadline()
        if settle:
            self._settle()
        else:
            self._settling = True
            self.call_later(self._deliver_next, self._turn)

    def _settle(self) -> None:
        # After the refresh, then behind what the app's queue holds by then (a focus change
        # the new screen's on_mount asked for): the next key is always handed on by the app.
        # The refresh is the screen's to run: a screen busy in a handler never runs it.
        self._settling = True
        if self._deadline is None:  # a key typed while a screen mounts, the gate idle
            self._start_deadline()
        self.call_after_refresh(self.call_later, self._deliver_next, self._turn)

    def _unwatch(self) -> None:
        for node in self._watched:
            node.message_signal.unsubscribe(self)  # type: ignore[arg-type]
        self._watched = ()

    def _start_deadline(self) -> None:
        self._stop_deadline()
        timer = self._deadline = self.set_timer(STUCK_AFTER, lambda: self._overdue(timer))

    def _stop_deadline(self) -> None:
        if self._deadline is not None:
            self._deadline.stop()
            self._deadline = None

    async def _overdue(self, timer: Timer) -> None:
        """STUCK_AFTER passed in the wait `timer` was started for: end it, hand on a key."""
        if timer is not self._deadline:
            return  # that wait ended as its time ran out (its tick was already queued)
        self._deadline = None
        if self._in_flight is not None:
            self.log.warning(f"typed key {self._in_flight!r} never reported handled")
        elif not self.screen.is_mounted:
            self.log.warning(f"{self.screen!r} never finished mounting; typed keys go on")
        else:
            self.log.warning("the screen never refreshed after the last key; typed keys go on")
        self._in_flight = None
        self._unwatch()
        self._settling = False
        self._turn += 1  # the ended wait's callbacks, if they ever come, are ignored
        await self._deliver_next(overdue=True)


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
