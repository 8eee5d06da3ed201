"""The cost of one new capture should not depend on how many are stored: 1k vs 100k.

.venv/bin/python tests/bench/bench_capture_cost.py [--quick]

Two app processes on pseudo-terminals, TUI live: one started with --max-requests 1000 and
filled to 1,000 captures, one with the default cap filled to 100,000. Both are then at their
cap, so every new capture also evicts the oldest and the stored count stays put while it is
measured. Rounds alternate between the two: a burst of small POSTs over 16 connections
(throughput), and sequential POSTs on one connection (per-request latency).
"""

from __future__ import annotations

import http.client
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from tests.bench import common
from tests.bench.bench_navigation import fill
from tests.bench.common import Row, median
from tests.bench.load import PATH, SMALL_BODY, run_load
from tests.bench.pty_screen import pty_app
from tests.bench.tui_process import free_port

TARGET_RATIO = 0.9


def sequential_latency(port: int, count: int) -> float:
    """Median seconds per POST, one keep-alive connection, one request at a time."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    headers = {"Content-Type": "application/json"}
    times = []
    try:
        for _ in range(count):
            start = time.perf_counter()
            connection.request("POST", PATH, body=SMALL_BODY, headers=headers)
            connection.getresponse().read()
            times.append(time.perf_counter() - start)
    finally:
        connection.close()
    return median(times)


def run(
    quick: bool = False, big: int | None = None, rounds: int | None = None, burst: int = 20_000
) -> list[Row]:
    big = big or (20_000 if quick else 100_000)
    rounds = rounds or (2 if quick else 3)
    small = 1_000
    small_port, big_port = free_port(), free_port()
    rates: dict[int, list[float]] = {small: [], big: []}
    latencies: dict[int, list[float]] = {small: [], big: []}
    with (
        pty_app("--port", str(small_port), "--max-requests", str(small)) as small_app,
        pty_app("--port", str(big_port), "--max-requests", str(big)) as big_app,
    ):
        shown = {small: fill(small_app, small_port, small), big: fill(big_app, big_port, big)}
        for number in range(rounds):
            order = [(small, small_port), (big, big_port)]
            for stored, port in order if number % 2 == 0 else order[::-1]:
                rates[stored].append(run_load(port, burst).rate)
                latencies[stored].append(sequential_latency(port, 500))
        small_app.quit(timeout=10)
        big_app.quit(timeout=30)
    small_rate, big_rate = median(rates[small]), median(rates[big])
    small_latency, big_latency = median(latencies[small]), median(latencies[big])
    ratio = big_rate / small_rate
    print(
        f"  capture cost: {small:,} stored {small_rate:,.0f} req/s, "
        f"{small_latency * 1e6:.0f} us/req; {big:,} stored {big_rate:,.0f} req/s, "
        f"{big_latency * 1e6:.0f} us/req",
        flush=True,
    )
    return [
        Row(
            f"new-capture throughput at {big // 1000}k vs 1k stored",
            f"{big_rate:,.0f} req/s",
            f"{small_rate:,.0f} req/s",
            ratio,
            f">= {TARGET_RATIO}x",
            ratio >= TARGET_RATIO,
            [
                f"capture cost: both apps at their cap (--max-requests; each capture evicts "
                f"one; shown totals {shown[small]:,} and {shown[big]:,} after filling); "
                f"medians of {rounds} alternating bursts of {burst:,} POSTs (16 conn): "
                f"{', '.join(f'{r:,.0f}' for r in rates[big])} vs "
                f"{', '.join(f'{r:,.0f}' for r in rates[small])} req/s; sequential latency "
                f"(1 conn, median of 500) {big_latency * 1e6:.0f} us vs "
                f"{small_latency * 1e6:.0f} us ({big_latency / small_latency:.2f}x)",
            ],
        )
    ]


if __name__ == "__main__":
    common.run_standalone(run)
