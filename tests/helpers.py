"""Test helpers: raw sockets, real receivers on loopback, fixture deliveries."""

from __future__ import annotations

import asyncio
import base64
import contextlib
import json
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path

from aiohttp import web

from whisper_tui.core.models import CapturedRequest
from whisper_tui.loops import uvloop_available

EVENT_LOOPS = ("asyncio", "uvloop") if uvloop_available() else ("asyncio",)
"""The loops the app can run on here (uvloop has no Windows build): loop tests run on each."""

LOCAL_FIXTURES = Path(__file__).resolve().parent / "fixtures"


def load_deliveries() -> list[dict]:
    """The realistic deliveries (a copy lives in tests/fixtures so CI has them)."""
    path = LOCAL_FIXTURES / "deliveries.json"
    return json.loads(path.read_text())["deliveries"]


def delivery_body(delivery: dict) -> bytes:
    if delivery.get("body_encoding") == "base64":
        return base64.b64decode(delivery["body"])
    return delivery["body"].encode("utf-8")


def delivery_request(delivery: dict, request_id: int = 1, at: float = 1_764_000_000.0):
    """A CapturedRequest built from a fixture delivery, as if it had just arrived."""
    return CapturedRequest(
        id=request_id,
        received_at=at,
        remote="127.0.0.1",
        method=delivery["method"],
        target=delivery["path"],
        http_version=(1, 1),
        raw_headers=tuple(
            (name.encode("latin-1"), value.encode("latin-1")) for name, value in delivery["headers"]
        ),
        body=delivery_body(delivery),
    )


def numbered_capture(
    request_id: int,
    body: bytes = b'{"ok": true}',
    *,
    query: str = "",
    headers: tuple[tuple[bytes, bytes], ...] = ((b"Content-Type", b"application/json"),),
    at: float = 1_764_000_000.0,
) -> CapturedRequest:
    """Capture #N: a POST to /hooks/N (+ query) received N seconds after `at`, for tests that
    store, save and read many of them."""
    return CapturedRequest(
        id=request_id,
        received_at=at + request_id,
        remote="127.0.0.1:5000",
        method="POST",
        target=f"/hooks/{request_id}{query}",
        http_version=(1, 1),
        raw_headers=headers,
        body=body,
    )


Handler = Callable[[web.BaseRequest], Awaitable[web.StreamResponse]]


@contextlib.asynccontextmanager
async def serving(target: web.Application | Handler) -> AsyncIterator[str]:
    """A real aiohttp app, or a low-level handler (which sees requests as they came, no
    routing), on a free 127.0.0.1 port: yields its base URL; stopped on the way out."""
    runner: web.BaseRunner = (
        web.AppRunner(target)
        if isinstance(target, web.Application)
        else web.ServerRunner(web.Server(target))
    )
    await runner.setup()
    try:
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        port = runner.addresses[0][1]
        yield f"http://127.0.0.1:{port}"
    finally:
        await runner.cleanup()


