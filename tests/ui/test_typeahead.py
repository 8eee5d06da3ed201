"""Keys typed in one go after a key that opens a field or a dialog all reach that field.

`type_at_once` queues every key before the app handles the first, as tmux send-keys, a fast
typist or a paste without bracketed paste do (Pilot.press waits after each key).
"""

from __future__ import annotations

import asyncio

from textual import events
from textual.app import ComposeResult
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Input, Static

from tests.helpers import send_raw, type_at_once, wait_for_list, wait_until, wait_until_settled
from whisper_tui.core.settings import Settings
from whisper_tui.ui import typeahead
from whisper_tui.ui.app import WhisperApp


def raw_post(path: str) -> bytes:
    return f"POST {path} HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\n\r\nx".encode()


async def two_captures(pilot, app: WhisperApp) -> None:
    for path in ("/hooks/a", "/hooks/b"):
        await send_raw(app.port, raw_post(path))
    await wait_for_list(pilot, app, 2)


async def test_keys_typed_right_after_slash_go_to_the_filter_not_the_list():
    app = WhisperApp(Settings(port=0))
    async with app.run_test(size=(80, 24)) as pilot:
        await two_captures(pilot, app)
        await type_at_once(pilot, "/delivery:abc")
        field = app.screen.query_one("#filter", Input)
        # Before: `d` opened the diff and `e` the export dialog; the field stayed empty.
        assert len(app.screen_stack) == 1
        assert field.value == "delivery:abc" and app.focused is field


async def test_a_paste_right_after_slash_goes_to_the_filter():
    app = WhisperApp(Settings(port=0))
    async with app.run_test(size=(80, 24)) as pilot:
        await two_captures(pilot, app)
        # Both queued before either runs, as a terminal sends them.
        app._driver.send_message(events.Key("slash", "/"))
        app._driver.send_message(events.Paste("path:/hooks/a"))
        field = app.screen.query_one("#filter", Input)
        await wait_until(pilot, lambda: field.value == "path:/hooks/a")


async def test_keys_typed_right_after_r_go_to_the_url_prompt():
    app = WhisperApp(Settings(port=0))
    async with app.run_test(size=(80, 24)) as pilot:
        await two_captures(pilot, app)
        await type_at_once(pilot, "rhttp://127.0.0.1:9")
        await wait_until(pilot, lambda: len(app.screen_stack) == 2)
        url = app.screen.query_one("#url", Input)
        await wait_until(pilot, lambda: url.value == "http://127.0.0.1:9")


async def test_keys_typed_right_after_capital_r_go_to_the_editor():
    app = WhisperApp(Settings(port=0))
    async with app.run_test(size=(80, 24)) as pilot:
        await two_captures(pilot, app)
        await type_at_once(pilot, "RX")
        await wait_until(pilot, lambda: len(app.screen_stack) == 2)
        # No replay target yet: the editor focuses its field, where X goes as if typed slowly
        # (it once went to the method field, focused first for an instant).
        target = app.screen.query_one("#edit-target", Input)
        await wait_until(pilot, lambda: target.value == "X")
        assert app.screen.query_one("#edit-method", Input).value == "POST"


async def test_keys_typed_right_after_f_go_to_the_find_bar():
    app = WhisperApp(Settings(port=0))
    async with app.run_test(size=(80, 24)) as pilot:
        await two_captures(pilot, app)
        app.detail.focus()
        await pilot.pause()
        mode = app.policy.describe()
        await type_at_once(pilot, "fhooks")
        find = app.screen.query_one("#find-input", Input)
        await wait_until(pilot, lambda: find.value == "hooks")
        assert app.policy.describe() == mode  # `a` went to the detail: it cycles the answer mode


async def test_a_filter_pasted_on_the_list_opens_the_filter_with_it():
    app = WhisperApp(Settings(port=0))
    async with app.run_test(size=(80, 24)) as pilot:
        await two_captures(pilot, app)
        app._driver.send_message(events.Paste("/path:/hooks/a"))  # one bracketed paste
        field = app.screen.query_one("#filter", Input)
        await wait_until(pilot, lambda: field.value == "path:/hooks/a" and app.focused is field)
        await wait_until(pilot, lambda: len(app.request_list.view) == 1)


def fields(app: WhisperApp) -> dict[str, str]:
    """Each text field of the top screen by id: what is typed in it."""
    found = app.screen.query("Input, TextArea")
    return {w.id: w.value if isinstance(w, Input) else w.text for w in found}


async def editor_opened(pilot, app: WhisperApp) -> None:
    await wait_until(pilot, lambda: len(app.screen_stack) == 2 and app.screen.is_mounted)
    await wait_until_settled(pilot)


