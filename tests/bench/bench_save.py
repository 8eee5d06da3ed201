"""`--save` under sustained load: throughput kept, and what one save writes at 100,000 captures.

.venv/bin/python tests/bench/bench_save.py [--quick]

Throughput: alternating rounds of the app on a pty without and with `--save` (a fresh file per
round), each pinned and loaded as in bench_throughput.py (SUSTAINED 450-byte JSON POSTs over 16
connections after a warm-up: several seconds, so the row sees a lasting load's appends and not
only the first save; the process `--save` writes with is given every CPU back, as it has
on an unpinned machine: see pinning.children_unpinned); medians. CPU per request is given twice:
during the load, and from the load's start to the app's exit (q), which counts any writing
`--save` deferred past the burst (the save's share of CPU is capped). At 100,000 captures: the
app starts with `--load` of a 100,000-entry HAR and `--save` to another file; once that file is
first written whole, 2,000 POSTs arrive and the next save is watched: the file's growth, whether
it is still the same file (an atomic rewrite would replace it), and the bytes the app and its
saving process wrote meanwhile (`wchar` from /proc, which also counts the captures piped to that
process and what the app drew on the terminal).
"""

from __future__ import annotations

import contextlib
import os
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from tests.bench import common, pinning
from tests.bench.bench_reopen import write_har
from tests.bench.bench_throughput import WARMUP, cpu_seconds
from tests.bench.common import Row, median
from tests.bench.load import describe, run_load
from tests.bench.pinning import pin_server
from tests.bench.pty_screen import pty_app
from tests.bench.tui_process import free_port, wait_listening
from whisper_tui.core.autosave import SAVE_INTERVAL

TARGET_RATIO = 0.95
SUSTAINED = 150_000
"""POSTs per round: about 6 s at this machine's rate, three saves' worth (SAVE_INTERVAL is 2 s);
60,000 (until 2026-12-01) was about 2.5 s, in which only the first save fell."""
STORED = 100_000
ARRIVING = 2_000


def reaped_cpu_seconds() -> float:
    """User + system CPU of every child this process has waited for, all their lives."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


STAND_IN = """
import os, sys, time
share, period = float(sys.argv[1]), float(sys.argv[2])
try: os.nice(19)
except OSError: pass
try: os.sched_setscheduler(0, os.SCHED_IDLE, os.sched_param(0))
except (OSError, AttributeError): pass
print("ready", flush=True)
while True:
    began = time.monotonic()
    while time.monotonic() - began < share * period:
        pass
    time.sleep(max(period - (time.monotonic() - began), 0))
