"""The store's captures grouped by delivery id: which arrival each is, and the others around it.

`DeliveryIndex` is kept by the store (it tells it of every arrival, eviction, removal and
restore). What a reader asks of a capture (its delivery, its arrival number, how many arrivals
are kept and the few around it) costs O(log k) for a delivery that came k times, never O(k):
in a retry storm of one id, each redraw of the detail and each capture the filter tests would
otherwise cost as much as all the arrivals before it.

Arrivals are in the order they were received (`received_at`), which is the order they came in
live. A loaded file may list them otherwise (a browser's export, files joined, a HAR written
newest first); then the arrivals of a delivery are put in received-time order and numbered
again among the kept ones, so `↻1` is the one the provider sent first, as "first" and the
delays in the detail say: a user reads `↻2` as "the first retry", and file order says nothing
of when the provider retried.
"""

from __future__ import annotations

import math
from array import array
from bisect import bisect_left
from collections.abc import Callable, Container, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from itertools import pairwise
from typing import TypeAlias

from whisper_tui.core.collector import untrack
from whisper_tui.core.deliveries import DeliveryJson, Found, find
from whisper_tui.core.models import CapturedRequest

_FEW = 5_000
"""Up to this many captures, json_view takes theirs; beyond, it copies the index's dicts."""

DEFAULT_REMEMBERED = 100_000
"""Deliveries remembered after their last capture left the store (evicted or deleted), so a
late retry still counts as one; the oldest such are forgotten first."""

_DEAD_FRONT = 64
"""Arrivals evicted from the front of a delivery's arrays are only skipped (`_front`) until
there are more than this many and more than are kept: then they are cut, so an eviction costs
O(1) amortised instead of moving every later arrival."""

_ONE_BY_ONE = 8
"""Up to this many arrivals of one delivery deleted at once are taken out one by one; more
(a delete-all) rebuild its arrays once."""

Arrival = tuple[str, str, str, int, int]
"""A deleted capture's place in its delivery, for restoring it: (id, source, provider, first
capture id, which arrival it was)."""


@dataclass(frozen=True, slots=True)
class Delivery:
    """One capture seen as an arrival of a delivery, with the kept arrivals around it."""

    id: str
    source: str
    seen: int
    """Which arrival this capture is: 1 the first, 2 the first retry... in received order.
    Never renumbered when others are deleted or evicted (only when a loaded file puts an
    earlier-received arrival among the kept ones)."""
    first: int
    """Capture id of the delivery's first arrival (which may be gone from the store)."""
    times: int
    """How many times it arrived in all (deleted and evicted arrivals included)."""
    provider: str
    kept: int
    """How many of its arrivals are still in the store."""
    position: int
    """This capture's place among the kept arrivals (0: the earliest received)."""
    window: tuple[int, ...]
    """Capture ids of the kept arrivals around this one, in arrival order (as many as asked
    for, this one included)."""
    window_start: int
    """The place among the kept arrivals of `window[0]`."""
    leading: tuple[int, ...]
    """Capture ids of the earliest kept arrivals (as many as asked for)."""

    def beside(self, step: int) -> int | None:
        """The kept arrival just before (-1) or after (1) this one, if any (a window of 3 or
        more always holds both)."""
        at = self.position - self.window_start + step
        return self.window[at] if 0 <= at < len(self.window) else None


_SMALL = 16
"""A delivery's kept arrivals are a tuple up to this many (made in tens of nanoseconds, and
CPython itself hides a tuple of ints from the collector), an array beyond (appended to and
cut in place, but a microsecond to make and hide)."""

Arrivals: TypeAlias = "tuple[int, ...] | array[int]"  # array[int]: a type only from 3.12
"""Capture ids of a delivery's kept arrivals, in arrival order."""


def _arrivals(capture_ids: Sequence[int]) -> Arrivals:
    if len(capture_ids) <= _SMALL:
        return tuple(capture_ids)
    # An array of numbers can't point back to anything: hidden from the collector.
    made = array("q", capture_ids)
    untrack(made)
    return made