async def test_tabs_typed_right_after_capital_r_move_on_before_the_next_key():
    app = WhisperApp(Settings(port=0))
    async with app.run_test(size=(80, 24)) as pilot:
        await two_captures(pilot, app)
        app.replay_url = "http://127.0.0.1:9"  # the method field has the focus
        await type_at_once(pilot, ["R", "tab", "tab", "tab", "Z"])
        await editor_opened(pilot, app)
        # Before: the Tabs were still bubbling up to the app when Z reached the method field
        # (POSTZ went out), and then moved the focus.
        assert fields(app)["edit-method"] == "POST"
        assert fields(app)["edit-headers"].startswith("ZHost: x")
        assert app.focused is app.screen.query_one("#edit-headers")


async def test_a_backspace_typed_among_letters_is_applied_in_its_place():
    app = WhisperApp(Settings(port=0))
    async with app.run_test(size=(80, 24)) as pilot:
        await two_captures(pilot, app)
        app.replay_url = "http://127.0.0.1:9"
        await type_at_once(pilot, ["T", "z", "backspace", "k"])  # T: the target, to edit
        await editor_opened(pilot, app)
        # Before: Backspace (an Input binding, run once the key is back at the app) came
        # after the k that followed it, leaving '...:9z' (Textual issue #6605).
        assert fields(app)["url"] == "http://127.0.0.1:9k"


async def test_tab_typed_right_after_slash_moves_on_from_the_filter_field():
    app = WhisperApp(Settings(port=0))
    async with app.run_test(size=(80, 24)) as pilot:
        await two_captures(pilot, app)
        await type_at_once(pilot, ["slash", "tab", "z"])
        await wait_until_settled(pilot)
        # As typed slowly: Tab leaves the field for the detail; z is not typed into it.
        # Before: the z reached the field before the Tab had moved the focus.
        assert app.focused is app.detail
        assert fields(app)["filter"] == ""


async def test_esc_typed_just_before_a_key_is_esc_then_that_key():
    """A terminal sends Esc then R as the bytes of Alt+R: `\\x1b` `\\x1bR`, then Tabs and Z."""
    from textual._xterm_parser import XTermParser

    app = WhisperApp(Settings(port=0))
    async with app.run_test(size=(80, 24)) as pilot:
        await two_captures(pilot, app)
        app.replay_url = "http://127.0.0.1:9"
        await pilot.press("R", "Z")  # the editor open, POSTZ in its method field
        await editor_opened(pilot, app)
        first = app.screen
        parser = XTermParser()
        keys = [*parser.feed("\x7f\x1b\x1bR\t\t\tZ"), *parser.feed("")]
        assert [key.key for key in keys][1:3] == ["escape", "alt+shift+r"]
        for key in keys:
            key.set_sender(app)
            app._driver.send_message(key)
        await wait_until(pilot, lambda: app.screen is not first and len(app.screen_stack) == 2)
        await editor_opened(pilot, app)
        # Backspace fixed the method, Esc closed the unedited editor (the second Esc, on
        # the list, did nothing), R opened it again and the Tabs took Z to the headers.
        # Before: the editor stayed open with 'RZHost: ...' in its headers.
        assert fields(app)["edit-method"] == "POST"
        assert fields(app)["edit-headers"].startswith("ZHost: x")


def alt(app: WhisperApp, name: str, character: str) -> None:
    """Alt+`name` as the terminal reports it (the bytes ESC and `character`)."""
    key = events.Key(f"alt+{name}", character)
    key.set_sender(app)
    app._driver.send_message(key)


async def test_alt_q_on_the_main_screen_does_not_quit():
    app = WhisperApp(Settings(port=0))
    async with app.run_test(size=(80, 24)) as pilot:
        await two_captures(pilot, app)
        alt(app, "q", "q")
        alt(app, "slash", "/")  # Esc then /: the filter opens, after Alt+Q was handled
        field = app.screen.query_one("#filter", Input)
        await wait_until(pilot, lambda: app.focused is field)
        # Before: Alt+Q was split into Esc then q, and q quit the app.
        assert app.is_running and app.return_code is None


async def test_alt_q_on_the_r_editor_keeps_its_unsent_edits():
    app = WhisperApp(Settings(port=0))
    app.replay_url = "http://127.0.0.1:9"  # the method field has the focus
    async with app.run_test(size=(80, 24)) as pilot:
        await two_captures(pilot, app)
        await pilot.press("R", "X")
        await editor_opened(pilot, app)
        editor = app.screen
        editor.query_one("#edit-cancel").focus()  # no text field has focus: q closes
        await wait_until(pilot, lambda: app.focused is editor.query_one("#edit-cancel"))
        alt(app, "q", "q")
        await wait_until_settled(pilot)
        # Before: Esc warned of the edits and q threw them away, closing the editor.
        assert app.screen is editor and editor.unsent_edits() == ["method"]


class Vanishing(Static, can_focus=True):
    """A widget that removes itself as it handles `a`: it never reports the key handled."""

    def on_key(self, event: events.Key) -> None:
        if event.key == "a":
            event.stop()
            self.remove()


