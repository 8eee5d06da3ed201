"""Start to listening and start to first frame, from spawning `python -m whisper_tui` on a pty.

.venv/bin/python tests/bench/bench_startup.py [--quick]

Listening: a TCP connect to the app's port succeeding. First frame: the top bar with the
address written to the terminal. Wall time swings with the machine's load, so the CPU time
the app had used when its first frame was seen (/proc, sampled within a few ms of it) is
reported beside it, with the load average.
"""

from __future__ import annotations

import contextlib
import os
import socket
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from tests.bench import common
from tests.bench.bench_throughput import cpu_seconds
from tests.bench.common import Row, median, ms
from tests.bench.pty_screen import PtyApp, pty_app
from tests.bench.tui_process import free_port

TARGET = 1.0
FRAME_TARGET = 0.5
"""What the --load row of issue 18 asks for the first rows, which come with the first frame."""


def listening_after(started_at: float, port: int, timeout: float = 15.0) -> float:
    while time.perf_counter() - started_at < timeout:
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 0.05):
            return time.perf_counter() - started_at
        time.sleep(0.002)
    raise TimeoutError(f"nothing listening on {port} after {timeout} s")


def frame_after(app: PtyApp, pattern: bytes, timeout: float = 15.0) -> tuple[float, float]:
    """(seconds from spawning to `pattern` on screen, the app's CPU seconds by then)."""
    deadline = time.perf_counter() + timeout
    while time.perf_counter() < deadline:
        shown = app.seen_at(pattern)
        if shown is not None:
            return shown, cpu_seconds(app.pid)
        time.sleep(0.002)
    raise TimeoutError(f"no first frame after {timeout} s")


def run(quick: bool = False, runs: int = 5) -> list[Row]:
    listening: list[float] = []
    drawn: list[float] = []
    drawn_cpu: list[float] = []
    loads: list[float] = []
    for _ in range(runs):
        port = free_port()
        with pty_app("--port", str(port), record=True) as app:
            listening.append(listening_after(app.started_at, port))
            # The top bar (with the address) is on screen: the first full frame.
            shown, cpu = frame_after(app, f"127.0.0.1:{port}".encode())
            drawn.append(shown)
            drawn_cpu.append(cpu)
            loads.append(os.getloadavg()[0])
            app.wait_idle(0.3, timeout=10)
            app.quit(timeout=10)
    figure = median(listening)
    frame = median(drawn)
    print(f"  startup: listening {', '.join(ms(s) for s in listening)}", flush=True)
    print(
        f"  startup: first frame {', '.join(ms(s) for s in drawn)}; CPU by then "
        f"{', '.join(f'{s:.2f} s' for s in drawn_cpu)}",
        flush=True,
    )
    load = f"load average {min(loads):.1f}-{max(loads):.1f}"
    return [
        Row(
            "start to listening",
            f"{figure:.3f} s",
            target=f"<= {TARGET:.1f} s",
            met=figure <= TARGET,
            notes=[
                f"startup: median of {runs} ({', '.join(f'{s:.3f}' for s in listening)} s), "
                "from spawning the process on a pty to a TCP connect succeeding (the socket is "
                "bound before the UI is imported; the server serves once the first frame is out)"
            ],
        ),
        Row(
            "start to first frame (an empty app, 200x50 pty)",
            f"{frame:.3f} s",
            f"{median(drawn_cpu):.3f} s CPU",
            None,
            f"<= {FRAME_TARGET:.1f} s",
            None if quick else frame <= FRAME_TARGET,
            [
                f"startup: median of {runs} ({', '.join(f'{s:.3f}' for s in drawn)} s), from "
                "spawning to the top bar with the address written; the baseline column is the "
                f"app's CPU time (user + system) when it was seen ({load})"
            ],
        ),
    ]


if __name__ == "__main__":
    common.run_standalone(run)
