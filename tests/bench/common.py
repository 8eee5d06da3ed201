"""What every benchmark shares: result rows, the table, the machine, payloads, a loop monitor."""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import platform
import random
import statistics
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


@dataclass
class Row:
    """One line of the results table."""

    name: str
    figure: str
    baseline: str = "-"
    ratio: float | None = None
    target: str = ""
    met: bool | None = None
    """None: not measured (or not applicable)."""
    notes: list[str] = field(default_factory=list)


def verdict(met: bool | None) -> str:
    return "n/a" if met is None else "yes" if met else "NO"


def print_table(rows: list[Row], out=None) -> None:
    out = out or sys.stdout
    headers = ("#", "what", "figure", "baseline", "ratio", "target", "met?")
    cells = [
        (
            str(number),
            row.name,
            row.figure,
            row.baseline,
            f"{row.ratio:.2f}x" if row.ratio is not None else "-",
            row.target,
            verdict(row.met),
        )
        for number, row in enumerate(rows, 1)
    ]
    widths = [max(len(h), *(len(c[i]) for c in cells)) for i, h in enumerate(headers)]
    right = {0, 2, 3, 4}

    def line(values: tuple[str, ...]) -> str:
        return "  ".join(
            v.rjust(w) if i in right else v.ljust(w)
            for i, (v, w) in enumerate(zip(values, widths, strict=True))
        ).rstrip()

    print(line(headers), file=out)
    print("  ".join("-" * w for w in widths), file=out)
    for cell in cells:
        print(line(cell), file=out)
    notes = [(number, note) for number, row in enumerate(rows, 1) for note in row.notes]
    if notes:
        print(file=out)
        for number, note in notes:
            print(f"  [{number}] {note}", file=out)


def machine() -> str:
    import aiohttp
    import textual

    try:
        load = "load average {:.2f} {:.2f} {:.2f}".format(*os.getloadavg())
    except OSError:
        load = ""
    return (
        f"{os.cpu_count()} CPUs ({platform.processor() or platform.machine()}), "
        f"Python {platform.python_version()}, Textual {textual.__version__}, "
        f"aiohttp {aiohttp.__version__}, {platform.system()} {platform.release()}; {load}"
    )


def cache_bytecode() -> str:
    """Compile the app's modules to bytecode (`__pycache__`, ignored by git) before measuring.

    An installed whisper-tui has its bytecode (pip compiles it at install), but this checkout
    is installed editable and the development machines set PYTHONDONTWRITEBYTECODE=1, so
    without this every app the benchmarks start compiles its ~120 modules from source first:
    ~0.12 s of CPU before the first frame (0.48 against 0.36 s, medians of 7 alternating
    rounds of bench_startup.py's measure), a start no user has. Returns what the results'
    first line says about it."""
    import compileall

    compiled = compileall.compile_dir(ROOT / "whisper_tui", quiet=1)
    return "app bytecode compiled" if compiled else "app bytecode NOT compiled (see above)"


def median(values: list[float]) -> float:
    return statistics.median(values)


def ms(seconds: float | None) -> str:
    return "-" if seconds is None else f"{seconds * 1000:.1f} ms"


def run_standalone(run, **kwargs) -> None:
    """`python tests/bench/bench_x.py [--quick]`: run one benchmark and print its rows."""
    quick = "--quick" in sys.argv
    print(f"{machine()}; {cache_bytecode()}")
    start = time.perf_counter()
    rows = run(quick=quick, **kwargs)
    print()
    print_table(rows)
    print(f"\n{time.perf_counter() - start:.0f} s")


# -- payloads -------------------------------------------------------------------------------

MARKER = "bench_marker_first_key"
"""First key of every big JSON body: seen on screen means the body's first lines are drawn."""


def event(rng: random.Random, number: int) -> dict:
    """One webhook-like event: ids, URLs, nested objects, a short array."""
    return {
        "id": f"evt_{number:010d}",
        "object": "event",
        "created": 1_764_000_000 + number * 7,
        "type": rng.choice(["invoice.paid", "charge.refunded", "payment_intent.succeeded"]),
        "livemode": False,
        "data": {
            "object": {
                "id": f"pi_{rng.getrandbits(72):018x}",
                "amount": rng.randint(100, 999_999),
                "currency": rng.choice(["usd", "eur", "gbp"]),
                "status": "pending",
                "description": f"Order #{number} for customer {rng.getrandbits(32):08x}",
                "customer": {"id": f"cus_{rng.getrandbits(48):012x}", "country": "PT"},
                "metadata": {"order": str(number), "note": "thanks!"},
                "items": [
                    {"sku": f"sku_{number}_{k}", "quantity": k + 1, "unit_amount": 1.10}
                    for k in range(rng.randint(1, 3))
                ],
            }
        },
    }


def json_events(size: int, seed: int = 7) -> list[dict]:
    rng = random.Random(seed)
    events: list[dict] = []
    total = 0
    while total < size:
        events.append(event(rng, len(events)))
        total += len(json.dumps(events[-1], separators=(",", ":")))
    return events


def big_json(size: int, seed: int = 7) -> bytes:
    """A compact (one-line) JSON body of about `size` bytes, MARKER as its first key."""
    document = {MARKER: "first line", "events": json_events(size, seed)}
    return json.dumps(document, separators=(",", ":")).encode()


def sized_json(size: int) -> bytes:
    """A JSON body of exactly `size` bytes (a padded event)."""
    head = b'{"id":"evt_1","type":"payment_intent.succeeded","amount":2000,"pad":"'
    tail = b'"}'
    return head + b"x" * max(size - len(head) - len(tail), 0) + tail


# -- the event loop, watched ------------------------------------------------------------------


class LoopMonitor:
    """Sleeps `tick` seconds in a loop on the running loop and records how late it wakes."""

    def __init__(self, tick: float = 0.005) -> None:
        self.tick = tick
        self.max_late = 0.0
        self.samples = 0
        self._task: asyncio.Task[None] | None = None

    async def _watch(self) -> None:
        while True:
            before = time.perf_counter()
            await asyncio.sleep(self.tick)
            late = time.perf_counter() - before - self.tick
            self.samples += 1
            self.max_late = max(self.max_late, late)

    def start(self) -> LoopMonitor:
        self.max_late = 0.0
        self._task = asyncio.create_task(self._watch())
        return self

    async def stop(self) -> float:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None
        return self.max_late
