"""The ack written from prebuilt bytes is, byte for byte, what aiohttp's Response sends.

Every test runs real servers on 127.0.0.1 and compares what arrives on the socket: one server
answers with `ack()`, the other with `web.Response(status=, body=, content_type=)` for the same
request, and the two byte streams (the Date line aside) and connection states must be equal.
"""

from __future__ import annotations

import asyncio
import json
import logging
import re
import socket

import pytest
from aiohttp import web
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.helpers import serving
from whisper_tui.core.ack import ACK_TYPE, ack
from whisper_tui.core.listening import bind_socket
from whisper_tui.core.responses import ResponsePolicy
from whisper_tui.core.server import build_server, start_server
from whisper_tui.core.store import RequestStore

pytestmark = pytest.mark.both_loops  # async tests run on asyncio's loop and on uvloop

BODY = b'{"ok":true,"id":41}'
DATE = re.compile(rb"\r\nDate: [^\r]*\r\n")


def undated(data: bytes) -> bytes:
    """The answer with its Date line's value blanked: the two servers' clocks may tick apart."""
    return DATE.sub(b"\r\nDate: -\r\n", data)


def ours(status: int):
    async def handler(request: web.BaseRequest) -> web.StreamResponse:
        await request.read()
        # The handler type web.Server expects; the protocol only prepares and finishes it.
        return ack(request, status, BODY)  # type: ignore[return-value]

    return handler


def aiohttps(status: int):
    async def handler(request: web.BaseRequest) -> web.StreamResponse:
        await request.read()
        return web.Response(status=status, body=BODY, content_type=ACK_TYPE)

    return handler


async def read_answer(reader: asyncio.StreamReader, head_only: bool) -> bytes:
    """One response: the head, then Content-Length bytes of body unless it answers HEAD."""
    head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), 5)
    match = re.search(rb"\r\nContent-Length: (\d+)\r\n", head)
    length = int(match.group(1)) if match and not head_only else 0
    return head + (await asyncio.wait_for(reader.readexactly(length), 5) if length else b"")


async def conversation(url: str, request: bytes) -> tuple[bytes, bool]:
    """Send `request` and read the answer, then send it again on the same connection: a kept
    connection answers twice, a closed one ends. Returns every byte received and whether the
    server closed (decided by what arrives, not by waiting)."""
    port = int(url.rsplit(":", 1)[1])
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    head_only = request.startswith(b"HEAD ")
    try:
        writer.write(request)
        received = await read_answer(reader, head_only)
        writer.write(request)
        try:
            received += await read_answer(reader, head_only)
        except (asyncio.IncompleteReadError, ConnectionResetError):
            return received, True
        return received, False
    finally:
        writer.close()


async def both(request: bytes, status: int) -> tuple[tuple[bytes, bool], tuple[bytes, bool]]:
    async with serving(ours(status)) as mine, serving(aiohttps(status)) as reference:
        got = await conversation(mine, request)
        expected = await conversation(reference, request)
    return (undated(got[0]), got[1]), (undated(expected[0]), expected[1])


def request_bytes(method: str, version: str, connection: str | None, body: bytes) -> bytes:
    head = f"{method} /hooks/x?a=1 {version}\r\nHost: ack.test\r\n"
    if connection is not None:
        head += f"Connection: {connection}\r\n"
    if body or method in ("POST", "PUT"):
        head += f"Content-Length: {len(body)}\r\n"
    return head.encode() + b"\r\n" + body


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    method=st.sampled_from(["POST", "GET", "PUT", "DELETE", "PATCH", "OPTIONS", "HEAD"]),
    version=st.sampled_from(["HTTP/1.1", "HTTP/1.0"]),
    connection=st.sampled_from([None, "close", "keep-alive", "Close", "KEEP-ALIVE"]),
    status=st.sampled_from([200, 201, 202, 204, 299, 304, 400, 404, 410, 429, 500, 503, 599]),
    body=st.sampled_from([b"", b"hi", b'{"event":"ping"}']),
)
async def test_the_ack_is_what_aiohttps_response_sends(method, version, connection, status, body):
    request = request_bytes(method, version, connection, body)
    got, expected = await both(request, status)
    assert got == expected


