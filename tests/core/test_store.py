"""The store is bounded by count and bytes, evicts the oldest, and keeps totals."""

from __future__ import annotations

import pytest

from whisper_tui.core.models import CapturedRequest
from whisper_tui.core.store import RequestStore


def make(request_id: int, body: bytes = b"") -> CapturedRequest:
    return CapturedRequest(request_id, 0.0, "127.0.0.1", "POST", f"/{request_id}", (1, 1), (), body)


def test_count_cap_evicts_oldest_and_counts_it():
    store = RequestStore(max_requests=3)
    for i in range(1, 6):
        store.add(make(i))
    assert [r.id for r in store] == [3, 4, 5]
    assert store.received == 5 and store.evicted == 2
    assert store.get(1) is None and store.get(3) is not None
    assert store[0].id == 3 and store[-1].id == 5


def test_byte_cap_evicts_until_under_and_keeps_the_newest_even_if_alone_too_big():
    store = RequestStore(max_requests=100, max_bytes=250)
    for i in range(1, 4):
        store.add(make(i, b"x" * 100))
    assert [r.id for r in store] == [2, 3]
    store.add(make(4, b"y" * 1000))
    assert [r.id for r in store] == [4]
    assert store.evicted == 3


def test_positions_stay_correct_across_many_evictions_and_compactions():
    store = RequestStore(max_requests=1000)
    for i in range(1, 20_001):
        store.add(make(i))
    assert len(store) == 1000
    assert store[0].id == 19_001
    assert store[999].id == 20_000
    with pytest.raises(IndexError):
        store[1000]
    assert store.stats().evicted == 19_000


def test_listeners_hear_each_capture_and_version_moves():
    store = RequestStore()
    heard: list[int] = []
    store.subscribe(lambda r: heard.append(r.id))
    before = store.version
    store.add(make(7))
    assert heard == [7] and store.version > before