async def send_raw(port: int, data: bytes, timeout: float = 5.0) -> bytes:
    """Write exact bytes to 127.0.0.1:port and read the answer until the server closes."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(data)
    await writer.drain()
    try:
        # A response to HEAD announces a length but carries no body.
        with_body = not data.startswith(b"HEAD ")
        answer = await asyncio.wait_for(_read_one_response(reader, with_body), timeout)
    finally:
        writer.close()
    return answer


async def _read_one_response(reader: asyncio.StreamReader, with_body: bool = True) -> bytes:
    head = await reader.readuntil(b"\r\n\r\n")
    length = 0
    for line in head.split(b"\r\n"):
        if line.lower().startswith(b"content-length:"):
            length = int(line.split(b":", 1)[1])
    body = await reader.readexactly(length) if length and with_body else b""
    return head + body


def screen_strips(app) -> list:
    """What the terminal would show: the composed screen as a list of strips."""
    return app.screen._compositor.render_strips()


def segments_at(app, needle: str) -> list:
    """On each screen row where `needle` shows, the segment its first character is drawn in."""
    found = []
    for strip in screen_strips(app):
        at = "".join(segment.text for segment in strip).find(needle)
        if at < 0:
            continue
        cells = 0
        for segment in strip:
            if cells + len(segment.text) > at:
                found.append(segment)
                break
            cells += len(segment.text)
    return found


def screen_text(app) -> str:
    return "\n".join("".join(s.text for s in strip) for strip in screen_strips(app))


async def wait_for_screen(pilot, app, *needles: str, timeout: float = 15.0) -> str:
    """Poll the composed screen until every needle shows (machines under load are slow: with
    two test workers on two cores, 5 s was once not enough for a list to catch up)."""
    text = ""
    for _ in range(int(timeout / 0.05)):
        text = screen_text(app)
        if all(needle in text for needle in needles):
            return text
        await pilot.pause(0.05)
    missing = [n for n in needles if n not in text]
    raise AssertionError(f"never on screen: {missing}\n{text}")


async def wait_until(pilot, condition, timeout: float = 15.0) -> None:
    """Poll until condition() is true (the app refreshes on a timer; loaded machines lag)."""
    for _ in range(int(timeout / 0.05)):
        if condition():
            return
        await pilot.pause(0.05)
    raise AssertionError("condition never held")


async def wait_until_settled(pilot, timeout: float = 10.0) -> None:
    """Wait for the screen as it will stay: no worker pending or running (a body's decoding,
    the diff, the export, the filter's scan), then one refresh tick of the app after that (the
    list and the top bar catch up on it), then the messages those posted handled. A condition
    to wait on, where a fixed pause is too long on an idle machine and too short on a busy one."""
    from textual.worker import WorkerState

    app = pilot.app
    busy = (WorkerState.PENDING, WorkerState.RUNNING)
    await wait_until(pilot, lambda: not any(w.state in busy for w in app.workers), timeout)
    ticked = app._ticked_at  # set by each run of the refresh timer
    await wait_until(pilot, lambda: app._ticked_at != ticked, timeout)
    await pilot.pause()


async def wait_for_list(pilot, app, count: int, timeout: float = 5.0) -> None:
    """Wait until the list shows `count` captures (it redraws a few times a second)."""
    shown = app.request_list
    await wait_until(pilot, lambda: shown.synced and len(shown.view) == count, timeout)


async def type_at_once(pilot, keys) -> None:
    """Send keys the way a fast typist, tmux send-keys or a terminal's paste without bracketed
    paste does: every key queued before the app handles the first (Pilot.press waits for the
    app to go idle after each key, which hides keys that reach the wrong widget)."""
    from textual import events
    from textual.keys import _character_to_key

    app = pilot.app
    for key in keys:
        name = _character_to_key(key) if len(key) == 1 and not key.isalnum() else key
        event = events.Key(name, key if len(key) == 1 else None)
        event.set_sender(app)
        app._driver.send_message(event)
    await pilot.pause()


def plain_capture(number: int) -> CapturedRequest:
    """POST /n/<number> with a tiny JSON body, received <number> seconds after a fixed time."""
    return CapturedRequest(
        number, 1_764_000_000.0 + number, "127.0.0.1", "POST", f"/n/{number}", (1, 1), (), b"{}"
    )


def app_with_captures(count: int, keymap: tuple[tuple[str, str], ...] = ()):  # type: ignore[no-untyped-def]
    """A WhisperApp (not serving) holding plain_capture(1..count), with `keymap` applied."""
    from whisper_tui.core.settings import Settings  # the UI only where a test needs it
    from whisper_tui.core.store import RequestStore
    from whisper_tui.ui.app import WhisperApp

    store = RequestStore()
    for number in range(1, count + 1):
        store.add(plain_capture(number))
    return WhisperApp(Settings(port=0, keymap=keymap), store=store, serve=False)


class HeldApp:
    """A target app that takes a delivery and answers 204 only once released: a forward
    still waiting on it when whisper-tui stops (`async with serving(held.handler) as url`)."""

    def __init__(self) -> None:
        self.reached = asyncio.Event()
        self.released = asyncio.Event()

    async def handler(self, request: web.BaseRequest) -> web.Response:
        await request.read()
        self.reached.set()
        await self.released.wait()  # answers only after whisper-tui has stopped
        return web.Response(status=204)
