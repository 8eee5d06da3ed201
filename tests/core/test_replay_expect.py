"""A capture that came with `Expect: 100-continue` replays to servers that never say 100.

curl adds the header itself for big bodies; replay and forward already hold the whole body, so
they leave it out (as mitmproxy does once it has the body) rather than wait for a 100 Continue
that a plain HTTP/1.0 server never sends.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from aiohttp import web

from tests.helpers import serving
from whisper_tui.core.models import Attempt, CapturedRequest
from whisper_tui.core.replay import Sender

pytestmark = pytest.mark.both_loops

BODY = bytes(range(256)) * 8192  # 2 MiB, every byte value
STORED = (
    (b"Host", b"127.0.0.1:3000"),
    (b"User-Agent", b"curl/8.5.0"),
    (b"Accept", b"*/*"),
    (b"Content-Type", b"application/json"),
    (b"X-Hub-Signature-256", b"sha256=abc"),
    (b"x-dup", b"1"),
    (b"X-Dup", b"2"),
    (b"Content-Length", str(len(BODY)).encode()),
    (b"Expect", b"100-continue"),
)
KEPT = [
    (n.decode(), v.decode())
    for n, v in STORED
    if n.lower() not in (b"host", b"content-length", b"expect")
]


def big_curl_capture() -> CapturedRequest:
    return CapturedRequest(
        id=1,
        received_at=1.0,
        remote="127.0.0.1",
        method="POST",
        target="/hooks/big?x=1",
        http_version=(1, 1),
        raw_headers=STORED,
        body=BODY,
    )


@dataclass
class Received:
    headers: list[tuple[str, str]] = field(default_factory=list)
    body: bytes = b""
    path: str = ""


@pytest.fixture(params=["HTTP/1.0", "HTTP/1.1"])
def http_server_receiver(request) -> Iterator[tuple[str, Received]]:
    """Python's plain http.server, as a user's quick receiver; HTTP/1.0 never sends 100."""
    got = Received()

    class Handler(BaseHTTPRequestHandler):
        protocol_version = request.param

        def do_POST(self) -> None:
            got.path = self.path
            got.headers = list(self.headers.items())
            got.body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            self.send_response(204)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", got
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


@pytest.mark.parametrize("kind", ["replay", "forward"])
async def test_big_curl_body_replays_whole_to_plain_http_server(http_server_receiver, kind):
    url, got = http_server_receiver
    sender = Sender(timeout=5.0)
    try:
        attempt = await asyncio.wait_for(sender.send(big_curl_capture(), url, kind=kind), 15)
    finally:
        await sender.close()
    assert attempt.error is None, attempt.error
    assert attempt.status == 204
    assert got.path == "/hooks/big?x=1"
    assert got.body == BODY
    received = [
        (n, v) for n, v in got.headers if n.lower() not in ("host", "content-length", "connection")
    ]
    assert received == KEPT
    assert ("Content-Length", str(len(BODY))) in got.headers
    assert any("Expect" in note for note in attempt.notes)
    assert not any(n.lower() == b"expect" for n, _ in attempt.sent_headers)


async def replay_to_aiohttp_app(capture: CapturedRequest, status: int) -> tuple[Attempt, Received]:
    """Send `capture` to a real aiohttp app answering `status`; what was sent and received."""
    got = Received()

    async def hook(request: web.Request) -> web.Response:
        got.headers = [(n.decode(), v.decode()) for n, v in request.raw_headers]
        got.body = await request.read()
        return web.Response(status=status)

    app = web.Application(client_max_size=len(BODY) + 1)
    app.router.add_post("/hooks/big", hook)
    sender = Sender(timeout=5.0)
    try:
        async with serving(app) as url:
            attempt = await sender.send(capture, url)
    finally:
        await sender.close()
    return attempt, got


async def test_big_curl_body_replays_whole_to_aiohttp_app():
    attempt, got = await replay_to_aiohttp_app(big_curl_capture(), 202)
    assert attempt.status == 202, attempt.error
    assert got.body == BODY
    assert not any(n.lower() == "expect" for n, _ in got.headers)
    assert [
        (n, v) for n, v in got.headers if n.lower() not in ("host", "content-length", "connection")
    ] == KEPT


async def test_a_capture_without_expect_is_sent_without_a_note():
    without = replace(big_curl_capture(), raw_headers=STORED[:-1])
    attempt, got = await replay_to_aiohttp_app(without, 200)
    assert attempt.status == 200 and got.body == BODY
    assert attempt.notes == []
