"""Where `--save`'s cost under a flood goes: the bench behind README's account of its row.

.venv/bin/python tests/bench/bench_save_parts.py [--rounds N] [--count N]

Alternating rounds (pinned and loaded as bench_save.py: the app on CPU 0, wrk on CPU 1, the
writing process given every CPU back) of the app:

- plain: no --save (the baseline, measured in the same run);
- save: --save as a user runs it (the writing process keeps off the loop's core by itself);
- save, writer on the loop's core: the harness puts the writing process back on every CPU each
  50 ms (pinning.children_unpinned's `keep`), undoing what keep_off does at each hand-over,
  as before it existed;
- save, writer stopped: the writing process is stopped (SIGSTOP) for the load, so what is left
  is the app's own part (its hand-over blocks once the pipe is full).

Each round prints req/s and the ratio to the plain median, the app's CPU per request, each
CPU's idle share over the load (/proc/stat), and where the loop's thread was when sampled each
millisecond (/proc/PID/task/PID/wchan: running, waiting for the interpreter lock (futex), or in
epoll).
"""

from __future__ import annotations

import collections
import contextlib
import os
import signal
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from tests.bench import pinning
from tests.bench.bench_throughput import WARMUP, cpu_seconds
from tests.bench.common import median
from tests.bench.load import run_load
from tests.bench.pinning import pin_server
from tests.bench.pty_screen import pty_app
from tests.bench.tui_process import free_port, wait_listening

MODES = ("plain", "save", "save, writer on the loop's core", "save, writer stopped")


def cpu_times() -> dict[str, tuple[int, int]]:
    """Per CPU: (idle + iowait, total) jiffies."""
    times = {}
    with open("/proc/stat") as stat:
        for line in stat:
            if line.startswith("cpu") and line[3].isdigit():
                name, *values = line.split()
                numbers = [int(v) for v in values]
                times[name] = (numbers[3] + numbers[4], sum(numbers))
    return times


def sample_loop(pid: int, counts: collections.Counter[str], done: threading.Event) -> None:
    path = Path(f"/proc/{pid}/task/{pid}")
    while not done.is_set():
        with contextlib.suppress(OSError):
            stat = (path / "stat").read_text()
            state = stat[stat.rindex(")") + 2]
            counts["running" if state == "R" else (path / "wchan").read_text() or state] += 1
        time.sleep(0.001)


def one_round(mode: str, count: int, directory: Path, number: int) -> dict[str, object]:
    args = [] if mode == "plain" else ["--save", str(directory / f"r{number}.har")]
    port = free_port()
    with pty_app("--port", str(port), *args) as app:
        wait_listening(port)
        assert app.process is not None
        pid = app.process.pid
        pin_server(pid)
        app.wait_idle(0.3, timeout=10)
        stopped: list[int] = []
        if mode.endswith("stopped"):
            deadline = time.perf_counter() + 10
            while not stopped and time.perf_counter() < deadline:
                stopped = list(pinning._children(pid))
                time.sleep(0.05)
            for child in stopped:
                os.kill(child, signal.SIGSTOP)
        counts: collections.Counter[str] = collections.Counter()
        done = threading.Event()
        with pinning.children_unpinned(pid, keep="loop's core" in mode):
            run_load(port, WARMUP)
            sampler = threading.Thread(target=sample_loop, args=(pid, counts, done))
            before, cpu_before = cpu_times(), cpu_seconds(pid)
            sampler.start()
            result = run_load(port, count)
            done.set()
            sampler.join()
            after = cpu_times()
            cpu = (cpu_seconds(pid) - cpu_before) / max(result.completed, 1) * 1e6
        for child in stopped:
            os.kill(child, signal.SIGCONT)
        app.quit(timeout=120)
    idle = {
        name: 100 * (after[name][0] - before[name][0]) / max(after[name][1] - before[name][1], 1)
        for name in before
    }
    total = max(sum(counts.values()), 1)
    return {
        "rate": result.rate,
        "cpu": cpu,
        "idle": idle,
        "loop": {where: 100 * n / total for where, n in counts.most_common(4)},
    }


def main() -> int:
    rounds = int(sys.argv[sys.argv.index("--rounds") + 1]) if "--rounds" in sys.argv else 3
    count = int(sys.argv[sys.argv.index("--count") + 1]) if "--count" in sys.argv else 150_000
    print(f"load average {os.getloadavg()[0]:.2f}; {rounds} rounds of {count:,} POSTs a mode")
    rates: dict[str, list[float]] = {mode: [] for mode in MODES}
    with tempfile.TemporaryDirectory() as name, pinning.harness_on_load_cpus():
        number = 0
        for _ in range(rounds):
            for mode in MODES:
                number += 1
                figures = one_round(mode, count, Path(name), number)
                rates[mode].append(float(figures["rate"]))  # type: ignore[arg-type]
                idle = ", ".join(f"{c} {v:.0f}%" for c, v in figures["idle"].items())  # type: ignore[attr-defined]
                loop = ", ".join(f"{w} {v:.1f}%" for w, v in figures["loop"].items())  # type: ignore[attr-defined]
                print(
                    f"  {mode:32} {figures['rate']:8,.0f} req/s  app {figures['cpu']:5.1f} us/req"
                    f"  idle: {idle}  loop's thread: {loop}",
                    flush=True,
                )
    plain = median(rates["plain"])
    for mode in MODES:
        print(
            f"{mode:32} median {median(rates[mode]):8,.0f} req/s"
            f"  {median(rates[mode]) / plain:.2f}x plain"
        )
    print(f"load average {os.getloadavg()[0]:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
