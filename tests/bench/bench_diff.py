"""How long diffing two big captures takes, against difflib as a baseline.

.venv/bin/python tests/bench/bench_diff.py [--quick]

Builds two JSON bodies of webhook-like events (about 1 MB, and 5 MB) that differ in 50
places (changed values, an added key, a removed key, an inserted array item), times
diff_requests on them (median of 5), and times difflib.SequenceMatcher(autojunk=False)
over the same normalized lines in a subprocess with a time limit, since it can take
minutes. Target: the 1 MB diff under 250 ms.
"""

from __future__ import annotations

import json
import random
import statistics
import subprocess
import sys
import time
from functools import partial
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from whisper_tui.core.diff import diff_lines, diff_requests, pretty_json_lines
from whisper_tui.core.models import CapturedRequest

TARGET_SECONDS = 0.250
BASELINE_TIMEOUT = 60.0
EDITS = 50


def event(rng: random.Random, number: int) -> dict:
    """One delivery-like event: ids, URLs, nested objects, an array of line items."""
    repo = f"octo-org/service-{number % 37}"
    return {
        "id": f"evt_{number:010d}",
        "object": "event",
        "api_version": "2024-06-20",
        "created": 1_764_000_000 + number * 7,
        "type": rng.choice(["invoice.paid", "charge.refunded", "payment_intent.succeeded"]),
        "livemode": False,
        "request": {"id": f"req_{rng.getrandbits(64):016x}", "idempotency_key": None},
        "data": {
            "object": {
                "id": f"pi_{rng.getrandbits(72):018x}",
                "amount": rng.randint(100, 999_999),
                "currency": rng.choice(["usd", "eur", "gbp"]),
                "status": "pending",
                "description": f"Order #{number} for customer {rng.getrandbits(32):08x}",
                "receipt_url": f"https://pay.example.com/receipts/{repo}/{number}",
                "customer": {
                    "id": f"cus_{rng.getrandbits(48):012x}",
                    "email": f"user{number}@example.com",
                    "address": {"city": "Lisbon", "country": "PT", "postal_code": "1100-148"},
                },
                "metadata": {"order": str(number), "repository": repo, "note": "thanks!"},
                "items": [
                    {"sku": f"sku_{number}_{k}", "quantity": k + 1, "unit_amount": 1.10}
                    for k in range(rng.randint(1, 3))
                ],
            }
        },
    }


def bodies(size: int, seed: int = 7) -> tuple[bytes, bytes]:
    """Two compact JSON bodies of about `size` bytes differing in EDITS places."""
    rng = random.Random(seed)
    events: list[dict] = []
    total = 0
    while total < size:
        events.append(event(rng, len(events)))
        total += len(json.dumps(events[-1], separators=(",", ":")))
    return with_edits(events, rng)


def with_edits(events: list[dict], rng: random.Random) -> tuple[bytes, bytes]:
    """`events` and a copy changed in EDITS places, both as compact JSON bodies.

    The edits: a changed value, an added key, a removed key, an inserted array item.
    """
    newer = json.loads(json.dumps(events))
    for number, index in enumerate(sorted(rng.sample(range(len(newer)), EDITS))):
        target = newer[index]["data"]["object"]
        match number % 4:
            case 0:
                target["status"] = "paid"
            case 1:
                target["refund"] = {"id": f"re_{index}", "amount": target["amount"]}
            case 2:
                del target["description"]
            case _:
                target["items"].append({"sku": "sku_extra", "quantity": 1, "unit_amount": 2.5})
    compact = (",", ":")
    return (
        json.dumps({"events": events}, separators=compact).encode(),
        json.dumps({"events": newer}, separators=compact).encode(),
    )


def capture(body: bytes, number: int) -> CapturedRequest:
    return CapturedRequest(
        id=number,
        received_at=1_764_000_000.0 + number,
        remote="127.0.0.1",
        method="POST",
        target="/hooks/stripe",
        http_version=(1, 1),
        raw_headers=(
            (b"Content-Type", b"application/json"),
            (b"Stripe-Signature", f"t={number},v1={number:064x}".encode()),
            (b"Content-Length", str(len(body)).encode()),
        ),
        body=body,
    )


def median_time(function, runs: int = 5) -> tuple[float, object]:
    times = []
    result = None
    for _ in range(runs):
        start = time.perf_counter()
        result = function()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


BASELINE_SCRIPT = """
import json, sys, time, difflib
a, b = json.load(sys.stdin)
start = time.perf_counter()
difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes()
print(time.perf_counter() - start)
"""


def baseline(left: list[str], right: list[str]) -> float | None:
    """difflib with autojunk off on the same lines, in a subprocess so it can be cut off."""
    try:
        done = subprocess.run(
            [sys.executable, "-c", BASELINE_SCRIPT],
            input=json.dumps([left, right]),
            capture_output=True,
            text=True,
            timeout=BASELINE_TIMEOUT,
            check=True,
        )
    except subprocess.TimeoutExpired:
        return None
    return float(done.stdout)


def main() -> None:
    quick = "--quick" in sys.argv
    sizes = [1_000_000] if quick else [1_000_000, 5_000_000]
    table = []
    for size in sizes:
        old_body, new_body = bodies(size)
        older, newer = capture(old_body, 1), capture(new_body, 2)
        figure, result = median_time(partial(diff_requests, older, newer))
        sorted_figure, _ = median_time(partial(diff_requests, older, newer, sort_keys=True))
        left = pretty_json_lines(old_body.decode())
        right = pretty_json_lines(new_body.decode())
        lines_figure, _ = median_time(partial(diff_lines, left, right))
        base = None if quick else baseline(left, right)
        changed = sum(1 for row in result.rows if row.kind != "equal" and row.kind != "section")
        table.append((size, len(left), len(right), figure, sorted_figure, lines_figure, base))
        print(
            f"{len(old_body) / 1e6:.2f} MB: {len(left):,} / {len(right):,} lines, "
            f"{len(result.rows):,} rows, {changed} changed rows, "
            f"{len(result.change_rows)} change runs, {len(result.changes)} summary entries"
        )
    print()
    header = (
        f"{'body':>8}  {'lines':>7}  {'diff_requests':>13}  {'sort_keys':>9}  "
        f"{'diff_lines':>10}  {'difflib':>10}  {'ratio':>7}"
    )
    print(header)
    print("-" * len(header))
    for size, left_n, _right_n, figure, sorted_figure, lines_figure, base in table:
        if quick:
            shown, ratio = "skipped", "-"
        elif base is None:
            shown = f"> {BASELINE_TIMEOUT:.0f} s"
            ratio = f">{BASELINE_TIMEOUT / lines_figure:,.0f}x"
        else:
            shown, ratio = f"{base:.2f} s", f"{base / lines_figure:,.0f}x"
        print(
            f"{size / 1e6:>6.0f}MB  {left_n:>7,}  {figure * 1000:>10.0f} ms  "
            f"{sorted_figure * 1000:>6.0f} ms  {lines_figure * 1000:>7.0f} ms  "
            f"{shown:>10}  {ratio:>7}"
        )
    print()
    print("ratio: difflib (autojunk off) over diff_lines on the same normalized lines")
    verdict = "met" if table[0][3] < TARGET_SECONDS else "MISSED"
    print(f"target: 1 MB diff_requests under {TARGET_SECONDS * 1000:.0f} ms: {verdict}")


if __name__ == "__main__":
    main()
