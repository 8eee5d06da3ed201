"""List navigation: key-to-screen latency at 100,000 captures vs 10, TUI live on a pty.

.venv/bin/python tests/bench/bench_navigation.py [--quick]

Two app processes on pseudo-terminals (200x50), one holding 10 captures and one 100,000
(sent over HTTP, so they are real captures). Keys `k` and `j` alternate (each moves the
selection, so each redraws the list and the detail) and the two apps take turns, so any
drift of the machine hits both. For each key: time to the first byte the app writes, and
to the last byte it writes within the observation window (the list frame comes first, the
detail frame after it: "settled" is when both are on screen).
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from tests.bench import common
from tests.bench.common import Row, median, ms
from tests.bench.load import run_load
from tests.bench.pty_screen import PtyApp, pty_app
from tests.bench.tui_process import free_port, wait_listening

TARGET_RATIO = 1.2
WINDOW = 0.2
"""Seconds each key's output is observed (the app is otherwise idle: nothing else is drawn)."""


def fill(app: PtyApp, port: int, count: int) -> int:
    """Send about `count` captures; return the total the app shows once it has drawn them."""
    wait_listening(port)
    app.wait_idle(0.3, timeout=10)
    # wrk may drop one request per thread from the budget: ask for two more.
    result = run_load(port, count + 2)
    shown = app.wait_total(result.completed, timeout=30)
    app.wait_idle(0.5, timeout=30)
    return shown or 0


def run(quick: bool = False, big: int | None = None, presses: int | None = None) -> list[Row]:
    big = big or (20_000 if quick else 100_000)
    presses = presses or (20 if quick else 50)
    small_port, big_port = free_port(), free_port()
    with pty_app("--port", str(small_port)) as small_app, pty_app("--port", str(big_port)) as app:
        small_n = fill(small_app, small_port, 10)
        big_n = fill(app, big_port, big)
        timings: dict[str, list] = {"small": [], "big": []}
        for number in range(presses):
            key = b"k" if number % 2 == 0 else b"j"
            timings["small"].append(small_app.press(key, window=WINDOW))
            timings["big"].append(app.press(key, window=WINDOW))
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
    common.run_standalone(run)
