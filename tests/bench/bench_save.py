"""`--save` under sustained load: throughput kept, and what one save writes at 100,000 captures.

.venv/bin/python tests/bench/bench_save.py [--quick]

Throughput: alternating rounds of the app on a pty without and with `--save` (a fresh file per
round), each pinned and loaded as in bench_throughput.py (60,000 450-byte JSON POSTs over 16
connections after a warm-up); medians. At 100,000 captures: the app starts with `--load` of a
100,000-entry HAR and `--save` to another file; once that file is first written whole, 2,000
POSTs arrive and the next save is watched: the file's growth, whether it is still the same
file (an atomic rewrite would replace it), and the bytes the process wrote meanwhile
(`wchar` from /proc, which also counts what it drew on the terminal).
"""

from __future__ import annotations

import contextlib
import os
import sys
import tempfile
import time
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

TARGET_RATIO = 0.95
STORED = 100_000
ARRIVING = 2_000


def app_round(count: int, *args: str) -> tuple[float, float]:
    """(req/s, CPU microseconds per request) of the app run with `args`."""
    port = free_port()
    with pty_app("--port", str(port), *args) as app:
        wait_listening(port)
        assert app.process is not None
        pin_server(app.process.pid)
        app.wait_idle(0.3, timeout=10)
        run_load(port, WARMUP)
        before = cpu_seconds(app.process.pid)
        result = run_load(port, count)
        cpu = (cpu_seconds(app.process.pid) - before) / max(result.completed, 1) * 1e6
        with contextlib.suppress(Exception):
            app.quit(timeout=60)
        return result.rate, cpu


def written_bytes(pid: int) -> int:
    with open(f"/proc/{pid}/io") as io:
        return next(int(line.split()[1]) for line in io if line.startswith("wchar:"))


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
        before = written_bytes(app.process.pid)
        run_load(port, ARRIVING)
        deadline = time.perf_counter() + 30
        while saved.stat().st_size == first.st_size and time.perf_counter() < deadline:
            time.sleep(0.05)
        after = wait_stable(saved, 30)
        wrote = written_bytes(app.process.pid) - before
        app.quit(timeout=60)
    if after is None:
        return "next save not seen", None, []
    same = after.st_ino == first.st_ino
    grown = after.st_size - first.st_size
    figure = f"{wrote / 1e6:.2f} MB written"
    notes = [
        f"save at {stored:,}: file {first.st_size / 1e6:.0f} MB after its first (whole) write; "
        f"{ARRIVING:,} POSTs later it grew {grown / 1e6:.2f} MB "
        f"({'same file: appended' if same else 'a new file: rewritten'}); the process wrote "
        f"{wrote / 1e6:.2f} MB in all meanwhile (wchar: the save and the terminal)",
    ]
    return figure, same and wrote < first.st_size / 10, notes


def run(quick: bool = False, rounds: int | None = None) -> list[Row]:
    rounds = rounds or (1 if quick else 3)
    count = 20_000 if quick else 60_000
    plain, saving, plain_cpu, saving_cpu = [], [], [], []
    with tempfile.TemporaryDirectory() as name:
        directory = Path(name)
        for number in range(rounds):
            target = directory / f"round{number}.har"
            with pinning.harness_on_load_cpus():
                rate, cpu = app_round(count)
                rate_saving, cpu_saving = app_round(count, "--save", str(target))
            plain.append(rate)
            saving.append(rate_saving)
            plain_cpu.append(cpu)
            saving_cpu.append(cpu_saving)
            print(
                f"  save round {number + 1}: without {rate:,.0f} req/s ({cpu:.1f} us CPU), "
                f"with --save {rate_saving:,.0f} req/s ({cpu_saving:.1f} us)",
                flush=True,
            )
        stored = 20_000 if quick else STORED
        figure, met, notes = save_at_100k(directory, stored)
    ratio = median(saving) / median(plain)
    return [
        Row(
            "--save at sustained load: throughput kept",
            f"{median(saving):,.0f} req/s",
            f"{median(plain):,.0f} req/s",
            ratio,
            f">= {TARGET_RATIO}x without",
            None if quick else ratio >= TARGET_RATIO,
            [
                f"save: medians of {rounds} alternating rounds of {count:,} POSTs, the app "
                f"without and with --save; with {', '.join(f'{r:,.0f}' for r in saving)}; "
                f"without {', '.join(f'{r:,.0f}' for r in plain)} req/s; CPU per request "
                f"{median(saving_cpu):.1f} vs {median(plain_cpu):.1f} us; load: {describe()}; "
                f"{pinning.describe()}",
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
