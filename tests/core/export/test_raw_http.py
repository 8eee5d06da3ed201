"""Raw HTTP exports: the exact message, good enough to send down a socket again."""

from __future__ import annotations

import asyncio

from tests.core.export.helpers import EchoServer, make_request
from whisper_tui.core.export import render_export
from whisper_tui.core.export.raw_http import FORMAT, to_raw_http


def test_raw_http_is_exact() -> None:
    req = make_request(
        method="PATCH",
        target="/x/../y?a=1&a=2",
        headers=[
            (b"hOST", b"h"),
            (b"X-A", b"1"),
            (b"x-a", b"\xff"),
            (b"X-Empty", b""),
            (b"Content-Length", b"3"),
        ],
        body=b"\x00\x01\x02",
        http_version=(1, 0),
    )
    assert to_raw_http(req) == (
        b"PATCH /x/../y?a=1&a=2 HTTP/1.0\r\n"
        b"hOST: h\r\nX-A: 1\r\nx-a: \xff\r\nX-Empty:\r\nContent-Length: 3\r\n"
        b"\r\n\x00\x01\x02"
    )


def test_raw_http_non_utf8_target_bytes() -> None:
    target = b"/caf\xe9?q=\xff".decode("utf-8", "surrogateescape")
    req = make_request(method="GET", target=target, headers=[])
    assert to_raw_http(req) == b"GET /caf\xe9?q=\xff HTTP/1.1\r\n\r\n"


async def test_raw_http_replays_over_a_socket(echo: EchoServer) -> None:
    body = bytes(range(256))
    req = make_request(
        headers=[(b"Host", b"x"), (b"X-A", b"1"), (b"x-A", b"2"), (b"Content-Length", b"256")],
        body=body,
    )
    host, port = echo.base_url.removeprefix("http://").split(":")
    reader, writer = await asyncio.open_connection(host, int(port))
    writer.write(to_raw_http(req))
    await writer.drain()
    await asyncio.wait_for(reader.readuntil(b"ok"), timeout=10)
    writer.close()
    seen = echo.last()
    assert seen.raw_headers == list(req.raw_headers)
    assert seen.body == body


async def test_several_captures_follow_each_other_as_on_one_connection(echo: EchoServer) -> None:
    first = make_request(headers=[(b"Host", b"x"), (b"Content-Length", b"3")], body=b"one")
    second = make_request(method="GET", target="/two", headers=[(b"Host", b"x")])
    stream = render_export("raw", [first, second], "http://unused")
    assert stream == to_raw_http(first) + to_raw_http(second)
    host, port = echo.base_url.removeprefix("http://").split(":")
    reader, writer = await asyncio.open_connection(host, int(port))
    writer.write(stream)  # pipelined: the server answers both, in order
    await writer.drain()
    await asyncio.wait_for(reader.readuntil(b"ok"), timeout=10)
    await asyncio.wait_for(reader.readuntil(b"ok"), timeout=10)
    writer.close()
    assert [(s.method, s.raw_path, s.body) for s in echo.seen] == [
        ("POST", "/hook", b"one"),
        ("GET", "/two", b""),
    ]
    assert (FORMAT.label, FORMAT.extension) == ("raw HTTP", "http")