class DeliveryIndex:
    """Delivery id -> its captures, kept current by the store.

    A capture's arrival number is fixed when it arrives (unless a loaded file puts an earlier
    received arrival before it). A delivery whose captures have all left the store is
    remembered (up to `remembered` of them, oldest forgotten first) so that a late retry is
    still counted as one.

    Everything is held in dicts of strings, ints, floats and tuples of them, and arrays of
    numbers, keyed by delivery id or capture id: nothing here is tracked by the garbage
    collector (a full collection walks every tracked object with the loop stopped).
    """

    def __init__(self, remembered: int = DEFAULT_REMEMBERED) -> None:
        self.remembered = remembered
        self._about: dict[str, tuple[str, str, int]] = {}
        """Delivery id -> (source, provider, capture id of its first arrival)."""
        self._times: dict[str, int] = {}
        self._kept: dict[str, Arrivals] = {}
        """Delivery id -> capture ids of its arrivals still in the store (from `_front` on),
        in arrival order, their numbers increasing along it. Absent while the delivery is only
        remembered."""
        self._front: dict[str, int] = {}
        """Delivery id -> how many of its array's first ids were evicted (absent: none;
        a tuple never has any)."""
        self._idle: dict[str, None] = {}
        """Delivery ids with no capture in the store, least recently emptied first."""
        self._delivery_of: dict[int, str] = {}
        self._seen: dict[int, int] = {}
        """Capture id -> which arrival of its delivery it is."""
        self._received: dict[int, float] = {}
        """Capture id -> when it was received: arrival order."""
        self._unsettled: set[str] | None = None
        """Inside `batch()`: deliveries whose new arrivals are not in received order yet."""
        self.most_arrivals = 0
        """The most arrivals any delivery had this session (never lowered: the list's repeat
        column is as wide as the widest marker it may have drawn)."""
        self.renumbered = 0
        """Bumped whenever kept arrivals are numbered again (a loaded earlier arrival): what
        tested arrival numbers before (the filter's repeat:) must test them again."""

    # -- kept current by the store -----------------------------------------------------------

    def add(self, request: CapturedRequest) -> None:
        """A capture arrived (or was loaded): number it within its delivery."""
        found = find(request)
        if found is not None:
            self.add_found(request, found)

    def add_found(self, request: CapturedRequest, found: Found | None) -> None:
        """As `add`, with the capture's `find` already known (--load's reading process
        finds them on its own core)."""
        if found is None:
            return
        value = found[0]
        if value not in self._times:
            self._about[value] = (found[1], found[2], request.id)
            self._times[value] = 0
        number = self._times[value] = self._times[value] + 1
        self.most_arrivals = max(self.most_arrivals, number)
        capture_id = request.id
        received = self._received[capture_id] = request.received_at
        self._delivery_of[capture_id] = value
        self._seen[capture_id] = number
        # _keep's steps inline (every capture with an id comes here).
        kept = self._kept.get(value)
        if kept is None:
            self._kept[value] = (capture_id,)
            self._idle.pop(value, None)
            return
        last = self._received[kept[-1]]
        if isinstance(kept, tuple):
            self._kept[value] = _arrivals((*kept, capture_id))
        else:
            kept.append(capture_id)
        if last > received:
            if self._unsettled is not None:
                self._unsettled.add(value)
            else:
                self._settle(value)

    def _keep(self, value: str, capture_id: int) -> float:
        """File a capture as its delivery's latest arrival; returns when the one before it
        was received (-inf: none kept)."""
        kept = self._kept.get(value)
        if kept is None:
            self._kept[value] = (capture_id,)
            self._idle.pop(value, None)
            return -math.inf
        last = self._received[kept[-1]]
        if isinstance(kept, tuple):
            self._kept[value] = _arrivals((*kept, capture_id))
        else:
            kept.append(capture_id)
        return last

    @contextmanager
    def batch(self) -> Iterator[None]:
        """Captures added inside are put in received order once, at the end (a loaded batch:
        a file listed newest first would otherwise re-sort its delivery at every capture)."""
        self._unsettled = set()
        try:
            yield
        finally:
            unsettled, self._unsettled = self._unsettled, None
            for value in unsettled:
                if value in self._kept:
                    self._settle(value)

    def evicted(self, request: CapturedRequest) -> None:
        """A capture left the store for good."""
        value = self._delivery_of.get(request.id)
        if value is not None:
            self._leave(value, request.id)
            del self._delivery_of[request.id], self._seen[request.id]
            del self._received[request.id]

    def removed(self, requests: tuple[CapturedRequest, ...]) -> dict[int, Arrival]:
        """Captures the user deleted; what `restored` needs to put them back is returned."""
        taken: dict[int, Arrival] = {}
        gone: dict[str, list[int]] = {}
        for request in requests:
            value = self._delivery_of.get(request.id)
            if value is not None:
                taken[request.id] = (value, *self._about[value], self._seen[request.id])
                gone.setdefault(value, []).append(request.id)
        for value, capture_ids in gone.items():
            if len(capture_ids) <= _ONE_BY_ONE:
                for capture_id in capture_ids:
                    self._leave(value, capture_id)
            else:
                kept, front = self._kept[value], self._front.get(value, 0)
                leaving = set(capture_ids)
                self._rebuild(value, [i for i in kept[front:] if i not in leaving])
        for capture_id in taken:
            del self._delivery_of[capture_id], self._seen[capture_id]
            del self._received[capture_id]
        return taken

    def restored(self, requests: list[CapturedRequest], taken: dict[int, Arrival]) -> None:
        """Deleted captures put back: they keep the arrival numbers they had (unless a loaded
        earlier arrival renumbered their delivery meanwhile: then it is put in order again)."""
        touched: set[str] = set()
        for request in requests:
            arrival = taken.get(request.id)
            if arrival is None:
                continue
            value, source, provider, first, number = arrival
            if value not in self._times:
                # Forgotten while deleted: remembered again from what the deletion kept.
                self._about[value] = (source, provider, first)
                self._times[value] = number
            self._times[value] = max(self._times[value], number)
            self._delivery_of[request.id] = value
            self._seen[request.id] = number
            self._received[request.id] = request.received_at
            self._keep(value, request.id)
            touched.add(value)
        seen, received = self._seen, self._received
        for value in touched:
            # Put back in the middle: reorder by number (rare, a user's undo).
            kept = self._kept[value][self._front.get(value, 0) :]
            self._rebuild(value, sorted(kept, key=seen.__getitem__))
            kept = self._kept[value]
            if any(received[a] > received[b] for a, b in pairwise(kept)):
                # A loaded earlier arrival renumbered the others while these were deleted.
                self._settle(value)

    def _settle(self, value: str) -> None:
        """Put a delivery's kept arrivals in received order and give them their numbers again
        in that order (the numbers they hold, so evicted and deleted ones keep theirs)."""
        seen = self._seen
        kept = self._kept[value][self._front.get(value, 0) :]
        numbers = sorted(seen[capture_id] for capture_id in kept)
        # Stable: arrivals received at the same time stay in the order they were added.
        self._rebuild(value, sorted(kept, key=self._received.__getitem__))
        ordered = self._kept[value]
        for capture_id, number in zip(ordered, numbers, strict=True):
            seen[capture_id] = number
        if numbers[0] == 1:
            source, provider, _ = self._about[value]
            self._about[value] = (source, provider, ordered[0])
        self.renumbered += 1

    def _rebuild(self, value: str, capture_ids: Sequence[int]) -> None:
        """The delivery's kept arrivals are now `capture_ids`, in that order."""
        self._front.pop(value, None)
        if capture_ids:
            self._kept[value] = _arrivals(capture_ids)
        else:
            del self._kept[value]
            self._emptied(value)

    def _place(self, kept: Arrivals, front: int, capture_id: int) -> int:
        """Where a kept capture is in its delivery's array: O(log k), as numbers increase
        along it (each arrival gets a number no other ever had; renumbering only permutes
        the kept ones' numbers)."""
        seen = self._seen
        return bisect_left(kept, seen[capture_id], front, key=seen.__getitem__)

    def _leave(self, value: str, capture_id: int) -> None:
        kept = self._kept[value]
        if isinstance(kept, tuple):
            if len(kept) == 1:
                del self._kept[value]
                self._emptied(value)
            elif kept[0] == capture_id:  # evicted: the oldest goes first
                self._kept[value] = kept[1:]
            else:
                self._kept[value] = tuple(i for i in kept if i != capture_id)
            return
        front = self._front.get(value, 0)
        if kept[front] != capture_id:  # deleted, or evicted out of arrival order (a load)
            del kept[self._place(kept, front, capture_id)]
            return
        front += 1
        if front == len(kept):
            del self._kept[value]
            self._front.pop(value, None)
            self._emptied(value)
        elif front > _DEAD_FRONT and front * 2 > len(kept):
            del kept[:front]
            self._front.pop(value, None)
        else:
            self._front[value] = front

    def _emptied(self, value: str) -> None:
        self._idle[value] = None
        while len(self._idle) > self.remembered:
            oldest = next(iter(self._idle))
            del self._idle[oldest], self._about[oldest], self._times[oldest]

    # -- reading -----------------------------------------------------------------------------

    def of(self, request: CapturedRequest, window: int = 3, leading: int = 1) -> Delivery | None:
        """The delivery a kept capture is an arrival of (None when it carries no id), with
        `window` kept arrivals around it and the `leading` earliest: O(log k + what is asked)."""
        value = self._delivery_of.get(request.id)
        if value is None:
            return None
        source, provider, first = self._about[value]
        kept, front = self._kept[value], self._front.get(value, 0)
        count = len(kept) - front
        position = self._place(kept, front, request.id) - front
        start = max(0, min(position - window // 2, count - window))
        return Delivery(
            value,
            source,
            self._seen[request.id],
            first,
            self._times[value],
            provider,
            count,
            position,
            tuple(kept[front + start : front + start + window]),
            start,
            tuple(kept[front : front + leading]),
        )

    def arrival(self, capture_id: int) -> tuple[str, int] | None:
        """(delivery id, which arrival) of a kept capture, None without an id: O(1), what the
        filter's delivery: and repeat: terms test on every capture."""
        value = self._delivery_of.get(capture_id)
        return None if value is None else (value, self._seen[capture_id])

    def json_view(self, requests: Sequence[CapturedRequest] | None = None) -> DeliveryView:
        """A frozen view for writing in another thread (HAR autosave): capture -> its
        `json_of`, as the index stands now.

        With a few `requests` (what an appending save writes) only theirs are taken; otherwise
        the index's dicts are copied (about 8 ms at 100,000 captures, a fifth of building every
        object here).
        """
        if requests is not None and len(requests) <= _FEW:
            taken = {r.id: self.json_of(r.id) for r in requests}
            return DeliveryView(taken.get, taken)
        copy = DeliveryIndex(self.remembered)
        copy._delivery_of, copy._seen = dict(self._delivery_of), dict(self._seen)
        copy._about = dict(self._about)
        return DeliveryView(copy.json_of, copy._delivery_of)

    def json_of(self, capture_id: int) -> DeliveryJson | None:
        """The capture's delivery as headless `--json` lines and HAR's `_whisper` write it
        (None: null), in O(1): headless asks for every capture."""
        value = self._delivery_of.get(capture_id)
        if value is None:
            return None
        source, _, first = self._about[value]
        return {"id": value, "from": source, "seen": self._seen[capture_id], "first": first}

    def captures_of(self, delivery_id: str) -> tuple[int, ...]:
        """Capture ids of a delivery still in the store, in arrival order (empty if none):
        O(k), for tests and tools, not for anything drawn."""
        kept = self._kept.get(delivery_id, ())
        return tuple(kept[self._front.get(delivery_id, 0) :])

    def repeat_of(self, request: CapturedRequest) -> int:
        """Which arrival of its delivery a kept capture is (1 the first, 2 the first retry...)
        when the delivery came more than once; 0 when it came once or carries no id.

        The list's repeat marker, asked for every row drawn: two lookups and nothing built.
        """
        value = self._delivery_of.get(request.id)
        if value is None or self._times[value] < 2:
            return 0
        return self._seen[request.id]

    def __len__(self) -> int:
        """Deliveries known (with a capture kept, or remembered)."""
        return len(self._times)


class DeliveryView:
    """What json_view returns: called with a capture, its delivery's JSON (or None)."""

    __slots__ = ("_has", "_json_of")

    def __init__(self, json_of: Callable[[int], DeliveryJson | None], has: Container[int]) -> None:
        self._json_of = json_of
        self._has = has
        """Ids that may have a delivery: the others are None without a call."""

    def __call__(self, request: CapturedRequest) -> DeliveryJson | None:
        return self._json_of(request.id)

    def of_ids(self, ids: Iterable[int]) -> list[DeliveryJson | None]:
        """Each id's, in order: --save's hand-over asks for tens of thousands under a flood,
        nearly all None (a load test's requests carry no delivery id)."""
        json_of, has = self._json_of, self._has
        return [json_of(i) if i in has else None for i in ids]


def json_view_of(requests: Iterable[CapturedRequest]) -> DeliveryView:
    """Deliveries among these captures alone, numbered among them in received order (an
    export made without the store's index, or a HAR loaded elsewhere)."""
    index = DeliveryIndex()
    with index.batch():
        for request in requests:
            index.add(request)
    return index.json_view()
