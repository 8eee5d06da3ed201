"""Soak: steady load for minutes with the TUI live; memory over time, nothing lost.

    .venv/bin/python tests/bench/bench_soak.py [--minutes 10] [--rate 500] [--keep 20000]

The app runs in its own process on a pseudo-terminal with --max-requests KEEP (so the cap
and evictions are exercised) and --save; an aiohttp client sends RATE small JSON POSTs a
second. RSS is sampled every 30 s. At the end the app is stopped with SIGTERM and the HAR it
completes at exit is read: the highest capture id is the number received (ids are given in
arrival order from 1), so received == sent, and evicted == received - kept.
"""

from __future__ import annotations

import argparse
import asyncio
import signal
import sys
import tempfile
import time
from pathlib import Path

import aiohttp

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from tests.bench.tui_process import free_port, rss_bytes, tui_process, wait_listening
from whisper_tui.core.har import load_har

BODY = (
    b'{"type":"invoice.paid","data":{"object":{"id":"in_1","amount_paid":4200}},"pad":"'
    + (b"x" * 300)
    + b'"}'
)


async def load(port: int, rate: int, seconds: float, pid: int, samples: list) -> tuple[int, int]:
    sent = failed = 0
    interval = 1.0 / rate
    started = time.monotonic()
    next_sample = started
    connector = aiohttp.TCPConnector(limit=8)
    async with aiohttp.ClientSession(connector=connector) as session:
        gate = asyncio.Semaphore(64)

        async def one(number: int) -> None:
            nonlocal failed
            async with gate:
                try:
                    url = f"http://127.0.0.1:{port}/hooks/soak/{number}"
                    async with session.post(url, data=BODY) as reply:
                        await reply.read()
                        if reply.status != 200:
                            failed += 1
                except aiohttp.ClientError:
                    failed += 1

        tasks = set()
        while (now := time.monotonic()) - started < seconds:
            if now >= next_sample:
                samples.append((now - started, rss_bytes(pid)))
                next_sample += 30
            due = int((now - started) / interval)
            while sent < due:
                task = asyncio.create_task(one(sent))
                tasks.add(task)
                task.add_done_callback(tasks.discard)
                sent += 1
            await asyncio.sleep(0.005)
        await asyncio.gather(*tasks)
    samples.append((time.monotonic() - started, rss_bytes(pid)))
    return sent, failed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--minutes", type=float, default=10)
    parser.add_argument("--rate", type=int, default=500)
    parser.add_argument("--keep", type=int, default=20_000)
    args = parser.parse_args()
    port = free_port()
    samples: list[tuple[float, int]] = []
    with tempfile.TemporaryDirectory() as folder:
        har = Path(folder) / "soak.har"
        cmd = ["--port", str(port), "--max-requests", str(args.keep), "--save", str(har)]
        with tui_process(*cmd) as process:
            wait_listening(port)
            time.sleep(1)
            idle = rss_bytes(process.pid)
            sent, failed = asyncio.run(
                load(port, args.rate, args.minutes * 60, process.pid, samples)
            )
            process.send_signal(signal.SIGTERM)
            process.wait(60)
        kept = load_har(har)
    received = max(request.id for request in kept)
    evicted = received - len(kept)
    print(f"soak: {args.minutes:g} min at {args.rate}/s, --max-requests {args.keep:,}")
    print(f"RSS idle {idle / 1e6:.1f} MB; over time (s, MB):")
    for at, rss in samples:
        print(f"  {at:6.0f}  {rss / 1e6:7.1f}")
    print(
        f"sent {sent:,}, failed {failed:,}, received {received:,}, kept {len(kept):,}, "
        f"evicted {evicted:,}; kept + evicted == sent: {len(kept) + evicted == sent}"
    )


if __name__ == "__main__":
    main()
