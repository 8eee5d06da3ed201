"""The store is bounded by count and bytes, evicts the oldest, and keeps totals."""

from __future__ import annotations

import pytest

from whisper_tui.core.deliveries import find
from whisper_tui.core.models import Attempt, CapturedRequest
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


def test_remove_takes_one_capture_out_and_restore_puts_it_back_where_it_was():
    store = RequestStore()
    for i in range(1, 6):
        store.add(make(i, b"x" * i))
    store.add_attempt(3, Attempt("http://t", 0.0, kind="forward", status=500))
    bytes_before, version = store.stored_bytes, store.version
    removed = store.remove(3)
    assert removed is not None and [r.id for r in removed.requests] == [3]
    assert [r.id for r in store] == [1, 2, 4, 5]
    assert store.get(3) is None and store.attempts(3) == []
    assert store.stored_bytes == bytes_before - make(3, b"xxx").cost
    assert store.stats().deleted == 1 and store.received == 5
    assert store.version > version
    store.restore(removed)
    assert [r.id for r in store] == [1, 2, 3, 4, 5]
    assert store.stored_bytes == bytes_before and store.stats().deleted == 0
    assert [a.status for a in store.attempts(3)] == [500]
    assert store.remove(99) is None


def test_attempted_names_the_captures_with_attempts_as_they_come_and_go():
    store = RequestStore(max_requests=3)
    view = store.attempted()
    for i in range(1, 4):
        store.add(make(i))
    store.add_attempt(2, Attempt("http://t", 0.0, status=200))
    store.add_attempt(3, Attempt("http://t", 0.0, status=201))
    assert sorted(view) == [2, 3] and 1 not in view  # the view follows the store
    removed = store.remove(3)
    assert removed is not None and sorted(store.attempted()) == [2]
    store.restore(removed)
    assert sorted(store.attempted()) == [2, 3]
    store.add(make(4))
    store.add(make(5))  # 1 and 2 evicted, their attempts with them
    assert sorted(store.attempted()) == [3]


def test_remove_all_and_restore_with_arrivals_in_between_keeps_arrival_order():
    store = RequestStore()
    for i in range(1, 4):
        store.add(make(i, b"abc"))
    removed = store.remove_all()
    assert len(store) == 0 and store.stored_bytes == 0 and store.stats().deleted == 3
    store.add(make(4, b"abc"))
    store.restore(removed)
    assert [r.id for r in store] == [1, 2, 3, 4]
    assert store.stored_bytes == 4 * make(1, b"abc").cost
    assert store.stats().stored == 4


def test_restore_after_evictions_still_respects_the_caps():
    store = RequestStore(max_requests=3)
    for i in range(1, 4):
        store.add(make(i))
    removed = store.remove(2)
    assert removed is not None
    for i in range(4, 6):  # the cap evicts 1
        store.add(make(i))
    # Put back in its place, the oldest, so the count cap evicts it again at once.
    store.restore(removed)
    assert [r.id for r in store] == [3, 4, 5]
    assert store.evicted == 2 and store.stats().deleted == 0


def test_edits_tell_views_where_captures_moved():
    store = RequestStore(max_requests=4)
    for i in range(1, 5):
        store.add(make(i))
    store.add(make(5))  # evicts 1: absolute indices don't move
    assert store.edits == []
    removed = store.remove(3)  # absolute 2
    assert removed is not None
    [edit] = store.edits
    assert (edit.absolute, edit.delta) == (2, -1)
    assert [edit.moved(a) for a in (1, 2, 3, 4)] == [1, 2, 2, 3]
    store.restore(removed)
    put_back = store.edits[-1]
    assert (put_back.absolute, put_back.delta, put_back.ids) == (2, 1, (3,))
    assert [put_back.moved(a) for a in (1, 2, 3)] == [1, 3, 4]


def test_positions_stay_right_after_removing_from_a_compacted_store():
    store = RequestStore(max_requests=1000)
    for i in range(1, 10_001):
        store.add(make(i))
    removed = store.remove(9_500)
    assert removed is not None
    assert store[0].id == 9_001 and store[498].id == 9_499 and store[499].id == 9_501
    assert len(store) == 999
    store.restore(removed)
    assert [store[i].id for i in (498, 499, 500)] == [9_499, 9_500, 9_501]


