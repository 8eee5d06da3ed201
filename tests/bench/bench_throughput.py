"""Capture throughput, TUI live and headless, vs bare aiohttp servers; spread; requests lost.

.venv/bin/python tests/bench/bench_throughput.py [--quick]

Alternates rounds (bare on asyncio's loop, the TUI, bare on the app's loop, headless, ...)
because single runs swing; each round is a fresh process (the TUI on a pty, 200x50, its
screen live; headless writing its line per capture to a file), loaded with a fixed number
of ~450-byte JSON POSTs over 16 keep-alive connections (see load.py). The app runs on its
default loop (--loop auto: uvloop where installed). Lost requests: after each TUI round the
total its top bar shows (read from the pty output), after each headless round the lines it
wrote, must equal the number of requests the load generator got answers for. The spread row
takes SPREAD_ROUNDS rounds of the TUI and of bare on the app's loop: the alternating rounds,
then more of those two alone.
"""

from __future__ import annotations

import contextlib
import os
import statistics
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from tests.bench import common, pinning
from tests.bench.bare_server import bare_process
from tests.bench.common import Row, median
from tests.bench.load import SMALL_BODY, LoadResult, describe, run_load
from tests.bench.pinning import pin_server
from tests.bench.pty_screen import pty_app
from tests.bench.tui_process import ROOT, free_port, stop, wait_listening
from whisper_tui.loops import resolve

SAME_LOOP_TARGET = 0.95
DEFAULT_LOOP_TARGET = 1.05
HEADLESS_TARGET = 0.95
WARMUP = 1_000
SPREAD_ROUNDS = 10
"""Rounds of the TUI and of bare on the app's loop for the spread row (the first ones being
the rounds of all four servers). Two servers as steady as each other meet "no wider" half
the time however many rounds run; what more rounds buy is fewer passes for a TUI that does
swing more: one whose rounds' stdev is 1.5x bare's met it in 24% of simulated 5-round runs,
14% with 10 (lognormal rounds, 20,000 simulated runs each)."""


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process, all its threads, from /proc (0.0 elsewhere)."""
    try:
        with open(f"/proc/{pid}/stat") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def waited_seconds(pid: int) -> float:
    """Seconds the process's main thread (the server's loop) was ready to run but its CPU ran
    something else: another process, or one of its own threads (0.0 without schedstats)."""
    try:
        with open(f"/proc/{pid}/schedstat") as schedstat:
            return int(schedstat.read().split()[1]) / 1e9
    except (OSError, IndexError, ValueError):
        return 0.0


@dataclass
class Measured:
    """One round of one server: what the load got and what the server spent."""

    rate: float
    us: float
    """CPU microseconds per request (the server process, all threads)."""
    waited: float
    """Seconds of the round the server's loop waited for its CPU (waited_seconds)."""
    completed: int
    elapsed: float

    @property
    def own_rate(self) -> float:
        """req/s over the time the server had its CPU: the round less what others took."""
        return self.completed / max(self.elapsed - self.waited, 1e-9)


def measure(pid: int, port: int, count: int) -> tuple[Measured, LoadResult]:
    """Load a warmed-up server with `count` POSTs; its CPU and waiting over those alone."""
    before, waited = cpu_seconds(pid), waited_seconds(pid)
    result = run_load(port, count)
    cpu = (cpu_seconds(pid) - before) / max(result.completed, 1) * 1e6
    waited = waited_seconds(pid) - waited
    return Measured(result.rate, cpu, waited, result.completed, result.elapsed), result


def bare_round(count: int, loop: str) -> Measured:
    port = free_port()
    with bare_process(port, loop) as process:
        wait_listening(port)
        pin_server(process.pid)
        run_load(port, WARMUP)
        return measure(process.pid, port, count)[0]


def app_round(count: int) -> tuple[Measured, int, int | None, str]:
    """(the round, completed with the warm-up, total shown on screen, problem)."""
    port = free_port()
    with pty_app("--port", str(port)) as app:
        wait_listening(port)
        assert app.process is not None
        pin_server(app.process.pid)
        app.wait_idle(0.3, timeout=10)
        warm = run_load(port, WARMUP)
        measured, result = measure(app.process.pid, port, count)
        completed = warm.completed + result.completed
        shown = app.wait_total(completed, timeout=15)
        problem = "" if result.errors == 0 else f"{result.errors} errors"
        with contextlib.suppress(Exception):
            app.quit(timeout=20)
        return measured, completed, shown, problem


def headless_round(count: int) -> tuple[Measured, int, int]:
    """(the round, completed with the warm-up, lines written)."""
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
            measured, result = measure(process.pid, port, count)
        finally:
            stop(process)  # SIGTERM: a clean stop, every line flushed
        out.seek(0)
        lines = out.read().count(b"\n")
    return measured, warm.completed + result.completed, lines


def spread(rates: list[float]) -> float:
    """Range of the rounds over their median: (max - min) / median."""
    return (max(rates) - min(rates)) / median(rates)


def relative_stdev(values: list[float]) -> float:
    return statistics.pstdev(values) / statistics.mean(values)


def wider_by_chance(app: list[float], bare: list[float]) -> float:
    """How often the TUI's spread would exceed bare's by at least the measured amount if, in
    each round, which of its two figures is the TUI's were left to chance.

    A paired permutation test, exact over the 2**n relabellings: each series is first taken
    over its own median, so only the swings are exchanged, and each round's two servers ran
    back to back, so what the machine did to that round is shared. Near 0: the TUI's rounds
    do swing more; 0.5 or more: these rounds can't tell the two apart (with equally steady
    servers, "no wider than bare's" is met half the time however many rounds are run).
    """
    a = [rate / median(app) for rate in app]
    b = [rate / median(bare) for rate in bare]
    observed = spread(a) - spread(b)
    n = len(a)
    hits = 0
    for mask in range(2**n):
        x = [b[i] if mask >> i & 1 else a[i] for i in range(n)]
        y = [a[i] if mask >> i & 1 else b[i] for i in range(n)]
        hits += spread(x) - spread(y) >= observed - 1e-12
    return hits / 2**n


