"""Helpers for the hostile-delivery batteries: raw exchanges, gzip bombs, screen safety checks."""

from __future__ import annotations

import asyncio
import re
import struct
import time
import zlib
from dataclasses import dataclass
from functools import cache

from aiohttp import web

from tests.helpers import screen_strips
from whisper_tui.core.store import RequestStore

# Everything a terminal may act on: C0 (with ESC and BEL), DEL and C1 (0x9b is CSI, 0x9d OSC).
CONTROL_CHARS = re.compile("[\x00-\x1f\x7f-\x9f]")

# The same sequences once sanitised: what the screen must show instead of the real thing.
OSC_TITLE_AND_CLEAR = b"\x1b]0;title\x07\x1b[2J"
OSC_TITLE_AND_CLEAR_SHOWN = "␛]0;title␇␛[2J"
MARKUP = "[bold]x[/bold]"


@dataclass
class Server:
    """A capture server started by a test (like conftest's RunningServer, other limits)."""

    store: RequestStore
    port: int
    runner: web.BaseRunner


@dataclass
class Exchange:
    """What came back on one connection: the bytes, whether the server closed, and when."""

    data: bytes
    closed: bool
    seconds: float

    @property
    def status_line(self) -> bytes:
        return self.data.split(b"\r\n", 1)[0]


async def exchange(port: int, data: bytes, *, wait: float = 3.0, close: bool = False) -> Exchange:
    """Write `data`, then read until the server closes (or `wait` seconds pass).

    With `close`, the client hangs up right after writing (a sender that dies mid-request).
    """
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    started = time.monotonic()
    received = b""
    closed = False
    try:
        writer.write(data)
        await writer.drain()
        if close:
            writer.close()
            await writer.wait_closed()
            return Exchange(b"", True, time.monotonic() - started)
        deadline = started + wait
        while (left := deadline - time.monotonic()) > 0:
            try:
                chunk = await asyncio.wait_for(reader.read(65536), left)
            except TimeoutError:
                break
            except ConnectionResetError:
                closed = True
                break
            if not chunk:
                closed = True
                break
            received += chunk
    finally:
        writer.close()
    return Exchange(received, closed, time.monotonic() - started)


async def read_response(reader: asyncio.StreamReader, timeout: float = 5.0) -> tuple[bytes, bytes]:
    """One response's head and body from a stream (Content-Length framed, as ours are)."""
    head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), timeout)
    length = 0
    for line in head.split(b"\r\n"):
        if line.lower().startswith(b"content-length:"):
            length = int(line.split(b":", 1)[1])
    body = await asyncio.wait_for(reader.readexactly(length), timeout) if length else b""
    return head, body


def post(target: bytes, body: bytes, *headers: bytes) -> bytes:
    """A well-formed HTTP/1.1 POST with exact bytes."""
    head = b"POST " + target + b" HTTP/1.1\r\nHost: hostile.test\r\n"
    head += b"".join(h + b"\r\n" for h in headers)
    return head + b"Content-Length: %d\r\n\r\n" % len(body) + body


@cache
def gzip_of(unit: bytes, total: int) -> bytes:
    """`total` bytes made of `unit` repeated, gzip-compressed (built once per test session)."""
    compressor = zlib.compressobj(9, zlib.DEFLATED, zlib.MAX_WBITS | 16)
    chunk = unit * (1024 * 1024 // len(unit))
    parts = [compressor.compress(chunk) for _ in range(total // len(chunk))]
    parts.append(compressor.flush())
    return b"".join(parts)


@cache
def gzip_json_array(total: int) -> bytes:
    """A valid JSON array of about `total` bytes (`[1,1,...,1]`), gzip-compressed: a JSON bomb.

    A 1 MiB run of `1,` is deflated once and its bytes repeated: a full flush ends it on a
    byte boundary with nothing after it referring back, so copies in a row make one valid
    deflate stream (100 MB of JSON builds in a fraction of a second, not seconds).
    """
    chunk = b"1," * (512 * 1024)
    count = total // len(chunk)
    deflate = zlib.compressobj(9, zlib.DEFLATED, -zlib.MAX_WBITS)  # raw: gzip's frame below
    opening = deflate.compress(b"[") + deflate.flush(zlib.Z_FULL_FLUSH)
    run = deflate.compress(chunk) + deflate.flush(zlib.Z_FULL_FLUSH)
    closing = deflate.compress(b"1]") + deflate.flush()
    crc = zlib.crc32(b"[")
    for _ in range(count):
        crc = zlib.crc32(chunk, crc)
    crc = zlib.crc32(b"1]", crc)
    size = 1 + count * len(chunk) + 2
    header = b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\xff"  # deflate, no name, no time
    trailer = struct.pack("<II", crc, size & 0xFFFFFFFF)
    return header + opening + run * count + closing + trailer


def vm_rss_mb(field: str = "VmRSS") -> float:
    """Resident memory of this process in MB (VmRSS of /proc/self/status; VmHWM is the peak)."""
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith(field + ":"):
                return int(line.split()[1]) / 1024
    raise AssertionError(f"no {field} in /proc/self/status")


def unsafe_segments(app) -> list[str]:
    """Segments of the composed screen a terminal could act on or could not be sent.

    A control character (C0, DEL, C1) would be interpreted by the terminal; a lone surrogate
    (what undecodable bytes become with surrogateescape) cannot be encoded as UTF-8 at all.
    """
    bad = []
    for strip in screen_strips(app):
        for segment in strip:
            text = segment.text
            if CONTROL_CHARS.search(text):
                bad.append(text)
                continue
            try:
                text.encode("utf-8")
            except UnicodeEncodeError:
                bad.append(text)
    return bad
