"""whisper-tui's own answer to a capture, written in one piece from bytes built in advance.

aiohttp's `web.Response` builds a header multidict per request, then `prepare()` decides
keep-alive, length, Date, Server and Connection and serializes it all again: measured under
load, building, preparing and writing the answer cost more of the server's time than keeping
the capture did. The ack differs between captures only by its status, the request's HTTP
version and keep-alive, its id and the clock, so its head is built once per (version, status,
keep-alive) and its Date and Server lines once a second. The bytes are the ones aiohttp's
Response sends for the same answer; tests/core/test_ack.py compares them on real sockets.
"""

from __future__ import annotations

import time

from aiohttp import web
from aiohttp.helpers import must_be_empty_body, rfc822_formatted_time
from aiohttp.http import SERVER_SOFTWARE

from whisper_tui.core.models import CapturedRequest, reason_phrase
from whisper_tui.core.sent_answers import ACK_TYPE

_Key = tuple[int, int, int, bool]
"""(major, minor, status, keep_alive)."""

_heads: dict[_Key, tuple[bytes, bytes]] = {}
"""Status line up to "Content-Length: ", and the Connection line, per _Key."""


class _Clock:
    """The Date and Server lines, rebuilt when the second changes (as aiohttp's cache is)."""

    second = -1
    lines = b""


class Ack:
    """A finished answer the server's protocol writes: prepare() sends it, write_eof() has
    nothing left to do.

    Not a `web.StreamResponse`: of what a handler returns, aiohttp's RequestHandler asks only
    `prepare(request)`, `write_eof()` and `keep_alive` (web_protocol.finish_response and
    start), and building a StreamResponse alone costs more than this whole answer.
    """

    __slots__ = ("_data", "keep_alive")

    def __init__(self, data: bytes, keep_alive: bool) -> None:
        self._data = data
        self.keep_alive = keep_alive
        """Whether the connection stays open after it (the protocol reads this)."""

    async def prepare(self, request: web.BaseRequest) -> None:
        transport = request.transport
        if transport is None or transport.is_closing():
            # What aiohttp's writer raises: the protocol takes any ConnectionError as the
            # sender having gone, and drops the connection quietly.
            raise ConnectionResetError("Cannot write to closing transport")
        transport.write(self._data)
        # Waits only while the socket's buffer is over its high-water mark, like write_eof().
        await request.writer.drain()

    async def write_eof(self, data: bytes = b"") -> None:
        return None


def ack(request: web.BaseRequest, status: int, body: bytes) -> Ack | RecordedResponse:
    """The answer `status` with a JSON `body`, as aiohttp's Response(status=, body=,
    content_type="application/json") would send it.

    Answers that carry no body (HEAD, 204, 304, 1xx, a 2xx to CONNECT) and HTTP versions
    other than 1.0 and 1.1 are left to aiohttp, which knows their rules.
    """
    version = request.version
    method = request.method
    if must_be_empty_body(method, status) or version not in ((1, 1), (1, 0)):
        # Not the usual bytes: the server has this one keep what it sends on the capture.
        return RecordedResponse(status=status, body=body, content_type=ACK_TYPE)
    keep_alive = request.keep_alive
    key = (version[0], version[1], status, keep_alive)
    head = _heads.get(key)
    if head is None:
        head = _heads[key] = _head(*key)
    now = int(time.time())
    if now != _Clock.second:
        _Clock.lines = b"\r\nDate: %s\r\nServer: %s\r\n" % (
            rfc822_formatted_time().encode("ascii"),
            SERVER_SOFTWARE.encode("ascii"),
        )
        _Clock.second = now
    data = b"%s%d%s%s\r\n%s" % (head[0], len(body), _Clock.lines, head[1], body)
    return Ack(data, keep_alive)


_CLOCK_HEADERS = ("date", "server")


class RecordedResponse(web.Response):
    """A web.Response that keeps, on its capture, what it sends: the headers once aiohttp has
    finished them (Content-Length, Connection, ...), the reason and the body. For the answers
    that are not the usual ack (--respond rules, 413, relayed answers), which are rare."""

    capture: CapturedRequest | None = None

    async def _prepare_headers(self) -> None:
        given = {name.lower() for name in self.headers if name.lower() in _CLOCK_HEADERS}
        await super()._prepare_headers()
        if self.capture is None:
            return
        request = self._req
        # The bytes aiohttp writes: its header block is encoded as UTF-8.
        headers = tuple(
            (name.encode("utf-8", "surrogateescape"), value.encode("utf-8", "surrogateescape"))
            for name, value in self.headers.items()
            if name.lower() not in _CLOCK_HEADERS or name.lower() in given
        )
        empty = request is not None and must_be_empty_body(request.method, self.status)
        body = self.body if isinstance(self.body, bytes) and not empty else b""
        self.capture.answer = (self.reason, headers, body)


def _head(major: int, minor: int, status: int, keep_alive: bool) -> tuple[bytes, bytes]:
    reason = reason_phrase(status)
    start = f"HTTP/{major}.{minor} {status} {reason}\r\nContent-Type: {ACK_TYPE}\r\n"
    # aiohttp's rule (StreamResponse._prepare_headers): say keep-alive to HTTP/1.0, since it
    # closes by default; say close to HTTP/1.1, since it keeps by default.
    if keep_alive:
        connection = b"Connection: keep-alive\r\n" if (major, minor) == (1, 0) else b""
    else:
        connection = b"Connection: close\r\n" if (major, minor) == (1, 1) else b""
    return (start + "Content-Length: ").encode("latin-1"), connection
