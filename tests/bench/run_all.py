"""Every benchmark, one table: figure, baseline, ratio, target, met?

.venv/bin/python tests/bench/run_all.py [--quick] [--only NAME,NAME]

Runs (each also runnable alone, `python tests/bench/bench_NAME.py`):
  throughput   capture throughput, TUI live and headless, vs bare aiohttp on the app's loop and
               on asyncio's; spread of the rounds; requests lost
  navigation   list key-to-screen latency at 100,000 captures vs 10
  capture_cost new-capture throughput at 100k stored vs 1k
  deliveries   store add with the delivery index vs without (in-process); CPU it adds
  big_body     5 MB JSON selected: first highlighted screen; loop blocked; a gzip bomb too
  diff_loop    1 MB JSON diff off the loop
  memory       RSS growth vs stored body bytes
  startup      start to listening; start to first frame, with the CPU time used by then
  reopen       --load of 100,000 entries: first rows on screen, all loaded
  save         --save under sustained load: throughput kept; one save at 100,000 captures
The app runs in its own process on a pty (200x50) with its TUI live, except where a row says
in-process. Load: wrk when installed (apt-get install wrk), else aiohttp client processes.
Takes about 6 minutes with wrk on 2 cores (5.5 before the spread row's A/A rounds; --quick:
about 1, smaller counts, not comparable to the targets; without wrk the aiohttp fallback is
slower and weaker).
"""

from __future__ import annotations

import sys
import time
import traceback
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from tests.bench import (
    bench_big_body,
    bench_capture_cost,
    bench_deliveries,
    bench_diff_loop,
    bench_memory,
    bench_navigation,
    bench_reopen,
    bench_save,
    bench_startup,
    bench_throughput,
)
from tests.bench.common import Row, cache_bytecode, machine, print_table
from tests.bench.load import describe

BENCHES = {
    "throughput": bench_throughput.run,
    "navigation": bench_navigation.run,
    "capture_cost": bench_capture_cost.run,
    "deliveries": bench_deliveries.run,
    "big_body": bench_big_body.run,
    "diff_loop": bench_diff_loop.run,
    "memory": bench_memory.run,
    "startup": bench_startup.run,
    "reopen": bench_reopen.run,
    "save": bench_save.run,
}


def main() -> int:
    quick = "--quick" in sys.argv
    only = None
    if "--only" in sys.argv:
        only = sys.argv[sys.argv.index("--only") + 1].split(",")
        unknown = set(only) - set(BENCHES)
        if unknown:
            print(
                f"unknown benchmark(s): {', '.join(sorted(unknown))}; one of {', '.join(BENCHES)}"
            )
            return 2
    print(f"machine: {machine()}; {cache_bytecode()}")
    print(f"load: {describe()}" + ("   (--quick: smaller counts)" if quick else ""))
    start = time.perf_counter()
    rows: list[Row] = []
    for name, run in BENCHES.items():
        if only and name not in only:
            continue
        began = time.perf_counter()
        print(f"{name} ...", flush=True)
        try:
            rows.extend(run(quick=quick))
        except Exception as error:
            traceback.print_exc()
            rows.append(Row(name, "failed", notes=[f"{name}: {type(error).__name__}: {error}"]))
        print(f"{name}: {time.perf_counter() - began:.0f} s", flush=True)
    print()
    print_table(rows)
    met = sum(1 for row in rows if row.met)
    missed = sum(1 for row in rows if row.met is False)
    print()
    print(
        f"{met} met, {missed} missed, {len(rows) - met - missed} not measured; "
        f"total {time.perf_counter() - start:.0f} s"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