@pytest.mark.parametrize(
    ("version", "connection", "kept", "connection_line"),
    [
        ("HTTP/1.1", None, True, None),
        ("HTTP/1.1", "close", False, b"Connection: close"),
        ("HTTP/1.0", None, False, None),
        ("HTTP/1.0", "keep-alive", True, b"Connection: keep-alive"),
    ],
)
async def test_status_line_length_type_and_keep_alive_on_the_wire(
    version, connection, kept, connection_line
):
    request = request_bytes("POST", version, connection, b"hi")
    (got, closed), expected = await both(request, 200)
    assert (got, closed) == expected
    lines = got.split(b"\r\n\r\n", 1)[0].split(b"\r\n")
    assert lines[0] == f"{version} 200 OK".encode()
    assert b"Content-Type: application/json" in lines
    assert b"Content-Length: %d" % len(BODY) in lines
    assert closed is not kept
    assert (
        (connection_line in lines)
        if connection_line
        else not any(line.startswith(b"Connection:") for line in lines)
    )
    assert got.count(BODY) == (2 if kept else 1)


async def test_pipelined_requests_get_their_acks_in_order_even_when_the_sender_reads_late():
    # A sender that writes thousands of requests before reading any answer fills the socket
    # buffers: the acks must wait (the writer's drain), not be lost or reordered.
    store = RequestStore()
    sock = bind_socket("127.0.0.1", 0)
    runner = await start_server(build_server(store, max_body=1024), sock)
    count = 4000
    try:
        client = socket.socket()
        client.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        client.setblocking(False)
        await asyncio.get_running_loop().sock_connect(client, sock.getsockname())
        reader, writer = await asyncio.open_connection(sock=client)
        one = b"POST /p HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\nhi"
        writer.write(one * count)
        await writer.drain()
        await asyncio.sleep(0.2)  # let the server run into the full buffer
        ids = []
        for _ in range(count):
            answer = await read_answer(reader, head_only=False)
            ids.append(json.loads(answer.split(b"\r\n\r\n", 1)[1])["id"])
        writer.close()
    finally:
        await runner.cleanup()
    assert ids == list(range(1, count + 1))
    assert [capture.id for capture in store] == ids


async def test_a_sender_gone_before_a_delayed_ack_is_dropped_quietly(caplog):
    # --delay: the sender hangs up while whisper-tui waits; writing the ack then finds the
    # transport closing, which the protocol must take as a departure, not an error.
    store = RequestStore()
    sock = bind_socket("127.0.0.1", 0)
    policy = ResponsePolicy(delay=0.2)
    runner = await start_server(build_server(store, max_body=1024, policy=policy), sock)
    port = sock.getsockname()[1]
    try:
        with caplog.at_level(logging.DEBUG, logger="aiohttp"):
            reader, writer = await asyncio.open_connection("127.0.0.1", port)
            writer.write(b"POST /gone HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\nhi")
            await writer.drain()
            await asyncio.sleep(0.05)
            writer.close()
            await connections_done()  # the delayed ack was attempted, and the handler ended
            policy.delay = 0.0
            reader, writer = await asyncio.open_connection("127.0.0.1", port)
            writer.write(b"POST /next HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\nhi")
            answer = await read_answer(reader, head_only=False)
            writer.close()
    finally:
        await runner.cleanup()
    assert answer.startswith(b"HTTP/1.1 200 OK\r\n")
    assert [capture.target for capture in store] == ["/gone", "/next"]
    assert not [record for record in caplog.records if record.levelno >= logging.WARNING]


async def connections_done(timeout: float = 5.0) -> None:
    """Wait until no connection's RequestHandler.start task is left running."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while any(
        getattr(task.get_coro(), "__qualname__", "") == "RequestHandler.start"
        for task in asyncio.all_tasks()
    ):
        assert loop.time() < deadline, "a connection's handler never finished"
        await asyncio.sleep(0.01)
