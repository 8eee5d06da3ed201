"""Keys typed in one go after a key that opens a field or a dialog all reach that field.

`type_at_once` queues every key before the app handles the first, as tmux send-keys, a fast
typist or a paste without bracketed paste do (Pilot.press waits after each key).
"""

from __future__ import annotations

from textual import events
from textual.widgets import Input

from tests.helpers import send_raw, type_at_once, wait_for_list, wait_until
from whisper_tui.core.settings import Settings
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
        await type_at_once(pilot, "RX")  # the method field has the focus, its cursor at the end
        await wait_until(pilot, lambda: len(app.screen_stack) == 2)
        method = app.screen.query_one("#edit-method", Input)
        await wait_until(pilot, lambda: method.value == "POSTX")


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
