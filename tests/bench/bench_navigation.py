"""List navigation: key-to-screen latency at 100,000 captures vs 10, TUI live on a pty.

.venv/bin/python tests/bench/bench_navigation.py [--quick]

Two app processes on pseudo-terminals (200x50), one holding 10 captures and one 100,000
(sent over HTTP, so they are real captures). Keys `k` and `j` alternate (each moves the
selection, so each redraws the list and the detail) and the two apps take turns, so any
drift of the machine hits both. For each key: time to the first byte the app writes, and
to the last byte it writes within the observation window (the list frame comes first, the
detail frame after it: "settled" is when both are on screen). The CPU time each app used
over its presses is printed per press too: on a shared machine it moves less than latency.

--one-delivery: every capture carries the same Idempotency-Key, so each app's captures are
arrivals of one delivery (100,000 arrivals in the big app: the worst case for what a list row
asks the delivery index each time it is drawn).
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from tests.bench import common
from tests.bench.bench_throughput import cpu_seconds
from tests.bench.common import Row, median, ms
from tests.bench.load import run_load
from tests.bench.pty_screen import PtyApp, pty_app
from tests.bench.tui_process import free_port, wait_listening

TARGET_RATIO = 1.2
WINDOW = 0.2
"""Seconds each key's output is observed (the app is otherwise idle: nothing else is drawn)."""


ONE_DELIVERY = {"Idempotency-Key": "bench-navigation-one-delivery"}


def fill(app: PtyApp, port: int, count: int, headers: dict[str, str] | None = None) -> int:
    """Send about `count` captures; return the total the app shows once it has drawn them."""
    wait_listening(port)
    app.wait_idle(0.3, timeout=10)
    # wrk may drop one request per thread from the budget: ask for two more.
    result = run_load(port, count + 2, headers=headers)
    shown = app.wait_total(result.completed, timeout=30)
    app.wait_idle(0.5, timeout=30)
    return shown or 0


def run(
    quick: bool = False,
    big: int | None = None,
    presses: int | None = None,
    one_delivery: bool = False,
) -> list[Row]:
    big = big or (20_000 if quick else 100_000)
    presses = presses or (20 if quick else 50)
    headers = ONE_DELIVERY if one_delivery else None
    small_port, big_port = free_port(), free_port()
    with pty_app("--port", str(small_port)) as small_app, pty_app("--port", str(big_port)) as app:
        small_n = fill(small_app, small_port, 10, headers)
        big_n = fill(app, big_port, big, headers)
        timings: dict[str, list[Any]] = {"small": [], "big": []}
        cpu_before = {"small": cpu_seconds(small_app.pid), "big": cpu_seconds(app.pid)}
        for number in range(presses):
            key = b"k" if number % 2 == 0 else b"j"
            timings["small"].append(small_app.press(key, window=WINDOW))
            timings["big"].append(app.press(key, window=WINDOW))
        cpu_per_press = {
            "small": (cpu_seconds(small_app.pid) - cpu_before["small"]) / presses,
            "big": (cpu_seconds(app.pid) - cpu_before["big"]) / presses,
        }
        small_app.quit(timeout=10)
        app.quit(timeout=30)

    def summary(name: str) -> tuple[float, float, int]:
        done = [t for t in timings[name] if t.last is not None]
        missed = len(timings[name]) - len(done)
        return median([t.first_byte for t in done]), median([t.last for t in done]), missed

    small_first, small_settled, small_missed = summary("small")
    big_first, big_settled, big_missed = summary("big")
    ratio = big_settled / small_settled
    print(
        f"  navigation: {small_n:,} captures: first byte {ms(small_first)}, settled "
        f"{ms(small_settled)}; {big_n:,}: first byte {ms(big_first)}, settled {ms(big_settled)}",
        flush=True,
    )
    print(
        f"  navigation: CPU time per press (the app's, over the presses): {small_n:,} captures "
        f"{ms(cpu_per_press['small'])}, {big_n:,} captures {ms(cpu_per_press['big'])}"
        + (" (one delivery)" if one_delivery else ""),
        flush=True,
    )
    notes = [
        f"navigation: median of {presses} alternating k/j presses per app, key written to "
        f"the pty until the last byte of the redraw (window {WINDOW * 1000:.0f} ms); first "
        f"byte {ms(big_first)} at {big_n:,} vs {ms(small_first)} at {small_n:,}"
    ]
    if small_missed or big_missed:
        notes.append(f"navigation: {small_missed + big_missed} presses drew nothing")
    return [
        Row(
            f"list navigation at {big_n:,} vs {small_n} captures",
            ms(big_settled),
            ms(small_settled),
            ratio,
            f"<= {TARGET_RATIO}x",
            ratio <= TARGET_RATIO and not (small_missed or big_missed),
            notes,
        )
    ]


if __name__ == "__main__":
    common.run_standalone(run, one_delivery="--one-delivery" in sys.argv)
