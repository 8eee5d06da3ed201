"""The delivery index: arrivals numbered in received order, read in O(log k), kept current."""

from __future__ import annotations

import gc
import tracemalloc

from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule

from whisper_tui.core import delivery_index
from whisper_tui.core.delivery_index import DeliveryIndex, json_view_of
from whisper_tui.core.models import CapturedRequest
from whisper_tui.core.store import Removed, RequestStore


def github(request_id: int, guid: str, at: float = 0.0) -> CapturedRequest:
    headers = ((b"X-GitHub-Delivery", guid.encode()),)
    return CapturedRequest(request_id, at, "127.0.0.1", "POST", "/hooks", (1, 1), headers, b"")


def plain(request_id: int, at: float = 0.0) -> CapturedRequest:
    return CapturedRequest(request_id, at, "127.0.0.1", "POST", "/hooks", (1, 1), (), b"")


def test_arrivals_are_numbered_and_grouped():
    index = DeliveryIndex()
    for request_id, guid in enumerate(["a", "b", "a", "a"], start=1):
        index.add(github(request_id, guid))
    third = index.of(github(4, "a"))
    assert third is not None
    assert (third.id, third.source, third.provider) == ("a", "X-GitHub-Delivery", "github")
    assert (third.seen, third.first, third.times, third.kept, third.position) == (3, 1, 3, 3, 2)
    assert index.of(github(2, "b")).seen == 1
    assert index.captures_of("a") == (1, 3, 4)
    assert index.captures_of("nope") == ()
    assert index.of(plain(9)) is None
    assert index.arrival(4) == ("a", 3) and index.arrival(9) is None
    assert index.json_of(4) == {"id": "a", "from": "X-GitHub-Delivery", "seen": 3, "first": 1}
    assert index.json_of(9) is None


def test_a_capture_is_read_with_the_arrivals_around_it_and_the_earliest():
    index = DeliveryIndex()
    for request_id in range(1, 31):
        index.add(github(request_id, "a", at=request_id))
    fifteenth = index.of(github(15, "a"), window=8, leading=5)
    assert fifteenth is not None
    assert fifteenth.window == tuple(range(11, 19)) and fifteenth.window_start == 10
    assert fifteenth.leading == (1, 2, 3, 4, 5)
    assert (fifteenth.beside(-1), fifteenth.beside(1)) == (14, 16)
    first, last = index.of(github(1, "a"), window=8), index.of(github(30, "a"), window=8)
    assert first.window == tuple(range(1, 9)) and first.beside(-1) is None
    assert last.window == tuple(range(23, 31)) and last.beside(1) is None
    assert last.beside(-1) == 29


def test_reading_one_arrival_of_a_retry_storm_builds_only_what_is_asked_for():
    # At 20,000 arrivals of one id, a tuple of them all (what the detail and the filter used
    # to get per capture) is 160 KB: the reading must stay far below, whatever k is.
    index = DeliveryIndex()
    storm = [github(n, "a", at=n) for n in range(1, 20_001)]
    for request in storm:
        index.add(request)
    tracemalloc.start()
    try:
        for request in storm[::997]:
            index.of(request, window=8, leading=5)
            index.arrival(request.id)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 16_000


def test_the_index_holds_nothing_the_collector_tracks_per_delivery():
    requests = [github(n, f"id-{n // 2}") for n in range(1, 2_001)]
    index = DeliveryIndex()
    index.add(github(0, "warm-up"))
    gc.collect()
    before = len(gc.get_objects())
    for request in requests:
        index.add(request)
    gc.collect()
    assert len(gc.get_objects()) - before < 20  # not one per delivery (1,000 here)


