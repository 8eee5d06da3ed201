"""What grouping captures by delivery id costs the store: 100,000 captures, 50,000 distinct ids.

.venv/bin/python tests/bench/bench_deliveries.py [--quick]

In-process, no server: the same 100,000 captures are added to a store with its DeliveryIndex
and to one whose index does nothing, in alternating rounds (CPU time of this process, medians),
so the ratio is the store's own add throughput with the index against without it. The
captures look like what providers send (5 ordinary headers, a 450-byte JSON body): a quarter
GitHub (X-GitHub-Delivery), a quarter Svix (svix-id), a quarter Stripe (the event id in the
body), a quarter with no id at all; each id arrives twice (an original and a retry), so 50,000
distinct ids. The store's cap is 50,000 captures: the second half evicts the first, as a full
store does on every arrival. Also printed: the microseconds the index adds per capture, and a
full garbage collection's time with the index filled (it must stay hidden from the collector).
"""

from __future__ import annotations

import gc
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from tests.bench.common import Row
from whisper_tui.core.delivery_index import DeliveryIndex
from whisper_tui.core.models import CapturedRequest
from whisper_tui.core.store import RequestStore

TARGET_ADDED_US = 5.0
"""Microseconds of CPU the index may add to a capture: a tenth of what a capture costs the
server (about 50 us, README's Performance section). The store's own add is only a few
microseconds, so the add-throughput ratio alone looks worse than what a sender sees."""

COMMON = (
    (b"Host", b"hooks.example.com"),
    (b"User-Agent", b"Provider-Hookshot/1.0"),
    (b"Content-Type", b"application/json"),
    (b"Content-Length", b"450"),
    (b"Accept", b"*/*"),
)
BODY = b'{"action": "opened", "number": 1, "pull_request": {"id": 1, "title": "x"}}'


class NoIndex(DeliveryIndex):
    """The baseline: a store that groups nothing."""

    def add(self, request: CapturedRequest) -> None:
        pass

    def evicted(self, request: CapturedRequest) -> None:
        pass


def capture(number: int, distinct: int) -> CapturedRequest:
    key = number % distinct
    kind = key % 4
    body = BODY.ljust(450)
    headers: tuple[tuple[bytes, bytes], ...]
    if kind == 0:
        headers = ((b"X-GitHub-Delivery", f"72d3162e-{key:08d}".encode()),)
    elif kind == 1:
        headers = ((b"svix-id", f"msg_{key:020d}".encode()), (b"svix-signature", b"v1,x"))
    elif kind == 2:
        headers = ((b"Stripe-Signature", b"t=1674087231,v1=00"),)
        body = (b'{"id": "evt_%024d", "object": "event", ' % key + BODY[1:]).ljust(450)
    else:
        headers = ((b"X-Request-Id", f"{number}".encode()),)
    return CapturedRequest(
        number, 0.0, "127.0.0.1", "POST", "/hooks", (1, 1), COMMON + headers, body
    )


def fill(captures: list[CapturedRequest], index: DeliveryIndex, cap: int) -> float:
    """CPU seconds to add every capture to a fresh store."""
    store = RequestStore(max_requests=cap, deliveries=index)
    started = time.process_time()
    for request in captures:
        store.add(request)
    return time.process_time() - started


def full_collection_ms(captures: list[CapturedRequest], cap: int) -> float:
    store = RequestStore(max_requests=cap)
    for request in captures:
        store.add(request)
    gc.collect()
    times = []
    for _ in range(3):
        started = time.process_time()
        gc.collect()
        times.append(time.process_time() - started)
    return statistics.median(times) * 1000


def run(quick: bool = False) -> list[Row]:
    count = 20_000 if quick else 100_000
    distinct = count // 2
    rounds = 3 if quick else 5
    captures = [capture(number, distinct) for number in range(1, count + 1)]
    with_index: list[float] = []
    without: list[float] = []
    for _ in range(rounds):
        without.append(fill(captures, NoIndex(), distinct))
        with_index.append(fill(captures, DeliveryIndex(), distinct))
    plain, grouped = statistics.median(without), statistics.median(with_index)
    ratio = plain / grouped
    added_us = (grouped - plain) / count * 1e6
    collection = full_collection_ms(captures, distinct)
    return [
        Row(
            f"store add, {count:,} captures / {distinct:,} ids: with the delivery index",
            f"{count / grouped:,.0f}/s",
            f"{count / plain:,.0f}/s",
            ratio,
            "(what the index costs: next row)",
            None,
        ),
        Row(
            "delivery index: CPU added per capture",
            f"{added_us:.1f} us",
            target=f"<= {TARGET_ADDED_US:g} us",
            met=added_us <= TARGET_ADDED_US,
            notes=[
                f"median of {rounds} alternating rounds of CPU time; a full garbage collection "
                f"with the index filled: {collection:.0f} ms of CPU"
            ],
        ),
    ]


if __name__ == "__main__":
    from tests.bench.common import print_table

    print_table(run(quick="--quick" in sys.argv))
