"""Arrivals under an active `/` filter whose gzip bodies inflate to 4 MiB: the loop's share.

.venv/bin/python tests/bench/bench_filter_loop.py [--rounds N]

In-process (App.run_test, 100x30): filter 'nomatchxyz' (a bare word: method, target, headers
and the body, inflated up to the filter's 4 MiB), then N arrivals over HTTP of a gzip JSON
body (~490 KB) that inflates to 4 MiB. Per arrival, until the filtered view has tested it:
the main thread's CPU inside FilteredView.sync (where the loop tests new arrivals; thread
time, summed), the main thread's CPU in all (receiving the body, drawing, the test), and the
largest lateness of a task sleeping 5 ms on the loop. Medians.
"""

from __future__ import annotations

import argparse
import asyncio
import gzip
import os
import statistics
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from tests.bench.common import LoopMonitor, big_json
from tests.helpers import send_raw, wait_for_list, wait_until, wait_until_settled

INFLATED = 4 * 1024 * 1024


async def rounds(count: int) -> tuple[list[float], list[float], list[float], int]:
    from whisper_tui.core import filtering
    from whisper_tui.core.settings import Settings
    from whisper_tui.ui.app import WhisperApp

    body = gzip.compress(big_json(INFLATED)[:INFLATED], mtime=0)
    in_sync = [0.0]
    sync = filtering.FilteredView.sync

    def timed_sync(view: filtering.FilteredView) -> None:
        started = time.thread_time()
        try:
            sync(view)
        finally:
            if threading.current_thread() is threading.main_thread():
                in_sync[0] += time.thread_time() - started

    filtering.FilteredView.sync = timed_sync  # type: ignore[method-assign]

    def post(path: str) -> bytes:
        head = (
            f"POST {path} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
            f"Content-Encoding: gzip\r\nContent-Length: {len(body)}\r\n\r\n"
        )
        return head.encode() + body

    sync_cpu, loop_cpu, late = [], [], []
    app = WhisperApp(Settings(port=0))
    async with app.run_test(size=(100, 30)) as pilot:
        await send_raw(app.port, post("/warm"))
        await wait_for_list(pilot, app, 1)
        await pilot.press("slash", *"nomatchxyz", "enter")
        await wait_until(pilot, lambda: app.request_list.view.text == "nomatchxyz")
        await wait_until_settled(pilot)
        for n in range(count):
            in_sync[0] = 0.0
            started = time.thread_time()
            monitor = LoopMonitor().start()
            await send_raw(app.port, post(f"/r{n}"))

            def tested(n: int = n) -> bool:
                view = app.request_list.view
                end = app.store.evicted + len(app.store)
                return len(app.store) == n + 2 and view._scanned_to == end  # type: ignore[union-attr]

            await wait_until(pilot, tested, 30)
            await wait_until_settled(pilot)
            late.append(await monitor.stop())
            loop_cpu.append(time.thread_time() - started)
            sync_cpu.append(in_sync[0])
    return sync_cpu, loop_cpu, late, len(body)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=7)
    args = parser.parse_args()
    sync_cpu, loop_cpu, late, size = asyncio.run(rounds(args.rounds))
    shown = " ".join
    print(f"gzip body {size:,} B -> {INFLATED:,} B, {args.rounds} arrivals; load {os.getloadavg()}")
    print("main thread CPU in FilteredView.sync (ms):", shown(f"{x * 1e3:.1f}" for x in sync_cpu))
    print("main thread CPU per arrival (ms):         ", shown(f"{x * 1e3:.1f}" for x in loop_cpu))
    print("max loop lateness (ms):                   ", shown(f"{x * 1e3:.1f}" for x in late))
    print(
        f"median: sync {statistics.median(sync_cpu) * 1e3:.1f} ms CPU, main thread "
        f"{statistics.median(loop_cpu) * 1e3:.1f} ms CPU, lateness "
        f"{statistics.median(late) * 1e3:.1f} ms"
    )


if __name__ == "__main__":
    main()
