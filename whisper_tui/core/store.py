"""A bounded, append-only, in-memory store of captures."""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Callable, Iterable, Iterator, KeysView
from dataclasses import dataclass, field
from operator import attrgetter

from whisper_tui.core.collector import untrack as _untrack
from whisper_tui.core.deliveries import Found
from whisper_tui.core.delivery_index import Arrival, DeliveryIndex
from whisper_tui.core.models import Attempt, CapturedRequest
from whisper_tui.core.rejections import Rejections

DEFAULT_MAX_REQUESTS = 100_000
DEFAULT_MAX_BYTES = 512 * 1024 * 1024

Listener = Callable[[CapturedRequest], None]
AttemptListener = Callable[[int], None]

arrival_key: Callable[[CapturedRequest], tuple[float, int]] = attrgetter("received_at", "id")
"""When a capture arrived, as the diff orders two (ui/diff_actions.py): by time, then id (two
captures of one instant arrived in id order)."""


def _descent(earlier: CapturedRequest | None, later: CapturedRequest | None) -> int:
    """1 when two neighbours in the store are out of arrival order, else 0 (or a missing one)."""
    if earlier is None or later is None or earlier.received_at < later.received_at:
        return 0
    return 1 if arrival_key(earlier) > arrival_key(later) else 0


@dataclass(frozen=True, slots=True)
class StoreStats:
    stored: int
    stored_bytes: int
    received: int
    evicted: int
    deleted: int = 0


@dataclass(frozen=True, slots=True)
class Edit:
    """Captures taken out of or put back into the middle of the store.

    Positions after `absolute` move by `delta`; views holding absolute indices (the filter's
    matches, the list's cursor) replay these to stay on their captures. Arrivals and
    evictions are not edits: they never move a kept capture's absolute index.
    """

    absolute: int
    """Absolute index (position + evicted) of the first capture removed or put back."""
    delta: int
    """-n when n captures were removed there, +n when n were put back."""
    ids: tuple[int, ...] = ()
    """The ids put back (for a view to test against its filter); empty for removals."""

    def moved(self, absolute: int) -> int:
        """Where the capture at `absolute` is after this edit (a removed one: where the
        capture after it now is)."""
        first = self.absolute
        if self.delta < 0:
            end = first - self.delta
            return absolute + self.delta if absolute >= end else min(absolute, first)
        return absolute + self.delta if absolute >= first else absolute


@dataclass(frozen=True, slots=True)
class Removed:
    """What remove() or remove_all() took out, enough for restore() to put it back."""

    absolute: int
    requests: tuple[CapturedRequest, ...]
    attempts: dict[int, list[Attempt]]
    arrivals: dict[int, Arrival] = field(default_factory=dict)
    """Their places in their deliveries (DeliveryIndex), which restoring gives back."""


