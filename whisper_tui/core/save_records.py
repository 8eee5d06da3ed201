"""`--save`'s records of captures, made as they arrive, while they are in the CPU's caches.

Each save hands its captures to the saving process (save_process.py) as their fields
(har_process.CAPTURE_FIELDS), marshalled. Made at the save, two seconds after a flood's
captures arrived, those are long out of the caches: taking the fields of tens of thousands
of captures and marshalling them cost the autosave's thread 2.5-3.5 us a capture, most of it
waiting on memory, and that thread holds the interpreter the capture server needs. Made as
each capture is stored, on the loop, the same bytes cost a fraction of that; the save then
only gathers them.

A capture's fields are fixed once stored, except the answer the sender got: a --respond
rule's, a relayed one, an ack aiohttp changed are set after it is stored (server.py). A record
is made only for a capture with no answer yet and its status final (not NOT_ANSWERED); one
whose answer is set afterwards is made again at the save. Big bodies are left to the save
(their copy costs the same then; held here they would double the memory they take), and so is
everything once the records held reach HELD_BYTES (a save that can't keep up).
"""

from __future__ import annotations

import marshal
import operator
from bisect import bisect_left
from collections.abc import Iterator, Sequence
from itertools import accumulate, repeat
from typing import Any

from whisper_tui.core.har_process import capture_record
from whisper_tui.core.models import NOT_ANSWERED, CapturedRequest

BIGGEST_BODY = 16 << 10
"""A capture with a bigger body gets its record at the save."""

HELD_BYTES = 64 << 20
"""Records held at most, waiting for a save."""

MARSHAL_VERSION = 2
"""Without version 3's references: each record is marshalled alone, so no table of objects
seen is worth building for it (and the saving process loads each alone)."""

_ID = operator.attrgetter("id")
_ANSWER = operator.attrgetter("answer")
_BODY = operator.attrgetter("body")
_PLUS_HEADERS = (512).__add__


class ArrivalRecords:
    """Records made by `made_on_arrival` (a store listener, on the loop), taken by `take`
    (the autosave's thread)."""

    def __init__(self) -> None:
        self._made: dict[int, bytes] = {}
        self._held = 0
        self.active = True
        """False once the saving process is gone: the autosave's thread then writes the
        entries itself, from the captures."""

    def made_on_arrival(self, capture: CapturedRequest) -> None:
        if (
            capture.answer is None
            and capture.answered_status != NOT_ANSWERED
            and len(capture.body) <= BIGGEST_BODY
            and self._held < HELD_BYTES
            and self.active
        ):
            record = marshal.dumps(capture_record(capture), MARSHAL_VERSION)
            self._made[capture.id] = record
            self._held += len(record)

    def take(self, captures: Sequence[CapturedRequest]) -> list[tuple[Any, ...] | bytes]:
        """Each capture's record: the bytes made on arrival (marshalled fields), or its
        fields now. Records of captures no longer stored, older than these, are dropped."""
        made = self._made
        # Passes in C: this thread holds the interpreter the capture server needs.
        items: list[Any] = list(map(made.pop, map(_ID, captures), repeat(None)))
        answers = list(map(_ANSWER, captures))
        if answers.count(None) != len(answers):
            for position, answer in enumerate(answers):
                if answer is not None:
                    items[position] = None  # answered since it arrived: made again
        if None in items:
            for position, item in enumerate(items):
                if item is None:
                    items[position] = capture_record(captures[position])
        if captures and made:
            highest = max(map(_ID, captures))
            # The loop adds records meanwhile: their keys and values are copied in C (a
            # Python loop over the dict itself would see it change size), then looked at.
            keys = list(made)
            if keys and keys[0] <= highest:
                # Evicted or deleted before a save took them (ids grow with arrival).
                for stale in keys:
                    if stale > highest:
                        break
                    made.pop(stale, None)
        # Counted anew rather than by subtracting: the loop adds to it meanwhile.
        self._held = sum(map(len, list(made.values())))
        return items

    def stop(self) -> None:
        """Make no more records, and drop those held."""
        self.active = False
        self._made.clear()
        self._held = 0

    def __len__(self) -> int:
        return len(self._made)


def frame_spans(captures: Sequence[CapturedRequest], most: int) -> Iterator[tuple[int, int]]:
    """(first, end) of each frame the captures are handed over in: `most` bytes of bodies and
    headers at most, or one capture where that alone is more."""
    # Bodies are what grows, headers are few (512 bytes a capture is allowed for them).
    # Summed in C: the autosave's thread holds the interpreter the capture server needs, and
    # under a flood a save has tens of thousands of captures.
    held = list(accumulate(map(_PLUS_HEADERS, map(len, map(_BODY, captures)))))
    first = 0
    while first < len(captures):
        before = held[first - 1] if first else 0
        # The first capture past the frame's bytes ends it (always at least one).
        end = min(max(first + 1, bisect_left(held, before + most, first) + 1), len(captures))
        yield first, end
        first = end


def record_of(item: tuple[Any, ...] | bytes) -> tuple[Any, ...]:
    """A capture's fields from what `take` gave (in the saving process)."""
    return marshal.loads(item) if isinstance(item, bytes) else item
