"""Memory per capture, TUI live in its own process: RSS growth vs the bodies it keeps.

.venv/bin/python tests/bench/bench_memory.py [--quick]

For each body size, a fresh app on a pty: RSS when idle, then N POSTs of that body over 16
connections, then RSS once the screen has caught up. Target: the growth stays within
1.2x the body bytes stored plus 2 KB per capture (headers, the capture object, its row).
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from tests.bench import common
from tests.bench.common import Row, sized_json
from tests.bench.load import run_load
from tests.bench.pty_screen import pty_app
from tests.bench.tui_process import free_port, rss_bytes, wait_listening

BODY_FACTOR = 1.2
PER_CAPTURE = 2048
CASES = [(10_000, 450), (200, 256 * 1000)]
"""(captures, body bytes): many small deliveries, and a few large ones (inline-decoded)."""


def measure(count: int, size: int) -> tuple[int, int, int, int]:
    """(captures shown, body bytes stored, RSS idle, RSS after)."""
    body = sized_json(size)
    port = free_port()
    with pty_app("--port", str(port)) as app:
        wait_listening(port)
        app.wait_idle(0.5, timeout=10)
        time.sleep(0.5)
        before = rss_bytes(app.pid)
        # wrk may drop one request per thread from the budget: ask for two more.
        result = run_load(port, count + 2, body=body)
        shown = app.wait_total(result.completed, timeout=30) or 0
        app.wait_idle(0.5, timeout=10)
        time.sleep(0.5)
        after = rss_bytes(app.pid)
        app.quit(timeout=30)
    return shown, shown * len(body), before, after


def run(quick: bool = False) -> list[Row]:
    rows = []
    for count, size in CASES:
        if quick:
            count = max(count // 5, 50)
        shown, stored, before, after = measure(count, size)
        growth = after - before
        allowance = BODY_FACTOR * stored + PER_CAPTURE * shown
        ratio = growth / allowance if allowance else None
        per = growth / shown if shown else 0
        print(
            f"  memory: {shown:,} x {size:,} B: RSS {before / 1e6:.1f} -> {after / 1e6:.1f} MB, "
            f"{per:,.0f} B per capture",
            flush=True,
        )
        rows.append(
            Row(
                f"memory, {shown:,} captures x {size:,} B",
                f"+{growth / 1e6:.1f} MB",
                f"{allowance / 1e6:.1f} MB",
                ratio,
                f"<= 1.0x ({BODY_FACTOR}x body + {PER_CAPTURE // 1024} KB each)",
                ratio is not None and ratio <= 1.0,
                [
                    f"memory: RSS idle {before / 1e6:.1f} MB, after {after / 1e6:.1f} MB; "
                    f"{per:,.0f} B per capture for a {size:,} B body (overhead "
                    f"{(growth - stored) / shown:,.0f} B each beyond the body)"
                ],
            )
        )
    return rows


if __name__ == "__main__":
    common.run_standalone(run)
