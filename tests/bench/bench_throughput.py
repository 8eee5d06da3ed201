"""Capture throughput with the TUI live vs a bare aiohttp server, and requests lost.

.venv/bin/python tests/bench/bench_throughput.py [--quick]

Alternates rounds (bare, app, bare, app, ...) because single runs swing by +-30%; each
round is a fresh process, the app on a pty (200x50) with its screen live, loaded with a
fixed number of ~450-byte JSON POSTs over 16 keep-alive connections (see load.py). Lost
requests: after each app round, the total the app's top bar shows (read from the pty
output) must equal the number of requests the load generator got answers for.
"""

from __future__ import annotations

import contextlib
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from tests.bench import common, pinning
from tests.bench.bare_server import bare_process
from tests.bench.common import Row, median
from tests.bench.load import SMALL_BODY, describe, run_load
from tests.bench.pinning import pin_server
from tests.bench.pty_screen import pty_app
from tests.bench.tui_process import free_port, wait_listening

TARGET_RATIO = 0.9
WARMUP = 1_000


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process, all its threads, from /proc (0.0 elsewhere)."""
    try:
        with open(f"/proc/{pid}/stat") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def bare_round(count: int) -> tuple[float, float]:
    """(req/s, CPU microseconds per request)."""
    port = free_port()
    with bare_process(port) as process:
        wait_listening(port)
        pin_server(process.pid)
        run_load(port, WARMUP)
        before = cpu_seconds(process.pid)
        result = run_load(port, count)
        return result.rate, (cpu_seconds(process.pid) - before) / result.completed * 1e6


def app_round(count: int) -> tuple[float, float, int, int | None, str]:
    """(req/s, CPU microseconds per request, completed, total shown on screen, problem)."""
    port = free_port()
    with pty_app("--port", str(port)) as app:
        wait_listening(port)
        assert app.process is not None
        pin_server(app.process.pid)
        app.wait_idle(0.3, timeout=10)
        warm = run_load(port, WARMUP)
        before = cpu_seconds(app.process.pid)
        result = run_load(port, count)
        cpu = (cpu_seconds(app.process.pid) - before) / max(result.completed, 1) * 1e6
        completed = warm.completed + result.completed
        shown = app.wait_total(completed, timeout=15)
        problem = "" if result.errors == 0 else f"{result.errors} errors"
        with contextlib.suppress(Exception):
            app.quit(timeout=20)
        return result.rate, cpu, completed, shown, problem


def run(quick: bool = False, rounds: int | None = None, count: int | None = None) -> list[Row]:
    rounds = rounds or (2 if quick else 5)
    count = count or (20_000 if quick else 60_000)
    bare: list[float] = []
    app: list[float] = []
    bare_cpu: list[float] = []
    app_cpu: list[float] = []
    lost: list[tuple[int, int | None]] = []
    problems: list[str] = []
    for number in range(rounds):
        with pinning.harness_on_load_cpus():
            bare_rate, bare_us = bare_round(count)
            rate, app_us, completed, shown, problem = app_round(count)
        bare.append(bare_rate)
        bare_cpu.append(bare_us)
        app_cpu.append(app_us)
        app.append(rate)
        lost.append((completed, shown))
        if problem:
            problems.append(problem)
        shown_text = "unreadable" if shown is None else f"{shown:,}"
        print(
            f"  throughput round {number + 1}: bare {bare[-1]:,.0f} req/s ({bare_us:.1f} us CPU "
            f"each), app {rate:,.0f} req/s ({app_us:.1f} us); completed {completed:,}, "
            f"app shows {shown_text}",
            flush=True,
        )
    ratio = median(app) / median(bare)
    rows = [
        Row(
            "capture throughput, TUI live (16 conn, 450 B JSON)",
            f"{median(app):,.0f} req/s",
            f"{median(bare):,.0f} req/s",
            ratio,
            f">= {TARGET_RATIO}x bare",
            ratio >= TARGET_RATIO,
            [
                f"throughput: medians of {rounds} alternating rounds of {count:,} POSTs "
                f"({len(SMALL_BODY)} B) per process; app {', '.join(f'{r:,.0f}' for r in app)}"
                f"; bare {', '.join(f'{r:,.0f}' for r in bare)} req/s; load: {describe()}; "
                f"{pinning.describe()}",
                f"throughput: CPU per request (the server process, all threads; steadier than "
                f"req/s): app {median(app_cpu):.1f} us, bare {median(bare_cpu):.1f} us (medians)",
                *(f"throughput: {p}" for p in problems),
            ],
        )
    ]
    missing = sum(c - (s or 0) for c, s in lost)
    unread = sum(1 for _, s in lost if s is None)
    completed_total = sum(c for c, _ in lost)
    rows.append(
        Row(
            "requests lost under that load",
            f"{missing:,}" if not unread else "unreadable",
            f"{completed_total:,} sent",
            None,
            "0",
            missing == 0 and not unread,
            [
                "lost: generator's answered count minus the total the app's top bar shows, "
                "read from the pty output after each app round ("
                + ", ".join(f"{s if s is None else f'{s:,}'}/{c:,}" for c, s in lost)
                + ")"
            ],
        )
    )
    return rows


if __name__ == "__main__":
    common.run_standalone(run)
