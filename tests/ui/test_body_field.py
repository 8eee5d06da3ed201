"""R's body field: a big body opens as a button (the editor opens at once) and is sent as
stored unless loaded and edited; loading it gives the text box, not counted as an edit."""

from __future__ import annotations

from textual.widgets import Button

from tests.helpers import send_raw, type_at_once, wait_for_list, wait_until, wait_until_settled
from tests.ui.test_replay_screens import downstream, raw_post  # noqa: F401 - the fixture
from whisper_tui.core.settings import Settings
from whisper_tui.ui.app import WhisperApp
from whisper_tui.ui.body_field import LOAD_ABOVE, WRAP_UP_TO, body_editor
from whisper_tui.ui.replay_screens import EditReplayScreen

BIG = b'{"note":"' + b"x" * LOAD_ABOVE + b'"}'
"""A body past LOAD_ABOVE on one line, as providers send JSON."""


async def open_editor(pilot, app: WhisperApp) -> EditReplayScreen:
    await send_raw(app.port, raw_post("/big", BIG))
    await wait_for_list(pilot, app, 1)
    await pilot.press("R")
    await wait_until(pilot, lambda: isinstance(app.screen, EditReplayScreen))
    await pilot.pause()
    return app.screen


async def test_a_big_body_opens_as_a_button_and_is_sent_as_stored(downstream):  # noqa: F811
    app = WhisperApp(Settings(port=0))
    app.replay_url = downstream.url
    async with app.run_test(size=(80, 24)) as pilot:
        editor = await open_editor(pilot, app)
        # Before: the whole body went into a text box on the loop (2.5 s of CPU for 2.4 MB).
        assert not editor.query("#edit-body")
        button = editor.query_one("#edit-body-load", Button)
        assert "sent as stored unless edited" in str(button.label)
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: len(downstream.arrivals) == 1)
        assert downstream.arrivals[0][3] == BIG


async def test_the_button_loads_the_body_to_edit_and_loading_is_no_edit():
    app = WhisperApp(Settings(port=0))
    app.replay_url = "http://127.0.0.1:9"
    async with app.run_test(size=(80, 24)) as pilot:
        editor = await open_editor(pilot, app)
        editor.query_one("#edit-body-load", Button).focus()
        await pilot.press("enter")
        await wait_until(pilot, lambda: bool(editor.query("#edit-body")))
        body = editor.query_one("#edit-body")
        await wait_until(pilot, lambda: app.focused is body)
        assert body.text == BIG.decode() and not editor.query("#edit-body-load")
        assert editor.unsent_edits() == [] and len(app.screen_stack) == 2
        await pilot.press("z")
        assert editor.unsent_edits() == ["body"]


async def test_keys_typed_right_after_enter_on_the_button_go_to_the_text_box():
    app = WhisperApp(Settings(port=0))
    app.replay_url = "http://127.0.0.1:9"
    async with app.run_test(size=(80, 24)) as pilot:
        editor = await open_editor(pilot, app)
        editor.query_one("#edit-body-load", Button).focus()
        await pilot.pause()
        await type_at_once(pilot, ["enter", "a", "b"])
        await wait_until(pilot, lambda: bool(editor.query("#edit-body")))
        await wait_until_settled(pilot)
        # Before: the swap came after Enter was done, so `a` went to the button being
        # removed and was lost ('b{"note"...').
        assert editor.query_one("#edit-body").text.startswith('ab{"note"')
        assert editor.unsent_edits() == ["body"]


async def click_then_type(pilot, widget, keys) -> None:
    """A click on `widget` and `keys` queued at once, as a terminal sends them (Pilot.click
    waits for the app to go idle after each mouse event, which hides a race)."""
    from textual import events
    from textual.pilot import _get_mouse_message_arguments

    app = pilot.app
    arguments = _get_mouse_message_arguments(widget, (1, 0), button=1)
    for kind in (events.MouseDown, events.MouseUp, events.Click):
        event = kind(**({**arguments, "chain": 1} if kind is events.Click else arguments))
        event.set_sender(app)
        app._driver.send_message(event)
    await type_at_once(pilot, keys)


async def test_keys_typed_right_after_a_click_on_the_button_go_to_the_text_box():
    # A click's Pressed is handled in the button's queue after the click: checked here that
    # a key typed right after it still reaches the text box.
    app = WhisperApp(Settings(port=0))
    app.replay_url = "http://127.0.0.1:9"
    async with app.run_test(size=(80, 24)) as pilot:
        editor = await open_editor(pilot, app)
        await click_then_type(pilot, editor.query_one("#edit-body-load"), ["a", "b"])
        await wait_until(pilot, lambda: bool(editor.query("#edit-body")))
        await wait_until_settled(pilot)
        assert editor.query_one("#edit-body").text.startswith('ab{"note"')
        assert editor.unsent_edits() == ["body"]


def test_a_line_too_long_to_wrap_scrolls_sideways_in_the_body_box():
    assert body_editor("x" * WRAP_UP_TO, json=False, note="").soft_wrap
    assert not body_editor("x" * (WRAP_UP_TO + 1), json=False, note="").soft_wrap


async def test_ctrl_end_and_ctrl_home_go_to_the_text_s_end_and_start_in_the_editor():
    # Before: Textual's TextArea has neither; a newcomer's Ctrl+End, Enter, "X-Edited: yes"
    # in the headers box landed at the top ("X-Edited: yesHost: ...").
    app = WhisperApp(Settings(port=0))
    app.replay_url = "http://127.0.0.1:9"
    async with app.run_test(size=(80, 24)) as pilot:
        await send_raw(app.port, raw_post("/small", b'{"a": 1}'))
        await wait_for_list(pilot, app, 1)
        await pilot.press("R")
        await wait_until(pilot, lambda: isinstance(app.screen, EditReplayScreen))
        headers = app.screen.query_one("#edit-headers")
        headers.focus()
        await pilot.pause()
        before = headers.text
        await type_at_once(pilot, ["ctrl+end", "enter", *"X-Edited: yes"])
        await wait_until_settled(pilot)
        assert headers.text == before + "\nX-Edited: yes"  # (no line end after the last)
        await type_at_once(pilot, ["ctrl+home", *"A: b", "enter"])
        await wait_until_settled(pilot)
        assert headers.text.startswith("A: b\n" + before.split("\n", 1)[0])
        await type_at_once(pilot, ["ctrl+shift+end"])
        await wait_until_settled(pilot)
        assert headers.selected_text.endswith("X-Edited: yes")