def test_the_repeat_of_a_capture_is_its_arrival_once_its_delivery_came_again():
    index = DeliveryIndex()
    index.add(github(1, "a"))
    index.add(github(2, "b"))
    assert [index.repeat_of(github(n, g)) for n, g in ((1, "a"), (2, "b"))] == [0, 0]
    index.add(github(3, "a"))
    assert [index.repeat_of(github(n, g)) for n, g in ((1, "a"), (2, "b"), (3, "a"))] == [1, 0, 2]
    index.evicted(github(1, "a"))  # the first arrival gone: the retry stays a second arrival
    assert index.repeat_of(github(3, "a")) == 2
    assert index.repeat_of(plain(9)) == 0


def test_evicted_arrivals_still_count_and_keep_numbers():
    index = DeliveryIndex()
    for request_id in (1, 2):
        index.add(github(request_id, "a"))
    index.evicted(github(1, "a"))
    index.add(github(3, "a"))
    third = index.of(github(3, "a"))
    assert (third.seen, third.first, third.times, third.kept) == (3, 1, 3, 2)
    assert index.captures_of("a") == (2, 3)


def test_a_delivery_with_no_capture_left_is_remembered_up_to_a_limit():
    index = DeliveryIndex(remembered=1)
    index.add(github(1, "a"))
    index.evicted(github(1, "a"))
    index.add(github(2, "a"))
    assert index.of(github(2, "a")).seen == 2  # remembered: a late retry is a retry
    index.evicted(github(2, "a"))
    index.add(github(3, "b"))
    index.evicted(github(3, "b"))  # b's emptying pushes a out
    index.add(github(4, "a"))
    assert index.of(github(4, "a")).seen == 1
    assert len(index) == 2


def test_json_view_is_frozen_and_json_view_of_numbers_what_it_is_given():
    index = DeliveryIndex()
    index.add(github(1, "a"))
    index.add(github(2, "a"))
    whole, some = index.json_view(), index.json_view([github(2, "a")])
    index.evicted(github(1, "a"))
    index.evicted(github(2, "a"))
    assert whole(github(1, "a")) == {"id": "a", "from": "X-GitHub-Delivery", "seen": 1, "first": 1}
    assert whole(github(2, "a"))["seen"] == some(github(2, "a"))["seen"] == 2
    assert some(github(1, "a")) is None  # not asked for
    alone = json_view_of([github(5, "a"), github(6, "a")])
    assert alone(github(6, "a"))["seen"] == 2 and alone(github(6, "a"))["first"] == 5
    # Among themselves, in received order: #8 came first whatever the order given.
    given = json_view_of([github(7, "a", at=5), github(8, "a", at=1)])
    assert given(github(8, "a"))["seen"] == 1 and given(github(7, "a"))["first"] == 8


# -- received order: a loaded file may list a delivery's arrivals otherwise -------------------


def test_a_file_listing_a_delivery_out_of_received_order_is_numbered_by_received_time():
    # File order #1 #2 #3; the provider sent #3 first (16:00), then #1 (+5m), then #2.
    store = RequestStore()
    store.add_loaded([github(1, "a", at=300), github(2, "a", at=430), github(3, "a", at=0)])
    index = store.deliveries
    assert [index.repeat_of(store.get(n)) for n in (1, 2, 3)] == [2, 3, 1]
    assert index.captures_of("a") == (3, 1, 2)
    assert index.json_of(3) == {"id": "a", "from": "X-GitHub-Delivery", "seen": 1, "first": 3}
    assert index.of(store.get(1)).beside(-1) == 3
    assert index.renumbered == 1


def test_a_live_arrival_received_before_the_last_one_takes_its_place():
    # A clock stepped back: the index goes by the time each says it was received.
    index = DeliveryIndex()
    index.add(github(1, "a", at=10))
    index.add(github(2, "a", at=5))
    assert index.captures_of("a") == (2, 1)
    assert (index.arrival(1), index.arrival(2)) == (("a", 2), ("a", 1))


def test_arrivals_received_at_the_same_time_keep_the_order_they_came_in():
    store = RequestStore()
    store.add_loaded([github(1, "a", at=5), github(2, "a", at=5), github(3, "a", at=1)])
    assert store.deliveries.captures_of("a") == (3, 1, 2)


