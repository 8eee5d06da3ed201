"""The refresh timer: bursts drawn in full once in, a finished --load drawn at once, refused
requests told of, a tick during shutdown harmless."""

from __future__ import annotations

import asyncio

import aiohttp
from textual.widgets import Static

from tests.helpers import send_raw, wait_for_list, wait_for_screen, wait_until
from whisper_tui.core.har import save_har
from whisper_tui.core.models import CapturedRequest
from whisper_tui.core.settings import Settings
from whisper_tui.core.store import RequestStore
from whisper_tui.ui.app import WhisperApp
from whisper_tui.ui.detail import RequestDetail
from whisper_tui.ui.request_list import RequestList
from whisper_tui.ui.topbar import TopBar


def new_app() -> WhisperApp:
    return WhisperApp(Settings(port=0))


async def test_a_request_the_parser_refuses_is_told_of_though_it_cannot_be_listed():
    app = new_app()
    async with app.run_test(size=(160, 45)) as pilot:
        await pilot.pause()
        raw = b"POST /hooks HTTP/1.1\r\nHost: x\r\nX-Evil: a\x1b[2Jb\r\nContent-Length: 0\r\n\r\n"
        answer = await send_raw(app.port, raw)
        assert answer.split(b" ")[1] == b"400"
        await wait_for_screen(pilot, app, "1 rejected")
        # notify() posts a message: the toast is kept once it is handled, which may be after
        # the frame that shows the count.
        await wait_until(pilot, lambda: len(app._notifications) > 0)
        toasts = [(str(n.message), n.severity) for n in app._notifications]
        assert len(toasts) == 1 and toasts[0][1] == "warning"
        message = toasts[0][0]
        assert message.startswith("HTTP parser refused a request (not captured): 400 from 127.")
        assert "Invalid header value char" in message and "\x1b" not in message
        assert len(app.store) == 0


async def test_a_burst_is_drawn_in_full_once_it_has_arrived():
    # 2,000 captures as fast as 8 connections send them: far over the rate at which the
    # screen drops to a redraw a second. The list, the count and the followed
    # detail must still catch up with the last one.
    app = new_app()
    async with app.run_test(size=(160, 45)) as pilot:
        body = b'{"n":1}'
        async with aiohttp.ClientSession() as session:

            async def sender(count: int) -> None:
                for _ in range(count):
                    async with session.post(f"http://127.0.0.1:{app.port}/burst", data=body):
                        pass

            await asyncio.gather(*(sender(250) for _ in range(8)))
        await wait_for_list(pilot, app, 2000)
        await wait_for_screen(pilot, app, "2,000 requests", "#2000 ")
        assert app.request_list.selected is app.store[-1]


async def test_the_refresh_timer_ticking_while_the_app_shuts_down_does_not_crash_it():
    # Shutting down removes the detail (composed last) before the list; a tick in between
    # found the list, asked for the detail and crashed the app (seen with 20,000 captures).
    store = RequestStore()
    store.add(CapturedRequest(1, 1_764_000_000.0, "127.0.0.1", "POST", "/a", (1, 1), (), b"x"))
    app = WhisperApp(Settings(port=0), store=store, serve=False)
    async with app.run_test() as pilot:
        await app.detail.remove()
        app.refresh_from_store()
        await pilot.pause()
        assert app.is_running
    assert app.return_code in (None, 0)


class TicksInTheTeardown(Static):
    """Mounted first on the main screen, so told first when the shutdown takes it apart: it
    waits until the top bar is gone (a leaf beside the panes, it goes a turn of the loop
    before the list and the detail) and runs the refresh timer's tick right then, as the
    timer can."""

    window_seen = False

    async def on_unmount(self) -> None:
        app, main = self.app, self.app.screen_stack[0]
        for _ in range(1000):  # turns of the loop; the top bar goes in a few
            if not main.query(TopBar):
                break
            await asyncio.sleep(0)
        if not main.query(TopBar) and main.query(RequestList) and main.query(RequestDetail):
            TicksInTheTeardown.window_seen = True
            app._tick()


async def test_a_tick_after_the_top_bar_is_gone_in_the_shutdown_does_not_crash_the_app():
    """Seen under load in test_answer_mode_key...: the tick found the list and the detail,
    then NoMatches on the top bar, which the shutdown had already removed."""
    store = RequestStore()
    store.add(CapturedRequest(1, 1_764_000_000.0, "127.0.0.1", "POST", "/a", (1, 1), (), b"x"))
    store.add(CapturedRequest(2, 1_764_000_001.0, "127.0.0.1", "POST", "/b", (1, 1), (), b"y"))
    app = WhisperApp(Settings(port=0), store=store, serve=False)
    TicksInTheTeardown.window_seen = False
    async with app.run_test() as pilot:
        await wait_for_list(pilot, app, 2)
        await app.screen_stack[0].mount(TicksInTheTeardown(), before=0)
        app.request_list.action_cursor_up()  # a change for the tick to draw
    assert TicksInTheTeardown.window_seen
    assert app.return_code in (None, 0)


async def test_a_finished_load_is_drawn_at_once_and_the_server_starts_after_it(tmp_path):
    """The end of --load is drawn as it comes, not at the next tick, and the server starts
    (importing aiohttp, on the loop) once that frame is out, not before it."""
    path = tmp_path / "three.har"
    captures = [
        CapturedRequest(n, 1.0 + n, "127.0.0.1:1", "POST", f"/loaded/{n}", (1, 1), (), b"x")
        for n in (1, 2, 3)
    ]
    save_har(path, captures, "http://127.0.0.1:8080")
    app = WhisperApp(Settings(port=0, load_paths=(str(path),)))
    at_the_end = []
    async with app.run_test(size=(120, 30)) as pilot:
        loading = app.session.loading
        assert loading is not None
        loading.finished_listeners.append(
            lambda: at_the_end.append(
                (
                    app.request_list.synced,
                    "3 requests" in str(app.screen_stack[0].query_one(TopBar).render()),
                    app.session.listening,
                )
            )
        )
        await wait_until(pilot, lambda: app.session.listening)
    assert at_the_end == [(True, True, False)]