def test_remove_finds_a_capture_in_a_store_loaded_out_of_id_order():
    store = RequestStore()
    for i in (5, 2, 9, 1):
        store.add(make(i))
    removed = store.remove(9)
    assert removed is not None and [r.id for r in store] == [5, 2, 1]
    store.restore(removed)
    assert [r.id for r in store] == [5, 2, 9, 1]


def github(request_id: int, guid: str) -> CapturedRequest:
    return CapturedRequest(
        request_id,
        0.0,
        "127.0.0.1",
        "POST",
        "/gh",
        (1, 1),
        ((b"X-GitHub-Delivery", guid.encode()),),
        b"",
    )


def test_the_store_keeps_its_delivery_index_through_eviction_remove_and_restore():
    store = RequestStore(max_requests=3)
    for request_id, guid in enumerate(["a", "b", "a", "a"], start=1):
        store.add(github(request_id, guid))
    # #1 was evicted: it still counts, and #4 is still the third arrival.
    assert store.deliveries.captures_of("a") == (3, 4)
    fourth = store.deliveries.of(store.get(4))
    assert (fourth.seen, fourth.first, fourth.times) == (3, 1, 3)
    removed = store.remove(3)
    assert store.deliveries.captures_of("a") == (4,)
    store.restore(removed)
    assert store.deliveries.captures_of("a") == (3, 4)
    assert store.deliveries.of(store.get(3)).seen == 2
    everything = store.remove_all()
    assert store.deliveries.captures_of("a") == ()
    store.add(github(5, "a"))
    assert store.deliveries.of(store.get(5)).seen == 4
    store.restore(everything)  # caps apply: #5 stays, the oldest put back are evicted
    assert [r.id for r in store] == [3, 4, 5]
    assert store.deliveries.captures_of("a") == (3, 4, 5)
    store.clear()
    assert store.deliveries.captures_of("a") == ()


def test_a_loaded_batch_tells_no_listener_moves_the_version_once_and_keeps_the_caps():
    store = RequestStore(max_requests=3)
    told: list[CapturedRequest] = []
    store.subscribe(told.append)
    store.add_loaded([make(n) for n in range(1, 6)])
    assert told == [] and store.version == 1
    assert [r.id for r in store] == [3, 4, 5] and (store.received, store.evicted) == (5, 2)


def test_a_batch_with_its_delivery_ids_found_is_kept_as_captures_added_one_by_one():
    # --load's reading process finds the delivery ids; the store then only files them.
    batch = [github(n, "a" if n % 2 else "b") for n in range(1, 7)] + [make(7, b"x" * 9)]
    one_by_one, loaded = RequestStore(max_requests=5), RequestStore(max_requests=5)
    for request in batch:
        one_by_one.add(request)
    loaded.add_loaded(batch, [find(request) for request in batch])
    assert list(loaded) == list(one_by_one)
    assert loaded.stats() == one_by_one.stats() and loaded.next_id() == one_by_one.next_id()
    for value in ("a", "b"):
        assert loaded.deliveries.captures_of(value) == one_by_one.deliveries.captures_of(value)
    for request in loaded:
        assert loaded.deliveries.of(request) == one_by_one.deliveries.of(request)


def test_loaded_through_marks_where_loaded_captures_end_and_live_ones_begin():
    store = RequestStore()
    assert store.loaded_through == 0
    store.add(make(1))
    store.add_loaded([make(n) for n in range(2, 6)])
    assert store.loaded_through == 5
    store.add(make(store.next_id()))
    assert store.loaded_through == 5 and [r.id for r in store][-1] == 6


def test_attempt_listeners_hear_the_capture_id():
    store = RequestStore()
    store.add(make(1))
    heard: list[int] = []
    store.subscribe_attempts(heard.append)
    store.add_attempt(1, Attempt(target_url="http://t/", started_at=1.0))
    store.add_attempt(99, Attempt(target_url="http://t/", started_at=1.0))  # not kept: no word
    assert heard == [1]


def at(request_id: int, when: float, path: str = "/hook") -> CapturedRequest:
    return CapturedRequest(request_id, when, "127.0.0.1", "POST", path, (1, 1), (), b"")


class Reads:
    """A test for latest_before that takes captures to `path` and counts the ones it is asked
    about (what the store reads to answer)."""

    def __init__(self, path: str) -> None:
        self.path = path
        self.asked = 0

    def __call__(self, capture: CapturedRequest) -> bool:
        self.asked += 1
        return capture.path == self.path


