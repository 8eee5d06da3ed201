"""Replay round-trip latency against a local app, and what a down target costs.

    .venv/bin/python tests/bench/bench_replay.py

Baseline in the same run: a bare aiohttp client POST of the same bytes to the same app
(a fresh connection each time, as the replay sender uses).
"""

from __future__ import annotations

import asyncio
import socket
import statistics
import sys
import time
from pathlib import Path

import aiohttp
from aiohttp import web

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from whisper_tui.core.models import CapturedRequest
from whisper_tui.core.replay import Sender

BODY = bytes(range(256)) * 4
ROUNDS = 100


def capture() -> CapturedRequest:
    headers = (
        (b"Content-Type", b"application/octet-stream"),
        (b"X-Dup", b"1"),
        (b"x-dup", b"2"),
        (b"Content-Length", str(len(BODY)).encode()),
    )
    return CapturedRequest(
        1, time.time(), "127.0.0.1", "POST", "/hooks/x?a=1", (1, 1), headers, BODY
    )


async def main() -> None:
    async def handle(request: web.Request) -> web.Response:
        await request.read()
        return web.json_response({"ok": True}, status=201)

    app = web.Application()
    app.router.add_route("*", "/{tail:.*}", handle)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    await web.TCPSite(runner, "127.0.0.1", port).start()
    base = f"http://127.0.0.1:{port}"

    sender = Sender()
    request = capture()
    replay, bare = [], []
    connector_args = {"force_close": True}
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(**connector_args)) as session:
        for _ in range(ROUNDS):
            started = time.perf_counter()
            attempt = await sender.send(request, base)
            replay.append(time.perf_counter() - started)
            assert attempt.status == 201, attempt.error
            started = time.perf_counter()
            async with session.post(base + "/hooks/x?a=1", data=BODY) as reply:
                await reply.read()
            bare.append(time.perf_counter() - started)

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        down = f"http://127.0.0.1:{probe.getsockname()[1]}"
    started = time.perf_counter()
    attempt = await sender.send(request, down)
    down_time = time.perf_counter() - started
    await sender.close()
    await runner.cleanup()

    replay_ms = statistics.median(replay) * 1000
    bare_ms = statistics.median(bare) * 1000
    print(f"replay round trip, median of {ROUNDS}: {replay_ms:.2f} ms")
    print(f"bare aiohttp POST, same bytes, median of {ROUNDS}: {bare_ms:.2f} ms")
    print(f"ratio replay / bare: {replay_ms / bare_ms:.2f}x")
    print(f"target down: {attempt.error!r} after {down_time * 1000:.1f} ms, no exception")


if __name__ == "__main__":
    asyncio.run(main())