async def test_keys_after_one_whose_widget_went_are_handed_on_after_stuck_after(monkeypatch):
    monkeypatch.setattr(typeahead, "STUCK_AFTER", 0.2)  # 2 s in use; a quick test
    app = WhisperApp(Settings(port=0))
    async with app.run_test(size=(80, 24)) as pilot:
        await two_captures(pilot, app)
        vanishing = Vanishing("v")
        await app.screen.mount(vanishing)
        vanishing.focus()
        await wait_until(pilot, lambda: app.focused is vanishing)
        await type_at_once(pilot, "a/xyz")
        field = app.screen.query_one("#filter", Input)
        # Before: `a` held `/xyz` until yet another key arrived (no timer).
        await wait_until(pilot, lambda: field.value == "xyz")


# -- every wait ends after STUCK_AFTER ------------------------------------------------------
# The gate's wait is blocked with a real Textual handler awaiting an event the test sets at
# the end. Pilot.pause waits for the screen's queues, which a blocked screen never empties:
# this polls with asyncio.sleep instead. (A key in flight that never reports: the Vanishing
# test above. A pushed screen that never mounts holds the app's own task, App._get_screen
# awaiting its mount: Textual takes no key then, gate or not.)


async def poll_until(condition, timeout: float = 10.0) -> None:
    for _ in range(int(timeout / 0.02)):
        if condition():
            return
        await asyncio.sleep(0.02)
    raise AssertionError("condition never held")


def post_keys(app: WhisperApp, *names: str) -> None:
    """Keys queued together on the app (as a burst arrives), in order."""
    for name in names:
        key = events.Key(name, name if len(name) == 1 else None)
        key.set_sender(app)
        app.post_message(key)


class Recorder(Static, can_focus=True):
    """Takes every key it is given (a widget that stops a key reports it handled)."""

    def __init__(self) -> None:
        super().__init__("keys")
        self.keys: list[str] = []

    def on_key(self, event: events.Key) -> None:
        event.stop()
        self.keys.append(event.key)
        if event.key == "f1":  # the screen's task goes into a handler it stays in
            self.screen.post_message(StallingScreen.Stall())


class StallingScreen(Screen):
    """Its task stays in a handler once a Stall arrives: the callbacks Textual runs after
    its refresh (the gate's among them) never run."""

    class Stall(Message):
        pass

    def __init__(self, release: asyncio.Event) -> None:
        super().__init__()
        self.release = release

    def compose(self) -> ComposeResult:
        yield Recorder()

    async def on_stalling_screen_stall(self, message: Stall) -> None:
        await self.release.wait()


async def test_keys_are_handed_on_when_the_screen_never_refreshes(monkeypatch):
    monkeypatch.setattr(typeahead, "STUCK_AFTER", 0.2)  # 2 s in use; a quick test
    release = asyncio.Event()
    app = WhisperApp(Settings(port=0))
    async with app.run_test(size=(80, 24)) as pilot:
        screen = StallingScreen(release)
        await app.push_screen(screen)
        recorder = screen.query_one(Recorder)
        recorder.focus()
        await wait_until(pilot, lambda: app.focused is recorder)
        post_keys(app, "f1", "x", "f2", "y")
        try:
            # f1 stalls the screen; f2 (not text) waits for the refresh again. Before: the
            # gate waited for the stalled screen's refresh for good; x, f2 and y were held.
            await poll_until(lambda: recorder.keys == ["f1", "x", "f2", "y"])
        finally:
            release.set()


def test_textual_still_has_the_private_parts_the_gate_reads():
    """typeahead reads private parts of Textual. An upgrade that renames or drops one breaks
    the gate in ways other tests show only as keys astray: this names what changed."""
    from importlib.metadata import version

    import textual.keys
    from textual.app import App

    changed = []
    to_key = getattr(textual.keys, "_character_to_key", None)
    if not callable(to_key) or to_key("/") != "slash":
        changed.append("textual.keys._character_to_key('/') no longer gives 'slash' (as_typed)")
    app = App()
    key = events.Key("a", "a")
    key.set_sender(app)
    if getattr(key, "_sender", None) is not app:
        changed.append("Message._sender is not the sender set_sender gave (bubbles_on)")
    if getattr(key, "_stop_propagation", None) is not False:
        changed.append("Message._stop_propagation is not False on a new key (bubbles_on)")
    key.stop()
    if getattr(key, "_stop_propagation", None) is not True:
        changed.append("Message.stop() no longer sets Message._stop_propagation (bubbles_on)")
    if not hasattr(Static(), "_parent"):
        changed.append("DOMNode._parent is gone (bubbles_on)")
    if not callable(getattr(App, "_on_key", None)):
        changed.append("App._on_key is gone (TypeAhead._on_key runs the app's bindings by it)")
    assert not changed, f"Textual {version('textual')} changed what typeahead.py reads: " + (
        "; ".join(changed)
    )
