"""Capture throughput, TUI live and headless, vs bare aiohttp servers; spread; requests lost.

.venv/bin/python tests/bench/bench_throughput.py [--quick]

Alternates rounds (bare on asyncio's loop, the TUI, bare on the app's loop, headless, ...)
because single runs swing; each round is a fresh process (the TUI on a pty, 200x50, its
screen live; headless writing its line per capture to a file), loaded with a fixed number
of ~450-byte JSON POSTs over 16 keep-alive connections (see load.py). The app runs on its
default loop (--loop auto: uvloop where installed). Lost requests: after each TUI round the
total its top bar shows (read from the pty output), after each headless round the lines it
wrote, must equal the number of requests the load generator got answers for.
"""

from __future__ import annotations

import contextlib
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from tests.bench import common, pinning
from tests.bench.bare_server import bare_process
from tests.bench.common import Row, median
from tests.bench.load import SMALL_BODY, describe, run_load
from tests.bench.pinning import pin_server
from tests.bench.pty_screen import pty_app
from tests.bench.tui_process import ROOT, free_port, stop, wait_listening
from whisper_tui.loops import resolve

SAME_LOOP_TARGET = 0.95
DEFAULT_LOOP_TARGET = 1.05
HEADLESS_TARGET = 0.95
WARMUP = 1_000


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process, all its threads, from /proc (0.0 elsewhere)."""
    try:
        with open(f"/proc/{pid}/stat") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def bare_round(count: int, loop: str) -> tuple[float, float]:
    """(req/s, CPU microseconds per request)."""
    port = free_port()
    with bare_process(port, loop) as process:
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


def headless_round(count: int) -> tuple[float, float, int, int]:
    """(req/s, CPU microseconds per request, completed, lines written)."""
    port = free_port()
    with tempfile.TemporaryFile() as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "whisper_tui", "--headless", "--port", str(port)],
            stdout=out,
            stderr=subprocess.DEVNULL,
            cwd=ROOT,
        )
        try:
            wait_listening(port)
            pin_server(process.pid)
            warm = run_load(port, WARMUP)
            before = cpu_seconds(process.pid)
            result = run_load(port, count)
            cpu = (cpu_seconds(process.pid) - before) / max(result.completed, 1) * 1e6
        finally:
            stop(process)  # SIGTERM: a clean stop, every line flushed
        out.seek(0)
        lines = out.read().count(b"\n")
    return result.rate, cpu, warm.completed + result.completed, lines


def spread(rates: list[float]) -> float:
    """Range of the rounds over their median: (max - min) / median."""
    return (max(rates) - min(rates)) / median(rates)


def listing(rates: list[float]) -> str:
    return ", ".join(f"{rate:,.0f}" for rate in rates)


def run(quick: bool = False, rounds: int | None = None, count: int | None = None) -> list[Row]:
    rounds = rounds or (2 if quick else 5)
    count = count or (20_000 if quick else 60_000)
    loop = resolve("auto")  # the app's default loop here
    rates: dict[str, list[float]] = {"bare": [], "app": [], "bare_same": [], "headless": []}
    cpu: dict[str, list[float]] = {name: [] for name in rates}
    lost: list[tuple[int, int | None]] = []
    headless_lost: list[tuple[int, int]] = []
    problems: list[str] = []
    for number in range(rounds):
        with pinning.harness_on_load_cpus():
            rate, us = bare_round(count, "asyncio")
            rates["bare"].append(rate)
            cpu["bare"].append(us)
            rate, us, completed, shown, problem = app_round(count)
            rates["app"].append(rate)
            cpu["app"].append(us)
            lost.append((completed, shown))
            if problem:
                problems.append(problem)
            rate, us = bare_round(count, loop)
            rates["bare_same"].append(rate)
            cpu["bare_same"].append(us)
            rate, us, completed, lines = headless_round(count)
            rates["headless"].append(rate)
            cpu["headless"].append(us)
            headless_lost.append((completed, lines))
        shown_text = "unreadable" if shown is None else f"{shown:,}"
        print(
            f"  throughput round {number + 1}: "
            + ", ".join(
                f"{name} {rates[name][-1]:,.0f} req/s ({cpu[name][-1]:.1f} us CPU)"
                for name in rates
            )
            + f"; TUI completed {completed:,}, shows {shown_text}",
            flush=True,
        )
    app, bare, same, headless = (median(rates[k]) for k in ("app", "bare", "bare_same", "headless"))
    us = {name: median(values) for name, values in cpu.items()}

    def shown(rate: float, name: str) -> str:
        # CPU per request beside req/s: on a shared machine it swings far less.
        return f"{rate:,.0f} req/s, {us[name]:.1f} us"

    def cpu_ratio(name: str, baseline: str) -> str:
        return f"{us[baseline] / us[name]:.2f}x"

    where = f"{rounds} alternating rounds of {count:,} POSTs ({len(SMALL_BODY)} B) per process"
    rows = [
        Row(
            f"capture throughput, TUI live, vs bare aiohttp on the same loop ({loop})",
            shown(app, "app"),
            shown(same, "bare_same"),
            app / same,
            f">= {SAME_LOOP_TARGET}x",
            app / same >= SAME_LOOP_TARGET,
            [
                f"throughput: medians of {where}; TUI {listing(rates['app'])}; bare on "
                f"{loop} {listing(rates['bare_same'])}; bare on asyncio "
                f"{listing(rates['bare'])}; headless {listing(rates['headless'])} req/s; "
                f"load: {describe()}; {pinning.describe()}",
                "throughput: figures are req/s and CPU per request (the server process, all "
                "threads, over the measured requests; steadier than req/s on a shared "
                "machine), medians: "
                + ", ".join(f"{name} {us[name]:.1f} us" for name in cpu)
                + f"; as ratios (baseline's CPU / the app's, like req/s ratios): TUI vs bare "
                f"on {loop} {cpu_ratio('app', 'bare_same')}, TUI vs bare on asyncio "
                f"{cpu_ratio('app', 'bare')}, headless vs bare on {loop} "
                f"{cpu_ratio('headless', 'bare_same')}; each round's CPU: "
                + "; ".join(
                    f"{name} {', '.join(f'{v:.1f}' for v in values)}"
                    for name, values in cpu.items()
                ),
                *(f"throughput: {p}" for p in problems),
            ],
        ),
        Row(
            "same, vs bare aiohttp on asyncio's default loop",
            shown(app, "app"),
            shown(bare, "bare"),
            app / bare,
            f">= {DEFAULT_LOOP_TARGET}x",
            app / bare >= DEFAULT_LOOP_TARGET,
        ),
        Row(
            "spread of alternating rounds, TUI vs bare (same loop)",
            f"{spread(rates['app']):.1%}",
            f"{spread(rates['bare_same']):.1%}",
            None,
            "<= bare's",
            spread(rates["app"]) <= spread(rates["bare_same"]),
            [
                "spread: (max - min) / median of the rounds' req/s; relative stdev TUI "
                f"{statistics.pstdev(rates['app']) / app:.1%}, bare on {loop} "
                f"{statistics.pstdev(rates['bare_same']) / same:.1%}; spread of bare on "
                f"asyncio {spread(rates['bare']):.1%}, headless {spread(rates['headless']):.1%}; "
                f"spread of CPU per request: TUI {spread(cpu['app']):.1%}, bare on {loop} "
                f"{spread(cpu['bare_same']):.1%}"
            ],
        ),
        Row(
            f"headless capture throughput vs bare aiohttp on the same loop ({loop})",
            shown(headless, "headless"),
            shown(same, "bare_same"),
            headless / same,
            f">= {HEADLESS_TARGET}x",
            headless / same >= HEADLESS_TARGET,
            ["headless: its line per capture written to a file (stdout), as `> log` would"],
        ),
    ]
    missing = sum(c - (s or 0) for c, s in lost) + sum(c - n for c, n in headless_lost)
    unread = sum(1 for _, s in lost if s is None)
    completed_total = sum(c for c, _ in lost) + sum(c for c, _ in headless_lost)
    rows.append(
        Row(
            "requests lost under that load (TUI and headless)",
            f"{missing:,}" if not unread else "unreadable",
            f"{completed_total:,} sent",
            None,
            "0",
            missing == 0 and not unread,
            [
                "lost: generator's answered count minus the total the TUI's top bar shows "
                "(read from the pty output) or the lines headless mode wrote, each round ("
                + ", ".join(f"{s if s is None else f'{s:,}'}/{c:,}" for c, s in lost)
                + "; headless "
                + ", ".join(f"{n:,}/{c:,}" for c, n in headless_lost)
                + ")"
            ],
        )
    )
    return rows


if __name__ == "__main__":
    common.run_standalone(run)
