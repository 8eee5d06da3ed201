"""CPU pinning for throughput comparisons: the server on one core, the load on the others.

Unpinned, the load generator's threads and the server under test share both cores of this
machine as the scheduler pleases, and alternating rounds of the same build swing by +-30%.
Pinned, the load generator no longer takes the server's core; how much closer alternating
rounds then come was never measured on a quiet machine (the claim that they repeat "within a
few percent" dated from when pinning was, unknown to us, a no-op; see below). Every thread
of the server (the app's terminal writer and input threads too) shares its one core, the way a
bare single-threaded aiohttp server has it; the load generator never competes with it.

WHISPER_BENCH_PIN=0 turns pinning off; machines with one CPU are never pinned.

Every decision is taken from the CPUs this process was given at import (ALL_CPUS), never from
its affinity at the time of the call: inside harness_on_load_cpus() that affinity is the load
CPU alone, and a check made there ("fewer than 2 CPUs: don't pin") once turned pin_server and
pin_load into no-ops, so for days the server under test, wrk and the pty reader all shared
CPU 1 while the bench said "server pinned to CPU 0".
"""

from __future__ import annotations

import contextlib
import os
import threading
from collections.abc import Iterator
from pathlib import Path

SERVER_CPU = 0
ALL_CPUS = frozenset(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else frozenset()
"""The CPUs the harness was started with (before any of the calls below narrowed them)."""


def enabled() -> bool:
    return (
        os.environ.get("WHISPER_BENCH_PIN", "1") != "0"
        and hasattr(os, "sched_setaffinity")
        and len(ALL_CPUS) >= 2
        and SERVER_CPU in ALL_CPUS
    )


def load_cpus() -> set[int]:
    """Where the load generator runs: every CPU but the server's."""
    return set(ALL_CPUS) - {SERVER_CPU}


def pin_server(pid: int) -> None:
    """Pin every thread of a running process (and the threads it starts later) to SERVER_CPU."""
    if not enabled():
        return
    for task in Path(f"/proc/{pid}/task").iterdir():
        with contextlib.suppress(ProcessLookupError, FileNotFoundError):
            os.sched_setaffinity(int(task.name), {SERVER_CPU})


@contextlib.contextmanager
def harness_on_load_cpus() -> Iterator[None]:
    """Keep this process (reading the app's terminal output) off the server's core too."""
    if not enabled():
        yield
        return
    before = os.sched_getaffinity(0)
    os.sched_setaffinity(0, load_cpus())
    try:
        yield
    finally:
        os.sched_setaffinity(0, before)


def pin_load() -> None:
    """A Popen preexec_fn: the load process (wrk, client workers) on the load CPUs."""
    if enabled():
        os.sched_setaffinity(0, load_cpus())


def describe() -> str:
    if not enabled():
        return "not pinned"
    load = ",".join(map(str, sorted(load_cpus())))
    return f"server pinned to CPU {SERVER_CPU}, load to CPU {load}"


def _children(pid: int) -> list[int]:
    found = []
    with contextlib.suppress(OSError):
        for task in Path(f"/proc/{pid}/task").iterdir():
            with contextlib.suppress(OSError):
                found += [int(child) for child in (task / "children").read_text().split()]
    return found


@contextlib.contextmanager
def children_unpinned(pid: int, every: float = 0.05, *, keep: bool = False) -> Iterator[None]:
    """Give the server's child processes (--save's writer) every CPU again, as they would
    have on a user's machine, while the block runs.

    A child started by a pinned thread inherits its one CPU: --save's lowest-priority writer
    then shares the server's core and is starved during the load, leaving its work to the
    app at exit, a cost no unpinned user pays. Children start during the load (at the first
    append), so they are looked for every `every` seconds. `keep`: put them back on every
    CPU each time, not once, undoing what the app does to them itself (keep_off: the writer
    leaving the loop's core), to measure what that is worth (bench_save_parts.py).
    """
    if not enabled():
        yield
        return
    everywhere = set(ALL_CPUS)
    done = threading.Event()
    seen: set[int] = set()

    def watch() -> None:
        while not done.wait(every):
            for child in _children(pid):
                if child in seen and not keep:
                    continue
                with contextlib.suppress(OSError):
                    for task in Path(f"/proc/{child}/task").iterdir():
                        os.sched_setaffinity(int(task.name), everywhere)
                    seen.add(child)

    watcher = threading.Thread(target=watch, daemon=True)
    watcher.start()
    try:
        yield
    finally:
        done.set()
        watcher.join()