"""
"""Burns `share` of one CPU in a burst at the start of every `period` seconds, at the
writing process's priority (nice 19, SCHED_IDLE), and writes nothing: the writer's CPU
without its work."""


def children_cpu(pid: int) -> float:
    """CPU seconds (user + system) of the app's child processes now alive (--save's writer)."""
    total = 0.0
    for child in pinning._children(pid):
        with contextlib.suppress(OSError, IndexError, ValueError):
            fields = Path(f"/proc/{child}/stat").read_text().rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return total


@contextlib.contextmanager
def stand_in(share: float) -> Iterator[None]:
    """A process doing what --save's writer does to the load's CPU, nothing else (STAND_IN),
    on the CPUs the writer keeps to (all but the server's), while the block runs."""
    if share <= 0:
        yield
        return
    process = subprocess.Popen(
        [sys.executable, "-c", STAND_IN, f"{min(share, 1.0):.4f}", str(SAVE_INTERVAL)],
        stdout=subprocess.PIPE,
        preexec_fn=lambda: (
            os.sched_setaffinity(0, pinning.load_cpus() or pinning.ALL_CPUS)
            if pinning.enabled()
            else None
        ),
    )
    try:
        assert process.stdout is not None
        process.stdout.readline()
        yield
    finally:
        process.kill()
        process.wait()


def app_round(
    count: int, *args: str, burn: float = 0.0
) -> tuple[float, float, float, float, float]:
    """(req/s, CPU microseconds per request during the load, and until the app exited, the
    CPU seconds its child processes used during the load, the load's seconds).

    The second CPU figure runs on past the load to the app's exit (q), so it counts every
    capture saved: `--save` may defer part of its writing past a burst, which the first
    figure would not see. `burn`: a stand-in for the writer runs during the load, burning
    that share of a CPU (see STAND_IN).
    """
    port = free_port()
    with pty_app("--port", str(port), *args) as app:
        wait_listening(port)
        assert app.process is not None
        pin_server(app.process.pid)
        app.wait_idle(0.3, timeout=10)
        with pinning.children_unpinned(app.process.pid):
            run_load(port, WARMUP)
            before = cpu_seconds(app.process.pid)
            children_before = children_cpu(app.process.pid)
            with stand_in(burn):
                result = run_load(port, count)
            children = children_cpu(app.process.pid) - children_before
        completed = max(result.completed, 1)
        cpu = (cpu_seconds(app.process.pid) - before) / completed * 1e6
        reaped = reaped_cpu_seconds()
        with contextlib.suppress(Exception):
            app.quit(timeout=60)
        # The app's whole life, counted once it was reaped, less what it had used before.
        lifetime = reaped_cpu_seconds() - reaped
        until_exit = (lifetime - before) / completed * 1e6 if lifetime > 0 else float("nan")
        return result.rate, cpu, until_exit, children, result.elapsed


def written_bytes(pid: int) -> int:
    with open(f"/proc/{pid}/io") as io:
        return next(int(line.split()[1]) for line in io if line.startswith("wchar:"))


def family_written(pid: int) -> dict[int, int]:
    """wchar of the app and of its child processes (--save appends in one), by pid."""
    pids = [pid]
    for task in Path(f"/proc/{pid}/task").iterdir():
        with contextlib.suppress(OSError):
            pids += [int(child) for child in (task / "children").read_text().split()]
    written = {}
    for each in pids:
        with contextlib.suppress(OSError):
            written[each] = written_bytes(each)
    return written


def written_since(pid: int, before: dict[int, int]) -> int:
    after = family_written(pid)
    return sum(count - before.get(each, 0) for each, count in after.items())


def wait_stable(path: Path, timeout: float) -> os.stat_result | None:
    """The file's stat once it exists and has not changed for a second."""
    deadline = time.perf_counter() + timeout
    last = None
    while time.perf_counter() < deadline:
        with contextlib.suppress(FileNotFoundError):
            now = path.stat()
            key = (now.st_ino, now.st_size)
            if last is not None and last[0] == key:
                if time.perf_counter() - last[1] >= 1.0:
                    return now
            else:
                last = (key, time.perf_counter())
        time.sleep(0.05)
    return None


def save_at_100k(directory: Path, stored: int) -> tuple[str, bool | None, list[str]]:
    source, saved = directory / "stored.har", directory / "saved.har"
    write_har(source, stored)
    port = free_port()
    with pty_app("--port", str(port), "--load", str(source), "--save", str(saved)) as app:
        wait_listening(port, timeout=120)
        assert app.process is not None
        first = wait_stable(saved, 120)
        if first is None:
            return "no save seen", None, []
        before = family_written(app.process.pid)
        run_load(port, ARRIVING)
        deadline = time.perf_counter() + 30
        while saved.stat().st_size == first.st_size and time.perf_counter() < deadline:
            time.sleep(0.05)
        after = wait_stable(saved, 30)
        wrote = written_since(app.process.pid, before)
        app.quit(timeout=60)
    if after is None:
        return "next save not seen", None, []
    same = after.st_ino == first.st_ino
    grown = after.st_size - first.st_size
    figure = f"{wrote / 1e6:.2f} MB written"
    notes = [
        f"save at {stored:,}: file {first.st_size / 1e6:.0f} MB after its first (whole) write; "
        f"{ARRIVING:,} POSTs later it grew {grown / 1e6:.2f} MB "
        f"({'same file: appended' if same else 'a new file: rewritten'}); the app and its "
        f"saving process wrote {wrote / 1e6:.2f} MB in all meanwhile (wchar: the save, the "
        "captures piped between them, and the terminal)",
    ]
    return figure, same and wrote < first.st_size / 10, notes


def run(quick: bool = False, rounds: int | None = None) -> list[Row]:
    rounds = rounds or (1 if quick else 3)
    count = 20_000 if quick else SUSTAINED
    plain, saving, plain_cpu, saving_cpu = [], [], [], []
    plain_exit, saving_exit = [], []
    stood_in, writer_shares = [], []
    with tempfile.TemporaryDirectory() as name:
        directory = Path(name)
        for number in range(rounds):
            target = directory / f"round{number}.har"
            with pinning.harness_on_load_cpus():
                rate, cpu, cpu_exit, _, _ = app_round(count)
                rate_saving, cpu_saving, saving_to_exit, writer, elapsed = app_round(
                    count, "--save", str(target)
                )
                # The control: the plain app beside a process burning what the writer just
                # burned, at its priority and on its CPUs, and doing nothing else.
                share = writer / max(elapsed, 1e-9)
                rate_stand_in, *_ = app_round(count, burn=share)
            plain.append(rate)
            saving.append(rate_saving)
            plain_cpu.append(cpu)
            saving_cpu.append(cpu_saving)
            plain_exit.append(cpu_exit)
            saving_exit.append(saving_to_exit)
            stood_in.append(rate_stand_in)
            writer_shares.append(share)
            print(
                f"  save round {number + 1}: without {rate:,.0f} req/s ({cpu:.1f} us CPU, "
                f"{cpu_exit:.1f} to exit), with --save {rate_saving:,.0f} req/s "
                f"({cpu_saving:.1f} us, {saving_to_exit:.1f} to exit; its writer "
                f"{share:.0%} of a CPU), without but beside a stand-in burning that "
                f"{rate_stand_in:,.0f} req/s",
                flush=True,
            )
        stored = 20_000 if quick else STORED
        figure, met, notes = save_at_100k(directory, stored)
    ratio = median(saving) / median(plain)
    return [
        Row(
            "--save at sustained load: throughput kept",
            f"{median(saving):,.0f} req/s, {median(saving_cpu):.1f} us",
            f"{median(plain):,.0f} req/s, {median(plain_cpu):.1f} us",
            ratio,
            f">= {TARGET_RATIO}x without",
            None if quick else ratio >= TARGET_RATIO,
            [
                f"save: medians of {rounds} alternating rounds of {count:,} POSTs, the app "
                f"without and with --save; with {', '.join(f'{r:,.0f}' for r in saving)}; "
                f"without {', '.join(f'{r:,.0f}' for r in plain)} req/s; CPU per request "
                f"during the load {median(saving_cpu):.1f} vs {median(plain_cpu):.1f} us "
                f"({median(plain_cpu) / median(saving_cpu):.2f}x), and from the load's start "
                f"to the app's exit, every capture saved, {median(saving_exit):.1f} vs "
                f"{median(plain_exit):.1f} us ({median(plain_exit) / median(saving_exit):.2f}x)"
                f"; load: {describe()}; {pinning.describe()} (--save's writing process not: it"
                " would inherit the server's core, which an unpinned user's never shares)",
                "save, control: the app without --save beside a stand-in for its writer (a "
                "process at the writer's priority, nice 19 and SCHED_IDLE, on the CPUs it "
                "keeps to, burning in a burst every save interval the share of a CPU the "
                "writer used in the round before, "
                + ", ".join(f"{share:.0%}" for share in writer_shares)
                + ", and writing nothing) kept "
                f"{median(stood_in) / median(plain):.2f}x ("
                + ", ".join(f"{r:,.0f}" for r in stood_in)
                + " req/s): what that much background CPU costs the server on this machine, "
                "whatever the work",
            ],
        ),
        Row(
            f"--save: one save at {stored:,} captures (+{ARRIVING:,} new)",
            figure,
            target="append, no whole-file rewrite",
            met=None if quick else met,
            notes=notes,
        ),
    ]


if __name__ == "__main__":
    common.run_standalone(run)