def listing(rates: list[float]) -> str:
    return ", ".join(f"{rate:,.0f}" for rate in rates)


def spread_row(
    app: list[Measured], bare: list[Measured], again: list[Measured], main: int, loop: str
) -> Row:
    """Row 3: do the TUI's rounds swing more than bare's? Every round of the two counts.

    `again`: the same bare server once more in each of those rounds, an A/A check: how far two
    identical servers' spreads differ on this machine in this run, beside the TUI's difference.
    """
    rates, bare_rates = [m.rate for m in app], [m.rate for m in bare]
    again_rates = [m.rate for m in again]
    met = spread(rates) <= spread(bare_rates)

    def waits(rounds: list[Measured]) -> str:
        return ", ".join(f"{m.waited / max(m.elapsed, 1e-9):.0%}" for m in rounds)

    def spreads(values: list[float], baseline: list[float]) -> str:
        return f"TUI {spread(values):.1%}, bare {spread(baseline):.1%}"

    return Row(
        "spread of alternating rounds, TUI vs bare (same loop)",
        f"{spread(rates):.1%}",
        f"{spread(bare_rates):.1%}",
        None,
        "<= bare's",
        met,
        [
            f"spread: (max - min) / median of the rounds' req/s over {len(app)} rounds of "
            f"each (the first {main} alternate with all four servers and the A/A one, the "
            f"rest with these two and the A/A one); over the first {main} alone, as this "
            "row was first measured: "
            + spreads(rates[:main], bare_rates[:main])
            + f"; relative stdev: TUI {relative_stdev(rates):.1%}, bare on {loop} "
            f"{relative_stdev(bare_rates):.1%}",
            "spread: a difference this large or larger by chance (each round's two figures "
            f"swapped at random, exact): p = {wider_by_chance(rates, bare_rates):.2f}; near 0 "
            "the TUI's rounds do swing more, 0.5 or more these rounds can't tell",
            f"spread, A/A (bare on {loop} run again in each round, a third server "
            f"alternating with these two): bare {spread(bare_rates):.1%}, bare again "
            f"{spread(again_rates):.1%}: identical servers differ by "
            f"{abs(spread(again_rates) - spread(bare_rates)) * 100:.1f} points here, the TUI "
            f"from bare by {(spread(rates) - spread(bare_rates)) * 100:+.1f}; bare again wider "
            f"than bare by chance: p = {wider_by_chance(again_rates, bare_rates):.2f}",
            "spread of CPU per request: "
            + spreads([m.us for m in app], [m.us for m in bare])
            + "; of req/s over the time the server had its CPU (the round less the time its "
            "loop waited while its CPU ran something else): "
            + spreads([m.own_rate for m in app], [m.own_rate for m in bare])
            + f"; share of each round the loop so waited: TUI {waits(app)}; bare {waits(bare)}",
        ],
    )


def run(
    quick: bool = False,
    rounds: int | None = None,
    count: int | None = None,
    spread_rounds: int | None = None,
) -> list[Row]:
    rounds = rounds or (2 if quick else 5)
    count = count or (20_000 if quick else 60_000)
    spread_rounds = max(spread_rounds or (rounds if quick else SPREAD_ROUNDS), rounds)
    loop = resolve("auto")  # the app's default loop here
    measured: dict[str, list[Measured]] = {
        "bare": [],
        "app": [],
        "bare_same": [],
        "headless": [],
        "bare_again": [],
    }
    lost: list[tuple[int, int | None]] = []
    headless_lost: list[tuple[int, int]] = []
    problems: list[str] = []
    for number in range(spread_rounds):
        # Past `rounds`, only the spread row's two servers: enough rounds to tell swings apart.
        main = number < rounds
        with pinning.harness_on_load_cpus():
            if main:
                measured["bare"].append(bare_round(count, "asyncio"))
            round_, completed, shown, problem = app_round(count)
            measured["app"].append(round_)
            lost.append((completed, shown))
            if problem:
                problems.append(problem)
            measured["bare_same"].append(bare_round(count, loop))
            measured["bare_again"].append(bare_round(count, loop))  # the spread's A/A check
            if main:
                round_, completed_headless, lines = headless_round(count)
                measured["headless"].append(round_)
                headless_lost.append((completed_headless, lines))
        shown_text = "unreadable" if shown is None else f"{shown:,}"
        print(
            f"  throughput round {number + 1}: "
            + ", ".join(
                f"{name} {values[-1].rate:,.0f} req/s ({values[-1].us:.1f} us CPU, "
                f"waited {values[-1].waited:.2f} s)"
                for name, values in measured.items()
                if main or name in ("app", "bare_same", "bare_again")
            )
            + f"; TUI completed {completed:,}, shows {shown_text}; "
            + f"load average {os.getloadavg()[0]:.2f}",
            flush=True,
        )
    # Rows 1, 2 and 4 compare the rounds in which all four servers alternated.
    rates = {name: [m.rate for m in values[:rounds]] for name, values in measured.items()}
    cpu = {name: [m.us for m in values[:rounds]] for name, values in measured.items()}
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
        spread_row(measured["app"], measured["bare_same"], measured["bare_again"], rounds, loop),
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
