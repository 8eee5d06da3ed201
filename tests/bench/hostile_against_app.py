"""Throw the hostile battery's worst at a running whisper-tui, then a good request.

    .venv/bin/python tests/bench/hostile_against_app.py PORT PID

For the manual check in tmux: the app must survive, list the good request, and its memory
(VmRSS of PID) is printed before and after.
"""

from __future__ import annotations

import asyncio
import json
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from tests.hostile_helpers import exchange, gzip_json_array, gzip_of, post


def rss_mb(pid: int) -> float:
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


CASES: list[tuple[str, bytes]] = [
    ("garbage", os.urandom(4096)),
    ("bad request line", b"GET\r\n\r\n"),
    ("bad method", b"G\x01T / HTTP/1.1\r\nHost: x\r\n\r\n"),
    ("bad chunk", b"POST /c HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n"),
    (
        "absurd length",
        b"POST /a HTTP/1.1\r\nHost: x\r\nContent-Length: 1000000000000000000\r\n\r\n",
    ),
    ("short body", b"POST /s HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\nabc"),
    (
        "120 headers",
        b"GET /h HTTP/1.1\r\n"
        + b"".join(b"X-H%d: v\r\n" % i for i in range(120))
        + b"Host: x\r\n\r\n",
    ),
    ("20 MB binary", post(b"/big", os.urandom(20 * 1024 * 1024))),
    (
        "deep JSON",
        post(b"/deep", b"[" * 200_000 + b"]" * 200_000, b"Content-Type: application/json"),
    ),
    ("invalid UTF-8 JSON", post(b"/u", b'{"a":"\xff\xfe"}', b"Content-Type: application/json")),
    (
        "gzip bomb (zeros)",
        post(
            b"/bomb",
            gzip_of(b"\0", 300 * 1024 * 1024),
            b"Content-Encoding: gzip",
            b"Content-Type: application/json",
        ),
    ),
    (
        "gzip bomb (newlines)",
        post(
            b"/lines",
            gzip_of(b"\n", 300 * 1024 * 1024),
            b"Content-Encoding: gzip",
            b"Content-Type: text/plain",
        ),
    ),
    (
        "gzip JSON 32 MB",
        post(
            b"/jbomb",
            gzip_json_array(32 * 1024 * 1024),
            b"Content-Encoding: gzip",
            b"Content-Type: application/json",
        ),
    ),
    ("escapes", post(b"/hooks/[b]x[/b]", b"\x1b]0;title\x07\x1b[2J [bold]x[/bold]")),
]


async def main(port: int, pid: int) -> None:
    print(f"RSS before: {rss_mb(pid):.0f} MB")
    for name, data in CASES:
        result = await exchange(port, data, wait=2.0)
        first = result.status_line[:40] if result.data else b"(closed)"
        print(f"{name:22} -> {first!r}")
    stalled = []
    for number in range(200):
        _, writer = await asyncio.open_connection("127.0.0.1", port)
        writer.write(b"POST /slow/%d HTTP/1.1\r\nHost: x\r\nX-Partial: aa" % number)
        stalled.append(writer)
    good = post(
        b"/the-good-one", json.dumps({"ok": True}).encode(), b"Content-Type: application/json"
    )
    result = await exchange(port, good, wait=1.0)
    print("good request ->", result.status_line)
    for writer in stalled:
        writer.close()
    print(f"RSS after: {rss_mb(pid):.0f} MB")


if __name__ == "__main__":
    asyncio.run(main(int(sys.argv[1]), int(sys.argv[2])))
