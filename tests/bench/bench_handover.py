"""What `--save`'s hand-over costs the app's thread per capture, by marshal format.

.venv/bin/python tests/bench/bench_handover.py [--count N] [--rounds N]

The captures are made by the app's own capture server from real requests (wrk or aiohttp
clients posting load.SMALL_BODY to 127.0.0.1), so each holds the fresh objects a flood leaves:
bodies and header values of their own. Then, alternating rounds: the hand-over's message built as
autosave._hand_over builds it (the capture_record tuples, the deliveries' JSON, the entry lines)
and written as a frame in marshal's default format (4, references noted) and in FLAT (2), timed
by the thread's CPU (time.thread_time); and what reading each back costs the saving process.
Medians. No target: the figures behind child_pipe.FLAT's choice.
"""

from __future__ import annotations

import argparse
import asyncio
import io
import marshal
import os
import socket
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from tests.bench.common import median
from tests.bench.load import run_load
from whisper_tui.core.child_pipe import FLAT, read_frame, write_frame
from whisper_tui.core.har_process import capture_record
from whisper_tui.core.server import build_server, start_server
from whisper_tui.core.store import RequestStore


def captured(count: int) -> RequestStore:
    """A store filled by the capture server with `count` requests from the load generator."""
    store = RequestStore(max_requests=count * 2)
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    ready, stop = threading.Event(), threading.Event()

    def serve() -> None:
        async def main() -> None:
            runner = await start_server(build_server(store, max_body=1 << 20), sock)
            ready.set()
            while not stop.is_set():
                await asyncio.sleep(0.05)
            await runner.cleanup()

        asyncio.run(main())

    server = threading.Thread(target=serve, daemon=True)
    server.start()
    ready.wait(10)
    run_load(port, count)
    stop.set()
    server.join(10)
    return store


def hand_over(store: RequestStore, version: int) -> tuple[float, float, int]:
    """(CPU us a capture to build and write the message, to read it back, bytes a capture)."""
    captures = store.span()
    began = time.thread_time()
    deliveries = store.deliveries.json_view(captures).of_ids(c.id for c in captures)
    items = list(map(capture_record, captures))
    message = ("append", "/tmp/x.har", "http://127.0.0.1:8080", 0, 0, (0, 0), items, deliveries, {})
    out = io.BytesIO()
    write_frame(out, message, version)
    written = time.thread_time() - began
    out.seek(0)
    began = time.thread_time()
    read_frame(out)
    read = time.thread_time() - began
    count = max(len(captures), 1)
    return written / count * 1e6, read / count * 1e6, out.getbuffer().nbytes // count


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=40_000)
    parser.add_argument("--rounds", type=int, default=7)
    options = parser.parse_args()
    store = captured(options.count)
    print(f"{len(store):,} captures; load average {os.getloadavg()[0]:.2f}")
    results: dict[int, list[tuple[float, float, int]]] = {marshal.version: [], FLAT: []}
    for _ in range(options.rounds):
        for version in results:
            results[version].append(hand_over(store, version))
    for version, rounds in results.items():
        write_us = median([r[0] for r in rounds])
        read_us = median([r[1] for r in rounds])
        print(
            f"marshal version {version}: hand-over {write_us:.2f} us a capture (app's thread), "
            f"read back {read_us:.2f} us (saving process), {rounds[0][2]} B a capture; "
            f"rounds {', '.join(f'{r[0]:.2f}' for r in rounds)}"
        )
    default, flat = (median([r[0] for r in results[v]]) for v in (marshal.version, FLAT))
    print(f"FLAT / default, app's thread: {flat / default:.2f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
