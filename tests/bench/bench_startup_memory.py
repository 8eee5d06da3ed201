"""Start-to-listening time and memory per capture, with the TUI live in its own process.

.venv/bin/python tests/bench/bench_startup_memory.py
"""

from __future__ import annotations

import asyncio
import statistics
import sys
import time
from pathlib import Path

import aiohttp

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from tests.bench.tui_process import free_port, rss_bytes, tui_process, wait_listening

BODY = (
    b'{"id":"evt_1","type":"payment_intent.succeeded","data":{"object":{"amount":2000,'
    b'"currency":"usd","status":"succeeded","metadata":{"order":"6735"}}},"pad":"'
    + b"x" * 300
    + b'"}'
)


async def send(port: int, count: int, body: bytes, concurrency: int = 16) -> None:
    connector = aiohttp.TCPConnector(limit=concurrency)
    async with aiohttp.ClientSession(connector=connector) as session:
        gate = asyncio.Semaphore(concurrency)

        async def one(number: int) -> None:
            async with gate:
                url = f"http://127.0.0.1:{port}/hooks/{number}"
                headers = {"Content-Type": "application/json"}
                async with session.post(url, data=body, headers=headers) as response:
                    await response.read()

        await asyncio.gather(*(one(n) for n in range(count)))


def main() -> None:
    starts = []
    for _ in range(5):
        port = free_port()
        with tui_process("--port", str(port)):
            starts.append(wait_listening(port))
    shown = ", ".join(f"{s:.3f}" for s in starts)
    print(f"start to listening: median {statistics.median(starts):.3f} s ({shown})")

    port = free_port()
    count = 10_000
    with tui_process("--port", str(port)) as process:
        wait_listening(port)
        time.sleep(1.0)
        before = rss_bytes(process.pid)
        asyncio.run(send(port, count, BODY))
        time.sleep(1.0)
        after = rss_bytes(process.pid)
    print(
        f"memory: {len(BODY)}-byte JSON bodies; RSS idle {before / 1e6:.1f} MB, after "
        f"{count:,} captures {after / 1e6:.1f} MB, {(after - before) / count:,.0f} B per capture"
    )


if __name__ == "__main__":
    main()
