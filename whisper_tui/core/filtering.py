"""The `/` filter's view of the store: the captures that match, kept current as captures
arrive, are evicted, deleted and put back.

A body that is costly to search (compressed, or big) is never searched on the loop the server
shares: the filtered view leaves it, and what came after it, to a worker's scan
(FilteredView.tail_waits). The language is filter_terms.py's; what a term matches,
filter_match.py's.
"""

from __future__ import annotations

import bisect
from collections.abc import Sequence

from whisper_tui.core.filter_match import Predicate, compile_terms
from whisper_tui.core.filter_terms import parse_filter, tests_bodies
from whisper_tui.core.models import CapturedRequest
from whisper_tui.core.store import Edit, RequestStore
from whisper_tui.core.verdicts import Verdicts

INLINE_TEST_LIMIT = 1_000
"""Captures put back (undo) beyond this are not tested on the loop: the view asks for a
rescan in a worker instead (see FilteredView.needs_rescan)."""
INLINE_BODY_LIMIT = 256 * 1024
"""A body searched on the loop is at most this big and not compressed (a small gzip body may
inflate to BODY_SEARCH_LIMIT: 4 MiB, tens of ms); others are tested in a worker (see
FilteredView.tail_waits), as the detail decodes such bodies in its worker."""


def body_test_is_costly(request: CapturedRequest) -> bool:
    """Searching this body may take more than a moment: compressed, or over the inline limit."""
    body = request.body
    if not body:
        return False
    return len(body) > INLINE_BODY_LIMIT or request.header("content-encoding") is not None


def scan(
    requests: Sequence[CapturedRequest], predicate: Predicate, first_absolute: int
) -> list[int]:
    """Absolute indices of the matching requests (run in a worker thread for big stores)."""
    return [first_absolute + i for i, request in enumerate(requests) if predicate(request)]


