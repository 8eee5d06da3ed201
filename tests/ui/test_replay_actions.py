"""`r` in the app: nothing selected is a warning, a replay goes to the target and is recorded."""

from __future__ import annotations

from aiohttp import web

from tests.helpers import send_raw, serving, wait_for_list, wait_until
from whisper_tui.core.settings import Settings
from whisper_tui.ui.app import WhisperApp


async def test_replay_with_nothing_selected_warns_and_sends_nothing():
    app = WhisperApp(Settings(port=0))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("r")
        await pilot.pause(0.2)
        assert app.is_running and len(app.screen_stack) == 1
        assert any("Nothing to replay" in n.message for n in app._notifications)


async def test_r_sends_the_stored_bytes_to_the_replay_target_and_keeps_the_attempt():
    received: list[bytes] = []

    async def handler(request: web.BaseRequest) -> web.Response:
        received.append(await request.read())
        return web.Response(text="ok")

    app = WhisperApp(Settings(port=0, forward_url=None))
    async with serving(handler) as url, app.run_test(size=(80, 24)) as pilot:
        app.replay_url = url
        body = b"\x00exact\xff"
        head = f"POST /x HTTP/1.1\r\nHost: x\r\nContent-Length: {len(body)}\r\n\r\n"
        await send_raw(app.port, head.encode() + body)
        await wait_for_list(pilot, app, 1)
        await pilot.press("r")
        await wait_until(pilot, lambda: app.store.attempts(1))
        assert received == [body]
        assert app.store.attempts(1)[0].status == 200
