"""Start to listening: from spawning `python -m whisper_tui` on a pty to a connect succeeding.

.venv/bin/python tests/bench/bench_startup.py [--quick]
"""

from __future__ import annotations

import contextlib
import socket
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from tests.bench import common
from tests.bench.common import Row, median, ms
from tests.bench.pty_screen import pty_app
from tests.bench.tui_process import free_port

TARGET = 1.0


def listening_after(started_at: float, port: int, timeout: float = 15.0) -> float:
    while time.perf_counter() - started_at < timeout:
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 0.05):
            return time.perf_counter() - started_at
        time.sleep(0.002)
    raise TimeoutError(f"nothing listening on {port} after {timeout} s")


def run(quick: bool = False, runs: int = 5) -> list[Row]:
    listening: list[float] = []
    drawn: list[float] = []
    for _ in range(runs):
        port = free_port()
        with pty_app("--port", str(port), record=True) as app:
            listening.append(listening_after(app.started_at, port))
            app.wait_idle(0.3, timeout=10)
            # The top bar (with the address) is on screen: the first full frame.
            shown = app.seen_at(f"127.0.0.1:{port}".encode())
            if shown is not None:
                drawn.append(shown)
            app.quit(timeout=10)
    figure = median(listening)
    print(f"  startup: listening {', '.join(ms(s) for s in listening)}", flush=True)
    return [
        Row(
            "start to listening",
            f"{figure:.3f} s",
            target=f"<= {TARGET:.1f} s",
            met=figure <= TARGET,
            notes=[
                f"startup: median of {runs} ({', '.join(f'{s:.3f}' for s in listening)} s), "
                "from spawning the process on a pty to a TCP connect succeeding; first "
                f"screen with the address drawn by {median(drawn):.3f} s (median)"
                if drawn
                else "startup: first screen not seen"
            ],
        )
    ]


if __name__ == "__main__":
    common.run_standalone(run)
