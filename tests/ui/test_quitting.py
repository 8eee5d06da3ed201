"""Ctrl+C quits like q, from the main screen and from dialogs, unless there is a selection to
copy; Ctrl+Q quits too; no "Press [b]ctrl+q[/b]" toast ever appears."""

from __future__ import annotations

import os
import re
import select
import time

import pytest
from textual.widgets import Input, Static, TextArea

from tests.bench.tui_process import spawn_on_pty, stop
from tests.helpers import screen_text, wait_for_screen, wait_until
from whisper_tui.core.models import CapturedRequest
from whisper_tui.core.settings import Settings
from whisper_tui.core.store import RequestStore
from whisper_tui.ui.app import WhisperApp
from whisper_tui.ui.export_screen import ExportScreen
from whisper_tui.ui.help_screen import HelpScreen
from whisper_tui.ui.replay_screens import EditReplayScreen


def one_capture_app() -> WhisperApp:
    store = RequestStore()
    store.add(CapturedRequest(1, 1_764_000_000.0, "127.0.0.1", "POST", "/a", (1, 1), (), b"{}"))
    return WhisperApp(Settings(port=0, forward_url="http://127.0.0.1:9"), store=store, serve=False)


@pytest.mark.parametrize("key", ["ctrl+c", "ctrl+q", "q"])
async def test_ctrl_c_quits_like_q_with_no_toast(key):
    app = one_capture_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press(key)
        await wait_until(pilot, lambda: not app.is_running)
        assert not app._notifications


@pytest.mark.parametrize(
    ("opener", "dialog"), [("e", ExportScreen), ("R", EditReplayScreen), ("?", HelpScreen)]
)
async def test_ctrl_c_quits_from_every_dialog(opener, dialog):
    app = one_capture_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press(opener)
        await wait_until(pilot, lambda: isinstance(app.screen, dialog))
        await pilot.press("ctrl+c")
        await wait_until(pilot, lambda: not app.is_running)
        assert not app._notifications


@pytest.mark.parametrize(
    ("opener", "dialog", "focus"),
    [
        ("e", ExportScreen, "#export-format"),  # the format list, where it opens
        ("e", ExportScreen, "#export-save-button"),
        ("R", EditReplayScreen, "#edit-send"),
        ("?", HelpScreen, None),
    ],
)
async def test_q_closes_a_dialog_where_no_field_takes_it(opener, dialog, focus):
    # It did nothing in the export dialog: the app's q never reaches a modal screen.
    app = one_capture_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press(opener)
        await wait_until(pilot, lambda: isinstance(app.screen, dialog))
        if focus:
            app.screen.query_one(focus).focus()
            await pilot.pause()
        await pilot.press("q")
        await wait_until(pilot, lambda: not isinstance(app.screen, dialog))
        assert app.is_running