class RequestStore:
    """Keeps the newest captures within a count cap and a byte cap, oldest evicted first.

    Positions (0 = oldest kept) are O(1) to read so a virtual list can draw any row without
    walking the store. Evicting leaves a hole at the front that is compacted in batches, so
    each arrival costs O(1) amortised however many captures are kept.
    """

    def __init__(
        self,
        max_requests: int = DEFAULT_MAX_REQUESTS,
        max_bytes: int = DEFAULT_MAX_BYTES,
        deliveries: DeliveryIndex | None = None,
    ) -> None:
        if max_requests < 1:
            raise ValueError("max_requests must be at least 1")
        self.max_requests = max_requests
        self.max_bytes = max_bytes
        self._items: list[CapturedRequest | None] = []
        self._start = 0
        self._by_id: dict[int, CapturedRequest] = {}
        self._attempts: dict[int, list[Attempt]] = {}
        self._next_id = 1
        self._bytes = 0
        self.received = 0
        self.evicted = 0
        self.deleted = 0
        """Captures the user deleted (and has not restored): kept = received - evicted - this."""
        self.edits: list[Edit] = []
        """Every remove and restore, in order (see Edit); only ever appended to."""
        self.version = 0
        """Bumped on every change; the UI compares it instead of reacting to the list."""
        self._listeners: list[Listener] = []
        self.deliveries = deliveries if deliveries is not None else DeliveryIndex()
        """Captures grouped by the provider's delivery id, kept current with every change."""
        self._attempt_listeners: list[AttemptListener] = []
        self.rejections = Rejections()
        """Requests the HTTP parser refused before they could be captured (never stored)."""
        self.loaded_through = 0
        """The highest id given out when a file's batch was last loaded (add_loaded): a
        capture with a higher id arrived live afterwards. The list counts only those as new."""
        self._descents = 0
        """Neighbours among the kept captures that are out of arrival order (`arrival_key`).
        Live captures are stored as they arrive, so it is 0 unless a file listed them out of
        order, or was loaded after later ones: then positions are arrival order, and
        `latest_before` finds a capture's place by bisection."""

    # -- writing ---------------------------------------------------------------------------

    def next_id(self) -> int:
        """Reserve the id the next capture will carry (the server answers with it)."""
        value = self._next_id
        self._next_id += 1
        return value

    def add(self, request: CapturedRequest) -> None:
        """Keep a capture that just arrived (listeners are told)."""
        self._keep(request)
        # Inlined test of _evict()'s condition: most arrivals evict nothing.
        if len(self._items) - self._start > self.max_requests or self._bytes > self.max_bytes:
            self._evict()
        self.version += 1
        for listener in self._listeners:
            listener(request)

    def add_loaded(
        self, requests: Iterable[CapturedRequest], found: Iterable[Found | None] | None = None
    ) -> None:
        """Keep captures read from a file, in order: no listener is told (they are not
        arrivals), and the version moves once for the batch.

        `found`: each capture's delivery id as `deliveries.find` gives it, when already
        known (--load's reading process finds them)."""
        # A file may list a delivery's arrivals out of received order: the index puts them
        # in order once per batch.
        with self.deliveries.batch():
            if found is None:
                for request in requests:
                    self._keep(request)
            else:
                # _keep's steps inline (this runs 100,000 times in a big --load): a capture with
                # no delivery id, most of them, costs the index nothing.
                add_found = self.deliveries.add_found
                items, by_id = self._items, self._by_id
                before, added = len(items), 0
                last = items[-1] if items else None
                try:
                    for request, its_id in zip(requests, found, strict=True):
                        _untrack(request)
                        if last is not None and last.received_at >= request.received_at:
                            self._descents += _descent(last, request)
                        last = request
                        items.append(request)
                        by_id[request.id] = request
                        added += request.cost
                        if request.id >= self._next_id:
                            self._next_id = request.id + 1
                        if its_id is not None:
                            add_found(request, its_id)
                finally:
                    self._bytes += added
                    self.received += len(items) - before
        self._evict()  # once for the batch: the same captures go, oldest first
        self.loaded_through = self._next_id - 1
        self.version += 1

    def _keep(self, request: CapturedRequest) -> None:
        # Kept captures are hidden from the cyclic garbage collector, as CPython does itself
        # for tuples and dicts that cannot be part of a cycle: a capture holds only ints,
        # strings, bytes and tuples of them (tests/test_server.py checks), so reference
        # counting frees it on eviction. Otherwise every full collection walks them all,
        # with the loop stopped: 31-48 ms at 100,000 captures, 3 ms once untracked.
        _untrack(request)
        items = self._items
        if items and (last := items[-1]) is not None and last.received_at >= request.received_at:
            self._descents += _descent(last, request)  # a clock set back, or a loaded file
        items.append(request)
        self._by_id[request.id] = request
        self._bytes += request.cost
        self.received += 1
        if request.id >= self._next_id:
            self._next_id = request.id + 1
        # Before evicting: a capture that is itself evicted at once still arrived.
        self.deliveries.add(request)

    def _evict(self) -> None:
        # Always keep the newest capture, even if it alone is over the byte cap.
        while len(self) > 1 and (len(self) > self.max_requests or self._bytes > self.max_bytes):
            oldest = self._items[self._start]
            assert oldest is not None
            if self._descents:
                self._descents -= _descent(oldest, self[1])
            self._items[self._start] = None
            self._start += 1
            self._bytes -= oldest.cost
            del self._by_id[oldest.id]
            self._attempts.pop(oldest.id, None)
            self.deliveries.evicted(oldest)
            self.evicted += 1
        if self._start > 4096 and self._start * 2 > len(self._items):
            del self._items[: self._start]
            self._start = 0

    def add_attempt(self, request_id: int, attempt: Attempt) -> None:
        if request_id in self._by_id:
            self._attempts.setdefault(request_id, []).append(attempt)
            self.version += 1
            for listener in self._attempt_listeners:
                listener(request_id)

    def remove(self, request_id: int) -> Removed | None:
        """Take one capture out (None if it is not kept); restore() puts it back."""
        position = self._position_of(request_id)
        if position is None:
            return None
        return self._remove_range(position, position + 1)

    def remove_all(self) -> Removed:
        """Take every kept capture out; restore() puts them all back."""
        return self._remove_range(0, len(self))

    def _remove_range(self, first: int, end: int) -> Removed:
        index = self._start + first
        requests = tuple(r for r in self._items[index : self._start + end] if r is not None)
        if first == 0 and end >= len(self):
            self._descents = 0
        elif self._descents:  # taking captures out of arrival order can't make any
            self._descents += self._descents_if_replaced(first, end, ())
        del self._items[index : self._start + end]
        attempts: dict[int, list[Attempt]] = {}
        for request in requests:
            del self._by_id[request.id]
            self._bytes -= request.cost
            if request.id in self._attempts:
                attempts[request.id] = self._attempts.pop(request.id)
        absolute = first + self.evicted
        self.deleted += len(requests)
        if requests:
            self.edits.append(Edit(absolute, -len(requests)))
        self.version += 1
        return Removed(absolute, requests, attempts, self.deliveries.removed(requests))

    def restore(self, removed: Removed) -> None:
        """Put back what remove()/remove_all() took, where it was (caps still apply)."""
        requests = [r for r in removed.requests if r.id not in self._by_id]
        if not requests:
            return
        # Only arrivals (after it) and evictions (before it) can have happened since, and
        # neither moves an absolute index: the old place is still the right one.
        position = max(0, min(removed.absolute - self.evicted, len(self)))
        index = self._start + position
        self._descents += self._descents_if_replaced(position, position, requests)
        self._items[index:index] = requests
        for request in requests:
            self._by_id[request.id] = request
            self._bytes += request.cost
            if request.id in removed.attempts:
                self._attempts[request.id] = list(removed.attempts[request.id])
        self.deliveries.restored(requests, removed.arrivals)
        self.deleted -= len(requests)
        self.edits.append(
            Edit(position + self.evicted, len(requests), tuple(r.id for r in requests))
        )
        self._evict()
        self.version += 1

    def _descents_if_replaced(
        self, first: int, end: int, requests: tuple[CapturedRequest, ...] | list[CapturedRequest]
    ) -> int:
        """How `_descents` changes when the captures at positions first to end (exclusive)
        are replaced by `requests` (a removal: none; a restore: first == end)."""
        size = len(self)
        before = self[first - 1] if first > 0 else None
        after = self[end] if end < size else None
        old = [before, *self.span(first, end), after]
        new = [before, *requests, after]
        return sum(map(_descent, new, new[1:])) - sum(map(_descent, old, old[1:]))

    def _position_of(self, request_id: int) -> int | None:
        request = self._by_id.get(request_id)
        if request is None:
            return None
        # Ids grow with arrival, so a binary search finds it; a store loaded out of order
        # (a HAR file) falls back to a scan.
        items, start = self._items, self._start
        low, high = start, len(items)
        while low < high:
            middle = (low + high) // 2
            item = items[middle]
            assert item is not None
            if item.id < request_id:
                low = middle + 1
            else:
                high = middle
        if low < len(items) and items[low] is request:
            return low - start
        for index in range(start, len(items)):
            if items[index] is request:
                return index - start
        return None

    def clear(self) -> None:
        """Forget every kept capture (not undoable: see remove_all)."""
        self.remove_all()

    # -- reading ---------------------------------------------------------------------------

    def __len__(self) -> int:
        return len(self._items) - self._start

    def __getitem__(self, position: int) -> CapturedRequest:
        """The capture at a position, 0 being the oldest kept (negative counts from newest)."""
        size = len(self)
        if position < 0:
            position += size
        if not 0 <= position < size:
            raise IndexError(position)
        item = self._items[self._start + position]
        assert item is not None
        return item

    def span(self, start: int = 0, stop: int | None = None) -> list[CapturedRequest]:
        """The captures at positions start to stop (exclusive), oldest first, copied in one
        step: --save takes tens of thousands on the loop under a flood."""
        size = len(self)
        stop = size if stop is None else min(stop, size)
        start = max(start, 0)
        return self._items[self._start + start : self._start + stop]  # type: ignore[return-value]

    def __iter__(self) -> Iterator[CapturedRequest]:
        for index in range(self._start, len(self._items)):
            item = self._items[index]
            if item is not None:
                yield item

    def get(self, request_id: int) -> CapturedRequest | None:
        return self._by_id.get(request_id)

    def latest_before(
        self, request: CapturedRequest, accept: Callable[[CapturedRequest], bool]
    ) -> CapturedRequest | None:
        """The latest capture that arrived before `request` (by `arrival_key`) that `accept`
        takes, or None.

        The store's positions are arrival order unless a file was loaded out of order (see
        `_descents`): then `request`'s place is found by bisection and the captures before it
        are read back from there, only as far as the one taken. Otherwise every capture is
        read (the earlier ones by time alone)."""
        items, start = self._items, self._start
        if not self._descents:
            key = arrival_key(request)
            place = bisect_left(items, key, start, key=arrival_key)  # type: ignore[arg-type]
            for index in range(place - 1, start - 1, -1):
                candidate = items[index]
                assert candidate is not None
                if accept(candidate):
                    return candidate
            return None
        request_at = arrival_key(request)
        latest: CapturedRequest | None = None
        latest_at = (float("-inf"), 0)
        for candidate in self._items[start:]:
            assert candidate is not None
            at = arrival_key(candidate)
            if latest_at < at < request_at and accept(candidate):
                latest, latest_at = candidate, at
        return latest

    def attempts(self, request_id: int) -> list[Attempt]:
        return list(self._attempts.get(request_id, ()))

    def attempted(self) -> KeysView[int]:
        """Ids of the captures with attempts, a live view: `id in` it is a dict lookup, where
        attempts() copies a list for each capture (--save's hand-over asks for every one)."""
        return self._attempts.keys()

    @property
    def stored_bytes(self) -> int:
        return self._bytes

    def stats(self) -> StoreStats:
        return StoreStats(len(self), self._bytes, self.received, self.evicted, self.deleted)

    # -- listening -------------------------------------------------------------------------

    def subscribe(self, listener: Listener) -> None:
        self._listeners.append(listener)

    def unsubscribe(self, listener: Listener) -> None:
        if listener in self._listeners:
            self._listeners.remove(listener)

    def subscribe_attempts(self, listener: AttemptListener) -> None:
        """Call `listener(request_id)` whenever a replay or forward is added to a capture."""
        self._attempt_listeners.append(listener)
