"""Live forwarding and --relay-response through the real server."""

from __future__ import annotations

import asyncio

import pytest

from tests.core.test_replay import ECHO_BODY, EchoServer, free_port
from tests.helpers import send_raw
from whisper_tui.core.models import NOT_ANSWERED
from whisper_tui.core.replay import Sender
from whisper_tui.core.server import Forwarding, bind_socket, build_server, start_server
from whisper_tui.core.store import RequestStore

pytestmark = pytest.mark.both_loops  # async tests run on asyncio's loop and on uvloop

RAW = (
    b"POST /hooks/x?a=1 HTTP/1.1\r\nHost: t\r\nX-Dup: 1\r\nx-dup: 2\r\nContent-Length: 2\r\n\r\nhi"
)


async def run(forward_url, relay, sender=None, url_from_port=False):
    store = RequestStore()
    sock = bind_socket("127.0.0.1", 0)
    port = sock.getsockname()[1]
    sender = sender or Sender(timeout=2)
    url = f"http://127.0.0.1:{port}" if url_from_port else forward_url
    runner = await start_server(
        build_server(store, 1 << 20, forward=Forwarding(url, sender, relay)), sock
    )
    return store, port, runner, sender


async def wait_for(pred, limit=3.0):
    for _ in range(int(limit / 0.02)):
        if pred():
            return
        await asyncio.sleep(0.02)
    raise AssertionError("condition never held")


async def test_forward_in_background():
    echo = EchoServer()
    await echo.start()
    store, port, runner, sender = await run(echo.url, relay=False)
    try:
        answer = await send_raw(port, RAW)
        assert answer.startswith(b"HTTP/1.1 200")
        [captured] = list(store)
        await wait_for(lambda: store.attempts(captured.id))
        [attempt] = store.attempts(captured.id)
        assert attempt.kind == "forward" and attempt.status == 201
        [arrival] = echo.arrivals
        assert arrival.target == "/hooks/x?a=1" and arrival.body == b"hi"
        assert [h for h in arrival.headers if h[0].lower() == b"x-dup"] == [
            (b"X-Dup", b"1"),
            (b"x-dup", b"2"),
        ]
    finally:
        await runner.cleanup()
        await sender.close()
        await echo.stop()


async def test_relay_response():
    echo = EchoServer()
    await echo.start()
    _store, port, runner, sender = await run(echo.url, relay=True)
    try:
        answer = await send_raw(port, RAW)
        print(answer)
        assert answer.startswith(b"HTTP/1.1 201 Created\r\n")
        assert b"X-Echo: one\r\nx-ECHO: two\r\n" in answer
        assert answer.endswith(ECHO_BODY)
    finally:
        await runner.cleanup()
        await sender.close()
        await echo.stop()


async def test_relay_target_down_is_502():
    _store, port, runner, sender = await run(f"http://127.0.0.1:{free_port()}", relay=True)
    try:
        answer = await send_raw(port, RAW)
        print(answer)
        assert answer.startswith(b"HTTP/1.1 502 Bad Gateway")
        assert b"connection refused" in answer
    finally:
        await runner.cleanup()
        await sender.close()


async def test_forward_to_ourselves_through_a_name_dns_free_check_misses_stops_after_one():
    for relay in (False, True):
        store, port, runner, sender = await run(None, relay=relay, url_from_port=True)
        try:
            answer = await send_raw(port, RAW)
            assert answer.startswith(b"HTTP/1.1 200")
            await asyncio.sleep(0.3)
            assert len(store) == 2, relay  # the original and its forwarded copy, nothing more
            first, second = list(store)
            assert second.body == first.body and second.target == first.target
            assert [a.status for a in store.attempts(first.id)] == [200]
            assert store.attempts(second.id) == []
        finally:
            await runner.cleanup()
            await sender.close()


async def test_a_relayed_answer_is_the_captures_answered_status():
    # The sender got the target's answer: the capture says so (detail, HAR, headless, --load),
    # and says it before the attempt's listeners (autosave, headless) hear of the forward.
    echo = EchoServer()
    await echo.start()
    store, port, runner, sender = await run(echo.url, relay=True)
    heard: list[int] = []
    store.subscribe_attempts(lambda request_id: heard.append(store.get(request_id).answered_status))
    try:
        assert (await send_raw(port, RAW)).startswith(b"HTTP/1.1 201 Created\r\n")
        [captured] = list(store)
        assert captured.answered_status == 201 and heard == [201]
    finally:
        await runner.cleanup()
        await sender.close()
        await echo.stop()


async def test_a_relay_that_failed_answered_502_and_the_capture_says_so():
    store, port, runner, sender = await run(f"http://127.0.0.1:{free_port()}", relay=True)
    try:
        assert (await send_raw(port, RAW)).startswith(b"HTTP/1.1 502 Bad Gateway")
        [captured] = list(store)
        assert captured.answered_status == 502
    finally:
        await runner.cleanup()
        await sender.close()


async def test_a_relayed_capture_is_listed_at_once_as_not_answered_yet():
    echo = EchoServer(answer=None)  # reads the forward, never answers
    await echo.start()
    store, port, runner, sender = await run(echo.url, relay=True)
    try:
        sending = asyncio.ensure_future(send_raw(port, RAW))
        await wait_for(lambda: len(store) == 1)
        assert store[0].answered_status == NOT_ANSWERED
        sending.cancel()
    finally:
        await runner.cleanup()
        await sender.close()
        await echo.stop()