class FilteredView:
    """The captures that match a filter, kept current as captures arrive and are evicted.

    Matches are absolute indices (position + evicted-so-far), which never change for a
    capture, so evictions only trim the front and arrivals only append.
    """

    def __init__(
        self,
        store: RequestStore,
        text: str,
        matches: list[int] | None = None,
        scanned_to: int | None = None,
        edits_seen: int | None = None,
        renumbered_seen: int | None = None,
        verdicts: Verdicts | None = None,
    ) -> None:
        """`matches` up to `scanned_to` come from a scan (in a worker) of the store as it
        was when len(store.edits) was `edits_seen` and its delivery index's `renumbered` was
        `renumbered_seen`; edits since are replayed here."""
        self.store = store
        self.text = text
        terms = parse_filter(text, verdicts)  # once: the predicate and repeat: share it
        self.predicate = compile_terms(terms, store.deliveries, verdicts)
        self._matches = matches if matches is not None else []
        self._scanned_to = store.evicted if scanned_to is None else scanned_to
        self._edits_seen = len(store.edits) if edits_seen is None else edits_seen
        numbered = store.deliveries.renumbered
        self._renumbered_seen = numbered if renumbered_seen is None else renumbered_seen
        self._tests_numbers = any(term.field == "repeat" for term in terms)
        """repeat: tests arrival numbers, which a loaded earlier arrival changes."""
        self._tests_bodies = tests_bodies(terms)
        self.needs_rescan = False
        """True when more captures were put back than are tested on the loop (or one whose
        body is costly to search), or when arrivals were numbered again under a repeat:
        term: a worker then scans again."""
        self.rescan_asked = False
        """Set by whoever started that scan, so it is started once."""
        self.tail_waits = False
        """An arrival's body is costly to search (body_test_is_costly): it and every capture
        after it (`scanned_to` on) wait for a worker's `scan` of them, handed back through
        `take_tail`; the loop goes on testing after that. Matches stay in order."""
        self.tail_asked = False
        """Set by whoever started that worker, so it is started once."""
        self.sync()

    @property
    def scanned_to(self) -> int:
        """Captures before this absolute index have been tested."""
        return self._scanned_to

    def take_tail(self, matches: list[int], scanned_to: int, seen: tuple[int, int]) -> None:
        """A worker's scan of the captures from `scanned_to` on, as the store was when its
        edits and renumbering counts were `seen`; stale (an edit or a renumbering since:
        the captures it numbered moved) means the tail is scanned again."""
        self.tail_asked = False
        if seen != (len(self.store.edits), self.store.deliveries.renumbered):
            return  # still waiting: the next tick starts the scan again
        self._matches.extend(matches)
        self._scanned_to = scanned_to
        self.tail_waits = False
        self.sync()  # what arrived while the worker ran

    def sync(self) -> None:
        """Test captures that arrived since the last sync; forget evicted ones."""
        store = self.store
        if self._renumbered_seen != store.deliveries.renumbered:
            self._renumbered_seen = store.deliveries.renumbered
            # Captures already tested may have become a first arrival or a retry.
            self.needs_rescan = self.needs_rescan or self._tests_numbers
        for edit in store.edits[self._edits_seen :]:
            self._apply(edit)
        self._edits_seen = len(store.edits)
        if not self.needs_rescan and not self.tail_waits:  # else a worker scans
            end = store.evicted + len(store)
            start = max(self._scanned_to, store.evicted)
            costly = body_test_is_costly if self._tests_bodies else None
            for absolute in range(start, end):
                request = store[absolute - store.evicted]
                if costly is not None and costly(request):
                    self.tail_waits = True  # never inflated on the loop the server shares
                    end = absolute
                    break
                if self.predicate(request):
                    self._matches.append(absolute)
            self._scanned_to = end
        drop = bisect.bisect_left(self._matches, store.evicted)
        if drop:
            del self._matches[:drop]

    def _apply(self, edit: Edit) -> None:
        """Move the matches past a removal or a restore, as the store moved its captures."""
        first, matches = edit.absolute, self._matches
        if edit.delta > INLINE_TEST_LIMIT:
            self.needs_rescan = True
        if first >= self._scanned_to:
            return  # in the part not scanned yet: the next scan sees the store as it is
        low = bisect.bisect_left(matches, first)
        if edit.delta < 0:
            count = -edit.delta
            high = bisect.bisect_left(matches, first + count)
            matches[low:] = [m - count for m in matches[high:]]
            self._scanned_to = max(self._scanned_to - count, first)
            return
        count = edit.delta
        put_back: list[int] = []
        if not self.needs_rescan and self._tests_bodies:
            restored = (self.store.get(request_id) for request_id in edit.ids)
            if any(r is not None and body_test_is_costly(r) for r in restored):
                self.needs_rescan = True  # searched in the worker's scan, not on the loop
        if not self.needs_rescan:
            for offset, request_id in enumerate(edit.ids):
                request = self.store.get(request_id)
                if request is not None and self.predicate(request):
                    put_back.append(first + offset)
        matches[low:] = put_back + [m + count for m in matches[low:]]
        self._scanned_to += count

    def __len__(self) -> int:
        return len(self._matches)

    def __getitem__(self, position: int) -> CapturedRequest:
        return self.store[self._matches[position] - self.store.evicted]

    def absolute(self, position: int) -> int:
        return self._matches[position]

    def position_of(self, absolute: int) -> int:
        """Position of the match at or after an absolute index (clamped to the last)."""
        return min(bisect.bisect_left(self._matches, absolute), max(len(self._matches) - 1, 0))


class StoreView:
    """Every capture in the store, with the same interface as FilteredView."""

    text = ""

    def __init__(self, store: RequestStore) -> None:
        self.store = store

    def sync(self) -> None:
        """Nothing to catch up: positions read the store directly."""

    def __len__(self) -> int:
        return len(self.store)

    def __getitem__(self, position: int) -> CapturedRequest:
        return self.store[position]

    def absolute(self, position: int) -> int:
        return position + self.store.evicted

    def position_of(self, absolute: int) -> int:
        return max(0, min(absolute - self.store.evicted, len(self.store) - 1))
