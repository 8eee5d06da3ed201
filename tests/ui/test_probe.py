"""`I` in the app at 80x24: the replay target and N are asked, the capture is sent N times,
and the diff screen shows two answers with the verdict."""

from __future__ import annotations

import pytest
from aiohttp import web

from tests.helpers import (
    screen_text,
    send_raw,
    serving,
    wait_for_list,
    wait_for_screen,
    wait_until,
    wait_until_settled,
)
from whisper_tui.core.settings import Settings
from whisper_tui.ui.app import WhisperApp
from whisper_tui.ui.diff_screen import DiffScreen
from whisper_tui.ui.probe import ProbePrompt


@pytest.fixture
async def counting_target():
    """A real app that processes every delivery again: its answers count."""
    count = {"n": 0}

    async def handler(request: web.BaseRequest) -> web.Response:
        await request.read()
        count["n"] += 1
        return web.json_response({"processed": count["n"]})

    async with serving(handler) as url:
        yield url, count


async def capture_one(pilot, app) -> None:
    body = b'{"id":"evt_1"}'
    head = f"POST /hooks/x HTTP/1.1\r\nHost: x\r\nContent-Length: {len(body)}\r\n\r\n"
    await send_raw(app.port, head.encode() + body)
    await wait_for_list(pilot, app, 1)


def notified(app, words: str) -> bool:
    return any(words in notification.message for notification in app._notifications)


async def test_probe_with_nothing_selected_warns():
    app = WhisperApp(Settings(port=0))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("I")
        await wait_until(pilot, lambda: notified(app, "Nothing to probe"))
        assert len(app.screen_stack) == 1


async def test_I_asks_the_target_and_n_then_diffs_the_answers_at_80x24(counting_target):
    url, count = counting_target
    app = WhisperApp(Settings(port=0))
    async with app.run_test(size=(80, 24)) as pilot:
        await capture_one(pilot, app)
        await pilot.press("I")
        # Asked in the probe's words: r's "Replay ... Enter replays" was asked for I too.
        shown = await wait_for_screen(pilot, app, "Idempotency probe", "Probe which server?")
        assert "Enter asks how many sends" in shown and "Enter replays" not in shown
        assert "Replay" not in shown
        app.screen.query_one("#url").value = url
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(app.screen, ProbePrompt))
        await wait_for_screen(pilot, app, "how many times?", "Enter sends")
        await pilot.press("backspace", "3", "enter")
        await wait_until(pilot, lambda: isinstance(app.screen, DiffScreen))
        text = await wait_for_screen(pilot, app, "differ: body of send 2 differs from send 1")
        assert "send 1: 200" in text and "send 3: 200" in text
        assert '"processed": 1' in text and '"processed": 2' in text
        assert count["n"] == 3
        assert len(app.store.attempts(1)) == 3
        await pilot.press("escape")
        # The target is remembered: the second probe asks only N; Esc there sends nothing.
        await pilot.press("I")
        await wait_until(pilot, lambda: isinstance(app.screen, ProbePrompt))
        await pilot.press("escape")
        await wait_until(pilot, lambda: len(app.screen_stack) == 1)
        await wait_until_settled(pilot)  # a probe would be a worker still running
        assert count["n"] == 3


async def test_a_count_out_of_range_is_refused_in_the_dialog(counting_target):
    url, count = counting_target
    app = WhisperApp(Settings(port=0))
    app.replay_url = url
    async with app.run_test(size=(80, 24)) as pilot:
        await capture_one(pilot, app)
        await pilot.press("I")
        await wait_until(pilot, lambda: isinstance(app.screen, ProbePrompt))
        await pilot.press("backspace", "1", "enter")
        await wait_for_screen(pilot, app, "send 2 to 20 times, not 1")
        assert isinstance(app.screen, ProbePrompt) and count["n"] == 0


async def test_the_probe_dialog_names_its_cancel_key_as_a_keymap_put_it():
    keymap = (("probe_cancel", "ctrl+g"),)
    app = WhisperApp(Settings(port=0, forward_url="http://127.0.0.1:9", keymap=keymap))
    async with app.run_test(size=(80, 24)) as pilot:
        await capture_one(pilot, app)
        await pilot.press("I")
        await wait_until(pilot, lambda: isinstance(app.screen, ProbePrompt))
        await wait_for_screen(pilot, app, "Enter sends, Ctrl+G")  # the box wraps "cancels."


async def test_the_probe_dialog_shows_the_target_s_password_masked():
    app = WhisperApp(Settings(port=0, forward_url="http://admin:hunter2pass@127.0.0.1:9"))
    async with app.run_test(size=(100, 24)) as pilot:
        await capture_one(pilot, app)
        await pilot.press("I")
        await wait_until(pilot, lambda: isinstance(app.screen, ProbePrompt))
        await wait_for_screen(pilot, app, "http://admin:***@127.0.0.1:9")
        assert "hunter2pass" not in screen_text(app)