@pytest.mark.parametrize(
    ("opener", "field", "typed"),
    [("r", "#url", "q"), ("I", "#probe-times", ""), ("e", None, "q")],  # I's takes digits only
)
async def test_q_types_in_a_field_and_the_footer_offers_no_q_under_a_dialog(opener, field, typed):
    app = one_capture_app()
    if opener == "r":  # no replay target: r asks for one
        app = WhisperApp(Settings(port=0), store=app.store, serve=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for_screen(pilot, app, "q Quit")
        await pilot.press(opener)
        await wait_until(pilot, lambda: len(app.screen_stack) > 1)
        if field is None:
            field = "#export-path"
            app.screen.query_one(field).focus()
            await pilot.pause()
        box = app.screen.query_one(field, Input)
        box.value = ""
        await pilot.press("q", "1")
        await wait_until(pilot, lambda: box.value == typed + "1")
        assert app.is_running and len(app.screen_stack) > 1
        assert "q Quit" not in screen_text(app)  # the main screen's footer, under the dialog


async def test_ctrl_c_copies_a_selection_in_a_text_field_instead_of_quitting():
    app = one_capture_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("e")
        await wait_until(pilot, lambda: isinstance(app.screen, ExportScreen))
        field = app.screen.query_one("#export-path", Input)
        field.focus()
        await pilot.pause()
        field.select_all()
        await pilot.press("ctrl+c")
        await wait_until(pilot, lambda: app.clipboard == field.value)
        assert app.is_running


@pytest.mark.parametrize("key", ["ctrl+c", "ctrl+q"])
async def test_a_quit_key_over_unsent_edits_asks_once_and_the_next_quits(key):
    app = one_capture_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("R")
        await wait_until(pilot, lambda: isinstance(app.screen, EditReplayScreen))
        app.screen.query_one("#edit-method", Input).focus()
        await pilot.press("end", "X", "backspace")  # undone by hand: not an edit
        app.screen.query_one("#edit-body", TextArea).focus()
        await pilot.press("end", "x")
        await pilot.press(key)
        await pilot.pause()
        assert app.is_running, "the edits were thrown away"
        error = app.screen.query_one("#edit-error", Static)
        assert error.display
        assert "unsent edits (body): Ctrl+C again quits" in str(error.render())
        await pilot.press("y", key)  # edited since the warning: it asks again
        await pilot.pause()
        assert app.is_running
        await pilot.press(key)
        await wait_until(pilot, lambda: not app.is_running)


async def test_a_quit_key_from_the_palette_over_unsent_edits_asks_too():
    # Ctrl+P over the editor, then Ctrl+C (the habitual way to close a palette): the quit
    # used to ask only the top screen, the palette, and the edits were lost at once.
    app = one_capture_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("R")
        await wait_until(pilot, lambda: isinstance(app.screen, EditReplayScreen))
        editor = app.screen
        editor.query_one("#edit-body", TextArea).focus()
        await pilot.press("end", "x", "ctrl+p")
        await wait_until(pilot, lambda: app.screen is not editor)
        await pilot.press("ctrl+c")
        await wait_until(pilot, lambda: app.screen is editor)
        assert app.is_running, "the edits were thrown away"
        error = editor.query_one("#edit-error", Static)
        assert error.display and "unsent edits (body)" in str(error.render())
        await pilot.press("ctrl+c")
        await wait_until(pilot, lambda: not app.is_running)


FIRST_FRAME = b"Waiting for requests"
"""Written in the app's first frame (the empty list's hint): the app is up and drawing."""


def read_pty_until(primary: int, done, timeout: float) -> bytes:
    """What the app writes until done(output) holds, the pty ends (the app has exited: EIO
    or end of file), or `timeout` seconds pass. A bound, not a pause: a loaded machine may
    take seconds to start Python and Textual, so waits are on what was written."""
    output = b""
    deadline = time.monotonic() + timeout
    while not done(output):
        remaining = deadline - time.monotonic()
        if remaining <= 0 or not select.select([primary], [], [], remaining)[0]:
            break
        try:
            chunk = os.read(primary, 65536)
        except OSError:  # the app is gone
            break
        if not chunk:
            break
        output += chunk
    return output


def test_quitting_clears_the_alternate_screen_before_leaving_it():
    # tmux shows the rows a pane grew by on the normal screen after a program leaves the
    # alternate screen: the app's last frame, unless the alternate screen is blank by then.
    process, primary = spawn_on_pty(("--port", "0"), columns=80, rows=24)
    try:
        output = read_pty_until(primary, lambda seen: FIRST_FRAME in seen, 60.0)
        assert FIRST_FRAME in output, "the app never drew its first frame"
        os.write(primary, b"q")
        output += read_pty_until(primary, lambda _: False, 60.0)  # until the app exits
        assert process.wait(10) == 0
    finally:
        stop(process)
        os.close(primary)
    assert b"\x1b[?1049l" in output, "the app never left the alternate screen"
    leave = output.rindex(b"\x1b[?1049l")
    clear = output.rfind(b"\x1b[2J", 0, leave)
    assert clear != -1, "the alternate screen was left as it was drawn"
    last = output[clear:leave]
    # From the clear to the alternate screen's end, only modes are reset: nothing drawn.
    assert re.sub(rb"\x1b\[[0-9;?<>=]*[A-Za-z]", b"", last) == b""