def latest_by_reading_all(
    store: RequestStore, request: CapturedRequest, path: str
) -> CapturedRequest | None:
    earlier = [
        c
        for c in store
        if (c.received_at, c.id) < (request.received_at, request.id) and c.path == path
    ]
    return max(earlier, key=lambda c: (c.received_at, c.id), default=None)


def test_latest_before_reads_back_from_the_capture_only_as_far_as_the_one_it_takes():
    store = RequestStore()
    for n in range(1, 2001):
        store.add(at(n, float(n), "/rare" if n == 1900 else "/hook"))
    request = store.get(1990)
    assert request is not None
    reads = Reads("/rare")
    assert store.latest_before(request, reads) is store.get(1900)
    assert reads.asked == 90  # #1989 back to #1900, not the 2,000 the store holds
    reads = Reads("/hook")
    assert store.latest_before(request, reads) is store.get(1989) and reads.asked == 1


def test_latest_before_is_the_latest_earlier_arrival_whatever_order_a_file_gave():
    # A file listing its captures out of time order (files joined, newest first), loaded
    # after live ones and before more: positions are no longer arrival order.
    store = RequestStore()
    store.add(at(1, 50.0, "/a"))
    store.add(at(2, 60.0, "/b"))
    loaded = [at(3, 30.0, "/a"), at(4, 70.0, "/a"), at(5, 10.0, "/b"), at(6, 55.0, "/a")]
    store.add_loaded(loaded)
    store.add(at(7, 80.0, "/a"))
    store.add(at(8, 55.0, "/a"))  # the same instant as #6: after it by id
    for request in store:
        for path in ("/a", "/b"):
            expected = latest_by_reading_all(store, request, path)
            assert store.latest_before(request, Reads(path)) is expected, (request.id, path)
    assert store.latest_before(store.get(7), Reads("/a")) is store.get(4)
    assert store.latest_before(store.get(8), Reads("/a")) is store.get(6)
    assert store.latest_before(store.get(1), Reads("/a")) is store.get(3)


def test_once_the_captures_out_of_order_are_deleted_or_evicted_reading_back_is_enough_again():
    store = RequestStore(max_requests=100)
    store.add_loaded([at(n, float(n)) for n in range(1, 51)])
    late = at(51, 5.5)  # loaded out of order: between #5 and #6 in time
    store.add_loaded([late])
    for n in range(52, 101):
        store.add(at(n, float(n)))
    newest = store[-1]
    reads = Reads("/hook")
    assert store.latest_before(newest, reads) is store.get(99)
    # The store can't tell where #100 goes: every capture read, all but the late one (turned
    # away by its time alone) and #100 itself asked about.
    assert reads.asked == 98
    removed = store.remove(51)
    assert removed is not None
    reads = Reads("/hook")
    assert store.latest_before(newest, reads) is store.get(99) and reads.asked == 1
    store.restore(removed)  # undo: out of order again, and still right
    assert store.latest_before(store.get(6), Reads("/hook")) is late
    assert store.latest_before(late, Reads("/hook")) is store.get(5)
    for n in range(101, 152):  # #1 to #51 evicted, the late one among them
        store.add(at(n, float(n)))
    reads = Reads("/hook")
    assert store.latest_before(store[-1], reads) is store.get(150) and reads.asked == 1


def test_deleting_and_restoring_in_the_middle_keeps_latest_before_right():
    store = RequestStore()
    whens = [5.0, 1.0, 9.0, 3.0, 3.0, 7.0, 2.0, 8.0]
    store.add_loaded([at(n, when, "/a" if n % 2 else "/b") for n, when in enumerate(whens, 1)])
    removed = [store.remove(4), store.remove(1), store.remove(7)]
    for taken in reversed(removed):
        assert taken is not None
        store.restore(taken)
        for request in store:
            for path in ("/a", "/b"):
                expected = latest_by_reading_all(store, request, path)
                assert store.latest_before(request, Reads(path)) is expected
    everything = store.remove_all()
    store.add(at(20, 100.0))
    store.add(at(21, 101.0))
    reads = Reads("/hook")
    assert store.latest_before(store.get(21), reads) is store.get(20) and reads.asked == 1
    store.restore(everything)
    for request in store:
        expected = latest_by_reading_all(store, request, "/a")
        assert store.latest_before(request, Reads("/a")) is expected
