"""Live forwarding and --relay-response through the real server."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from typing import Any

import pytest

from tests.core.test_replay import ECHO_BODY, EchoServer
from tests.helpers import send_raw
from whisper_tui.core.listening import bind_socket
from whisper_tui.core.models import NOT_ANSWERED
from whisper_tui.core.replay import Sender
from whisper_tui.core.server import Forwarding, build_server, start_server
from whisper_tui.core.store import RequestStore

pytestmark = pytest.mark.both_loops  # async tests run on asyncio's loop and on uvloop

RAW = (
    b"POST /hooks/x?a=1 HTTP/1.1\r\nHost: t\r\nX-Dup: 1\r\nx-dup: 2\r\nContent-Length: 2\r\n\r\nhi"
)


@contextlib.asynccontextmanager
async def forwarding(
    forward_url: str | None, relay: bool, url_from_port: bool = False
) -> AsyncIterator[tuple[RequestStore, int]]:
    """A capture server forwarding to `forward_url` (to itself with url_from_port): its
    store and port; stopped, with its sender, when the block ends."""
    store = RequestStore()
    sock = bind_socket("127.0.0.1", 0)
    port = sock.getsockname()[1]
    sender = Sender(timeout=2)
    url = f"http://127.0.0.1:{port}" if url_from_port else forward_url
    assert url is not None
    runner = await start_server(
        build_server(store, 1 << 20, forward=Forwarding(url, sender, relay)), sock
    )
    try:
        yield store, port
    finally:
        await runner.cleanup()
        await sender.close()


@contextlib.asynccontextmanager
async def echo_server(**options: Any) -> AsyncIterator[EchoServer]:
    echo = EchoServer(**options)
    await echo.start()
    try:
        yield echo
    finally:
        await echo.stop()


async def wait_for(pred, limit=3.0):
    for _ in range(int(limit / 0.02)):
        if pred():
            return
        await asyncio.sleep(0.02)
    raise AssertionError("condition never held")


async def test_forward_in_background():
    async with echo_server() as echo, forwarding(echo.url, relay=False) as (store, port):
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


async def test_relay_response():
    async with echo_server() as echo, forwarding(echo.url, relay=True) as (_store, port):
        answer = await send_raw(port, RAW)
        print(answer)
        assert answer.startswith(b"HTTP/1.1 201 Created\r\n")
        assert b"X-Echo: one\r\nx-ECHO: two\r\n" in answer
        assert answer.endswith(ECHO_BODY)


async def test_relay_target_down_is_502(down_port):
    async with forwarding(f"http://127.0.0.1:{down_port}", relay=True) as (_store, port):
        answer = await send_raw(port, RAW)
        print(answer)
        assert answer.startswith(b"HTTP/1.1 502 Bad Gateway")
        assert b"connection refused" in answer


async def test_forward_to_ourselves_through_a_name_dns_free_check_misses_stops_after_one():
    for relay in (False, True):
        async with forwarding(None, relay=relay, url_from_port=True) as (store, port):
            answer = await send_raw(port, RAW)
            assert answer.startswith(b"HTTP/1.1 200")
            await asyncio.sleep(0.3)
            assert len(store) == 2, relay  # the original and its forwarded copy, nothing more
            first, second = list(store)
            assert second.body == first.body and second.target == first.target
            assert [a.status for a in store.attempts(first.id)] == [200]
            assert store.attempts(second.id) == []


async def test_a_relayed_answer_is_the_captures_answered_status():
    # The sender got the target's answer: the capture says so (detail, HAR, headless, --load),
    # and says it before the attempt's listeners (autosave, headless) hear of the forward.
    async with echo_server() as echo, forwarding(echo.url, relay=True) as (store, port):
        heard: list[int] = []
        store.subscribe_attempts(
            lambda request_id: heard.append(store.get(request_id).answered_status)
        )
        assert (await send_raw(port, RAW)).startswith(b"HTTP/1.1 201 Created\r\n")
        [captured] = list(store)
        assert captured.answered_status == 201 and heard == [201]


async def test_a_relay_that_failed_answered_502_and_the_capture_says_so(down_port):
    async with forwarding(f"http://127.0.0.1:{down_port}", relay=True) as (store, port):
        assert (await send_raw(port, RAW)).startswith(b"HTTP/1.1 502 Bad Gateway")
        [captured] = list(store)
        assert captured.answered_status == 502


async def test_a_relayed_capture_is_listed_at_once_as_not_answered_yet():
    # The echo server reads the forward and never answers.
    async with echo_server(answer=None) as echo, forwarding(echo.url, relay=True) as (store, port):
        sending = asyncio.ensure_future(send_raw(port, RAW))
        await wait_for(lambda: len(store) == 1)
        assert store[0].answered_status == NOT_ANSWERED
        sending.cancel()
