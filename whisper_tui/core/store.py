"""A bounded, append-only, in-memory store of captures."""

from __future__ import annotations

import ctypes
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from whisper_tui.core.models import Attempt, CapturedRequest

DEFAULT_MAX_REQUESTS = 100_000
DEFAULT_MAX_BYTES = 512 * 1024 * 1024

Listener = Callable[[CapturedRequest], None]


def _collector_untrack() -> Callable[[object], None]:
    """CPython's PyObject_GC_UnTrack, or a no-op where there is no such thing (PyPy)."""
    try:
        untrack = ctypes.pythonapi.PyObject_GC_UnTrack
    except (AttributeError, OSError):
        return lambda _: None
    untrack.argtypes = [ctypes.py_object]
    untrack.restype = None
    return untrack


_untrack = _collector_untrack()


@dataclass(frozen=True, slots=True)
class StoreStats:
    stored: int
    stored_bytes: int
    received: int
    evicted: int


class RequestStore:
    """Keeps the newest captures within a count cap and a byte cap, oldest evicted first.

    Positions (0 = oldest kept) are O(1) to read so a virtual list can draw any row without
    walking the store. Evicting leaves a hole at the front that is compacted in batches, so
    each arrival costs O(1) amortised however many captures are kept.
    """

    def __init__(
        self, max_requests: int = DEFAULT_MAX_REQUESTS, max_bytes: int = DEFAULT_MAX_BYTES
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
        self.version = 0
        """Bumped on every change; the UI compares it instead of reacting to the list."""
        self._listeners: list[Listener] = []

    # -- writing ---------------------------------------------------------------------------

    def next_id(self) -> int:
        """Reserve the id the next capture will carry (the server answers with it)."""
        value = self._next_id
        self._next_id += 1
        return value

    def add(self, request: CapturedRequest) -> None:
        # Kept captures are hidden from the cyclic garbage collector, as CPython does itself
        # for tuples and dicts that cannot be part of a cycle: a capture holds only ints,
        # strings, bytes and tuples of them (tests/test_server.py checks), so reference
        # counting frees it on eviction. Otherwise every full collection walks them all,
        # with the loop stopped: 31-48 ms at 100,000 captures, 3 ms once untracked.
        _untrack(request)
        self._items.append(request)
        self._by_id[request.id] = request
        self._bytes += request.cost
        self.received += 1
        if request.id >= self._next_id:
            self._next_id = request.id + 1
        self._evict()
        self.version += 1
        for listener in self._listeners:
            listener(request)

    def _evict(self) -> None:
        # Always keep the newest capture, even if it alone is over the byte cap.
        while len(self) > 1 and (len(self) > self.max_requests or self._bytes > self.max_bytes):
            oldest = self._items[self._start]
            assert oldest is not None
            self._items[self._start] = None
            self._start += 1
            self._bytes -= oldest.cost
            del self._by_id[oldest.id]
            self._attempts.pop(oldest.id, None)
            self.evicted += 1
        if self._start > 4096 and self._start * 2 > len(self._items):
            del self._items[: self._start]
            self._start = 0

    def add_attempt(self, request_id: int, attempt: Attempt) -> None:
        if request_id in self._by_id:
            self._attempts.setdefault(request_id, []).append(attempt)
            self.version += 1

    def clear(self) -> None:
        self._items.clear()
        self._start = 0
        self._by_id.clear()
        self._attempts.clear()
        self._bytes = 0
        self.version += 1

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

    def __iter__(self) -> Iterator[CapturedRequest]:
        for index in range(self._start, len(self._items)):
            item = self._items[index]
            if item is not None:
                yield item

    def get(self, request_id: int) -> CapturedRequest | None:
        return self._by_id.get(request_id)

    def attempts(self, request_id: int) -> list[Attempt]:
        return list(self._attempts.get(request_id, ()))

    @property
    def stored_bytes(self) -> int:
        return self._bytes

    def stats(self) -> StoreStats:
        return StoreStats(len(self), self._bytes, self.received, self.evicted)

    # -- listening -------------------------------------------------------------------------

    def subscribe(self, listener: Listener) -> None:
        self._listeners.append(listener)

    def unsubscribe(self, listener: Listener) -> None:
        if listener in self._listeners:
            self._listeners.remove(listener)