def test_an_earlier_loaded_arrival_renumbers_only_the_kept_ones():
    store = RequestStore(max_requests=3)
    for number in range(1, 5):
        store.add(github(number, "a", at=100 + number))
    # #1 evicted keeps number 1; #2-#4 are 2-4. One received before #2 (but after the gone
    # #1 for all anyone knows) takes 2, and the others move up.
    store.add_loaded([github(5, "a", at=50)])
    index = store.deliveries
    assert index.captures_of("a") == (5, 3, 4)  # #2 evicted by the load itself
    assert [index.arrival(n)[1] for n in (5, 3, 4)] == [2, 4, 5]
    assert index.json_of(5)["first"] == 1  # the first arrival is still the evicted #1


def test_a_long_out_of_order_load_is_put_in_order_once_per_batch():
    # Newest first, 3,000 arrivals of one id in one batch: one sort, not one per capture.
    store = RequestStore()
    store.add_loaded([github(n, "a", at=10_000 - n) for n in range(1, 3_001)])
    index = store.deliveries
    assert index.renumbered == 1
    assert index.captures_of("a")[:3] == (3000, 2999, 2998)
    assert index.arrival(3000) == ("a", 1) and index.arrival(1) == ("a", 3000)


# -- the index against a model, under eviction, delete, undo, clear and loads ----------------


