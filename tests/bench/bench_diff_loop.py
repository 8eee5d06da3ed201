"""Diffing two 1 MB JSON captures off the event loop: time, and how late the loop runs.

.venv/bin/python tests/bench/bench_diff_loop.py [--quick]

Two ~1 MB JSON bodies of webhook-like events differing in 50 places; diff_requests runs in
a worker thread (asyncio.to_thread, as a UI would run it) while a task sleeping 5 ms on the
loop records its worst lateness. Median of 5 runs. If whisper_tui.core.diff (or its
diff_requests) is not there yet, the rows say "not available".
"""

from __future__ import annotations

import asyncio
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from tests.bench import common
from tests.bench.bench_diff import EDITS, capture, with_edits
from tests.bench.common import LoopMonitor, Row, json_events, median, ms

SIZE = 1_000_000
TARGET = 0.250
TARGET_BLOCK = 0.050


def bodies(size: int = SIZE, seed: int = 11) -> tuple[bytes, bytes]:
    """Two compact JSON bodies of about `size` bytes differing in EDITS places."""
    return with_edits(json_events(size, seed), random.Random(seed))


async def off_loop(diff, older, newer, runs: int) -> tuple[list[float], list[float]]:
    times: list[float] = []
    lateness: list[float] = []
    for _ in range(runs):
        monitor = LoopMonitor().start()
        await asyncio.sleep(0.02)
        start = time.perf_counter()
        await asyncio.to_thread(diff, older, newer)
        times.append(time.perf_counter() - start)
        lateness.append(await monitor.stop())
    return times, lateness


def run(quick: bool = False, runs: int | None = None) -> list[Row]:
    runs = runs or (3 if quick else 5)
    name = "1 MB JSON diff, off the loop"
    try:
        from whisper_tui.core.diff import diff_requests
    except ImportError as error:
        print(f"  diff: not available ({error})", flush=True)
        return [
            Row(name, "not available", target=f"<= {TARGET * 1000:.0f} ms", notes=[str(error)]),
            Row("1 MB JSON diff: loop blocked meanwhile", "not available"),
        ]
    old_body, new_body = bodies()
    older, newer = capture(old_body, 1), capture(new_body, 2)
    on_thread = []
    for _ in range(runs):
        start = time.perf_counter()
        result = diff_requests(older, newer)
        on_thread.append(time.perf_counter() - start)
    times, lateness = asyncio.run(off_loop(diff_requests, older, newer, runs))
    figure = median(times)
    changed = sum(1 for row in getattr(result, "rows", []) if row.kind not in ("equal", "section"))
    print(
        f"  diff: {len(old_body) / 1e6:.2f} MB, in a thread {', '.join(ms(t) for t in times)}; "
        f"loop late {', '.join(ms(t) for t in lateness)}",
        flush=True,
    )
    return [
        Row(
            name,
            ms(figure),
            target=f"<= {TARGET * 1000:.0f} ms",
            met=figure <= TARGET,
            notes=[
                f"diff: {len(old_body) / 1e6:.2f} MB vs {len(new_body) / 1e6:.2f} MB, {EDITS} "
                f"edits ({changed} changed rows); diff_requests via asyncio.to_thread, median "
                f"of {runs}; called directly (no loop): {ms(median(on_thread))}"
            ],
        ),
        Row(
            "1 MB JSON diff: loop blocked meanwhile",
            ms(max(lateness)),
            target=f"<= {TARGET_BLOCK * 1000:.0f} ms",
            met=max(lateness) <= TARGET_BLOCK,
            notes=["diff: worst lateness of a 5 ms sleep on the loop while the thread diffs"],
        ),
    ]


if __name__ == "__main__":
    common.run_standalone(run)
