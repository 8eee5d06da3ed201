"""Reopening a big session: `--load` of 100,000 entries, first rows on screen and all loaded.

.venv/bin/python tests/bench/bench_reopen.py [--quick]

A HAR of 100,000 captures (the throughput bench's 450-byte JSON POST with the headers wrk
sends) is written by whisper-tui's own save, then the app is started on a pty (200x50) with
`--load` of it, alternating with an app started without it (the baseline: its first frame).
From spawning the process: when the first loaded row's path is written to the terminal, and
when the top bar first shows the whole count. Medians of the rounds. CPU time, steadier than
wall time on a shared machine, is counted for the app and its reading process together.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from tests.bench import common
from tests.bench.bench_throughput import cpu_seconds
from tests.bench.common import Row, median
from tests.bench.load import SMALL_BODY
from tests.bench.pty_screen import pty_app
from tests.bench.tui_process import free_port
from whisper_tui.core.har import save_har
from whisper_tui.core.models import CapturedRequest

FIRST_ROWS_TARGET = 0.5
ALL_LOADED_TARGET = 2.0
PATH_MARK = b"/hooks/reopen/"


def write_har(path: Path, count: int) -> None:
    headers = (
        (b"Host", b"127.0.0.1:8080"),
        (b"Content-Type", b"application/json"),
        (b"Content-Length", str(len(SMALL_BODY)).encode()),
    )
    started = 1_764_000_000.0
    save_har(
        path,
        (
            CapturedRequest(
                n,
                started + n / 1000,
                "127.0.0.1:40000",
                "POST",
                f"/hooks/reopen/{n}",
                (1, 1),
                headers,
                SMALL_BODY,
            )
            for n in range(1, count + 1)
        ),
        "http://127.0.0.1:8080",
    )


def cpu_split(pid: int) -> tuple[float, float]:
    """User + system CPU seconds of a process (all threads) and of its children that have
    ended (--load's reading process ends once its file is read), from /proc (0.0 elsewhere)."""
    try:
        with open(f"/proc/{pid}/stat") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0, 0.0
    tick = os.sysconf("SC_CLK_TCK")
    own, children = fields[11:13], fields[13:15]
    return sum(map(int, own)) / tick, sum(map(int, children)) / tick


class ReadingSleep:
    """How long the app's reading process slept while it lived (its main thread's wall time
    less its running time less its time waiting for a CPU, from /proc; Linux): time it
    waited on its pipe for the app to take frames, on the critical path. Sampled until the
    process ends; None where it can't be read."""

    def __init__(self, app_pid: int) -> None:
        self.app_pid = app_pid
        self.pid: int | None = None
        self.started = 0.0
        self.slept: float | None = None

    def sample(self) -> None:
        try:
            if self.pid is None:
                with open(f"/proc/{self.app_pid}/task/{self.app_pid}/children") as kids:
                    found = kids.read().split()
                if not found:
                    return
                self.pid = int(found[0])
                with open(f"/proc/{self.pid}/stat") as stat:
                    ticks = int(stat.read().rsplit(")", 1)[1].split()[19])
                with open("/proc/uptime") as uptime:
                    booted = time.time() - float(uptime.read().split()[0])
                self.started = booted + ticks / os.sysconf("SC_CLK_TCK")
            with open(f"/proc/{self.pid}/task/{self.pid}/schedstat") as schedstat:
                ran, waited = (int(n) / 1e9 for n in schedstat.read().split()[:2])
            with open(f"/proc/{self.pid}/stat") as stat:
                if stat.read().rsplit(")", 1)[1].split()[0] == "Z":
                    return  # ended: the last sample stands
            self.slept = max(0.0, time.time() - self.started - ran - waited)
        except (OSError, ValueError, IndexError):
            return


def load_round(
    path: Path, count: int
) -> tuple[float | None, float | None, float | None, tuple[float, float], float | None]:
    """(first frame, first loaded row, all loaded) in seconds from spawning, None if unseen,
    the CPU seconds of the app (all threads) and of its reading process when all were seen
    loaded, and how long the reading process slept (ReadingSleep). On a quiet machine the two
    run on a core each: all loaded comes about when the longer of the two is done."""
    port = free_port()
    total = f"{count:,} requests".encode()
    with pty_app("--port", str(port), "--load", str(path), record=True) as app:
        deadline = time.perf_counter() + 60
        reading = ReadingSleep(app.pid)
        while app.seen_at(total) is None and time.perf_counter() < deadline:
            reading.sample()
            time.sleep(0.01)
        cpu = cpu_split(app.pid)
        frame = app.seen_at(f"127.0.0.1:{port}".encode())
        first, done = app.seen_at(PATH_MARK), app.seen_at(total)
        app.quit(timeout=20)
    return frame, first, done, cpu, reading.slept


def empty_round() -> tuple[float | None, float]:
    port = free_port()
    with pty_app("--port", str(port), record=True) as app:
        app.wait_idle(0.3, timeout=10)
        frame = app.seen_at(f"127.0.0.1:{port}".encode())
        cpu = cpu_seconds(app.pid)
        app.quit(timeout=10)
    return frame, cpu


def run(quick: bool = False, rounds: int | None = None) -> list[Row]:
    rounds = rounds or (1 if quick else 3)
    count = 20_000 if quick else 100_000
    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory) / "reopen.har"
        began = time.perf_counter()
        write_har(path, count)
        written = time.perf_counter() - began
        size = path.stat().st_size
        frames, firsts, dones, empties = [], [], [], []
        app_cpus, reading_cpus, empty_cpus, sleeps = [], [], [], []
        for number in range(rounds):
            empty, empty_cpu = empty_round()
            frame, first, done, (app_cpu, reading_cpu), slept = load_round(path, count)
            if slept is not None:
                sleeps.append(slept)
            app_cpus.append(app_cpu)
            reading_cpus.append(reading_cpu)
            empty_cpus.append(empty_cpu)
            print(
                f"  reopen round {number + 1}: empty app's first frame {empty}, with --load: "
                f"first frame {frame}, first rows {first}, all {count:,} {done}; CPU at all "
                f"loaded: app {app_cpu:.2f} s, reading process {reading_cpu:.2f} s (empty app "
                f"once drawn: {empty_cpu:.2f} s); reading process asleep "
                f"{'-' if slept is None else f'{slept:.3f} s'}; load average "
                f"{os.getloadavg()[0]:.2f}",
                flush=True,
            )
            for values, value in ((empties, empty), (frames, frame), (firsts, first)):
                if value is not None:
                    values.append(value)
            dones.append(done if done is not None else float("inf"))
    first_rows = median(firsts) if firsts else None
    all_loaded = median(dones)
    baseline = median(empties) if empties else None
    notes = [
        f"reopen: {count:,} entries, {size / 1e6:.0f} MB, written by save_har in {written:.1f} s; "
        f"medians of {rounds} rounds from spawning the app on a pty; first rows = the first "
        f"loaded row's path written to the terminal; all = the top bar's '{count:,} requests'; "
        f"baseline = an app without --load drawing its first frame; with --load the first "
        f"frame came at {median(frames):.3f} s"
        if frames
        else "reopen: no frame seen",
        f"reopen: CPU time when all were loaded (/proc, steadier than wall time on a busy "
        f"machine): the app {median(app_cpus):.2f} s (all threads; an empty app's once drawn: "
        f"{median(empty_cpus):.2f} s), its reading process {median(reading_cpus):.2f} s; on a "
        "quiet machine they run on a core each",
        "reopen: the reading process slept (waiting on its pipe for the app, not for a CPU) "
        + (f"{median(sleeps):.3f} s, median" if sleeps else "- (not measured)"),
    ]
    label = f"{count:,}"
    return [
        Row(
            f"--load {label} entries: first rows on screen",
            f"{first_rows:.3f} s" if first_rows is not None else "unseen",
            f"{baseline:.3f} s" if baseline is not None else "-",
            None,
            f"<= {FIRST_ROWS_TARGET} s",
            None if quick or first_rows is None else first_rows <= FIRST_ROWS_TARGET,
            notes,
        ),
        Row(
            f"--load {label} entries: all loaded",
            f"{all_loaded:.3f} s",
            f"{baseline:.3f} s" if baseline is not None else "-",
            None,
            f"<= {ALL_LOADED_TARGET} s",
            None if quick else all_loaded <= ALL_LOADED_TARGET,
        ),
    ]


if __name__ == "__main__":
    common.run_standalone(run)