class StoreWithDeliveries(RuleBasedStateMachine):
    """Whatever a user, the caps and loaded files do, each kept capture's delivery is what the
    arrivals say: numbered in received order among the kept, gone ones keeping theirs."""

    def __init__(self) -> None:
        super().__init__()
        self.store = RequestStore(max_requests=5)
        self.guid: dict[int, str | None] = {}
        self.at: dict[int, float] = {}
        self.number: dict[int, int] = {}
        """Capture id -> its arrival number as the model gives it (gone ones included)."""
        self.times: dict[str, int] = {}
        self.undo: list[Removed] = []
        self.clock = 100.0

    def _renumber(self, guid: str, present: set[int]) -> None:
        # Kept arrivals in received order (ties: by number) take the numbers they hold.
        kept = [i for i in present if self.guid[i] == guid]
        ordered = sorted(kept, key=lambda i: (self.at[i], self.number[i]))
        for capture_id, number in zip(ordered, sorted(self.number[i] for i in kept), strict=True):
            self.number[capture_id] = number

    def _capture(self, guid: str | None, at: float) -> CapturedRequest:
        request_id = self.store.next_id()
        request = plain(request_id, at) if guid is None else github(request_id, guid, at)
        self.guid[request_id], self.at[request_id] = guid, at
        if guid is not None:
            self.times[guid] = self.number[request_id] = self.times.get(guid, 0) + 1
        return request

    def _put_in_order(self, guids: set[str | None], present: set[int]) -> None:
        # Before the caps evict: the index orders what it is given, then the store evicts.
        for guid in guids - {None}:
            assert guid is not None
            self._renumber(guid, present)

    @rule(guid=st.sampled_from(["a", "b", "c", None]))
    def arrive(self, guid: str | None) -> None:
        self.clock += 1
        request = self._capture(guid, self.clock)
        present = {r.id for r in self.store} | {request.id}
        self.store.add(request)
        self._put_in_order({guid}, present)

    @rule(
        batch=st.lists(
            st.tuples(st.sampled_from(["a", "b", None]), st.integers(0, 200)), max_size=4
        )
    )
    def load(self, batch: list[tuple[str | None, int]]) -> None:
        # A file's captures, with received times in any order (the live clock starts at 100).
        requests = [self._capture(guid, float(at)) for guid, at in batch]
        present = {r.id for r in self.store} | {r.id for r in requests}
        self.store.add_loaded(requests)
        self._put_in_order({guid for guid, _ in batch}, present)

    @rule(data=st.data())
    def delete_one(self, data: st.DataObject) -> None:
        kept = [r.id for r in self.store]
        if kept:
            removed = self.store.remove(data.draw(st.sampled_from(kept)))
            assert removed is not None
            self.undo.append(removed)

    @rule()
    def delete_all(self) -> None:
        self.undo.append(self.store.remove_all())

    @rule()
    def undo_last(self) -> None:
        if self.undo:
            removed = self.undo.pop()
            present = {r.id for r in self.store} | {r.id for r in removed.requests}
            self.store.restore(removed)
            self._put_in_order({self.guid[r.id] for r in removed.requests}, present)

    @invariant()
    def deliveries_match_the_arrivals(self) -> None:
        index = self.store.deliveries
        kept = [r.id for r in self.store]
        for guid in ("a", "b", "c"):
            same = sorted((i for i in kept if self.guid[i] == guid), key=self.number.__getitem__)
            assert index.captures_of(guid) == tuple(same)
            # Received order and number order agree: what ↻n, "first" and the delays say.
            assert [self.at[i] for i in same] == sorted(self.at[i] for i in same)
        for request in self.store:
            guid = self.guid[request.id]
            delivery = index.of(request)
            if guid is None:
                assert delivery is None and index.json_of(request.id) is None
                assert index.repeat_of(request) == 0 and index.arrival(request.id) is None
                continue
            same = index.captures_of(guid)
            first = next(i for i, n in self.number.items() if n == 1 and self.guid[i] == guid)
            assert delivery is not None
            assert (delivery.id, delivery.seen, delivery.first, delivery.times) == (
                guid,
                self.number[request.id],
                first,
                self.times[guid],
            )
            assert (delivery.kept, delivery.position) == (len(same), same.index(request.id))
            position = same.index(request.id)
            assert delivery.beside(-1) == (same[position - 1] if position else None)
            assert delivery.beside(1) == (same[position + 1] if position + 1 < len(same) else None)
            assert delivery.leading == same[:1]
            assert index.arrival(request.id) == (guid, delivery.seen)
            assert index.json_of(request.id) == {
                "id": guid,
                "from": "X-GitHub-Delivery",
                "seen": delivery.seen,
                "first": first,
            }
            assert index.repeat_of(request) == (delivery.seen if self.times[guid] > 1 else 0)

    @invariant()
    def views_give_each_capture_its_json(self) -> None:
        # --save's hand-over asks a view for many ids at once (of_ids), a capture at a time
        # elsewhere: both, over a span or the whole store, say what json_of says.
        kept = list(self.store)
        assert self.store.span() == kept
        for start, stop in ((1, 3), (0, len(kept)), (len(kept) - 1, len(kept) + 5)):
            assert self.store.span(start, stop) == kept[start:stop]
        index = self.store.deliveries
        expected = [index.json_of(r.id) for r in kept]
        some = kept[1:4]
        for view, those in ((index.json_view(), kept), (index.json_view(some), some)):
            wanted = [index.json_of(r.id) for r in those]
            assert view.of_ids([r.id for r in those]) == [view(r) for r in those] == wanted
        assert index.json_view().of_ids([r.id for r in kept]) == expected


TestStoreWithDeliveries = StoreWithDeliveries.TestCase
TestStoreWithDeliveries.settings = settings(max_examples=200, stateful_step_count=30, deadline=None)


class StoreWithDeliveriesInArrays(StoreWithDeliveries):
    """The same, with every delivery of two or more kept arrivals in an array whose evicted
    front is cut at once (a retry storm's shape, at the state machine's five captures)."""

    def __init__(self) -> None:
        super().__init__()
        self.limits = (delivery_index._SMALL, delivery_index._DEAD_FRONT)
        delivery_index._SMALL, delivery_index._DEAD_FRONT = 1, 0

    def teardown(self) -> None:
        delivery_index._SMALL, delivery_index._DEAD_FRONT = self.limits


TestStoreWithDeliveriesInArrays = StoreWithDeliveriesInArrays.TestCase
TestStoreWithDeliveriesInArrays.settings = TestStoreWithDeliveries.settings
