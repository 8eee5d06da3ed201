"""The filtered view kept current across arrivals, evictions, deletes and undos; costly bodies
left to a worker's scan."""

from __future__ import annotations

import gzip

from tests.core.test_filter_match import GITHUB_ID, delivery_store, github_at, make
from whisper_tui.core import filtering
from whisper_tui.core.filter_match import compile_filter
from whisper_tui.core.filtering import FilteredView, scan
from whisper_tui.core.models import CapturedRequest
from whisper_tui.core.store import RequestStore


def test_filtered_view_follows_arrivals_and_evictions():
    store = RequestStore(max_requests=5)
    for i in range(1, 5):
        store.add(make(i, target=f"/even/{i}" if i % 2 == 0 else f"/odd/{i}"))
    matches = scan(list(store), compile_filter("even"), store.evicted)
    view = FilteredView(store, "even", matches, store.evicted + len(store))
    assert [r.id for r in (view[i] for i in range(len(view)))] == [2, 4]
    for i in range(5, 9):
        store.add(make(i, target=f"/even/{i}" if i % 2 == 0 else f"/odd/{i}"))
    view.sync()
    # Store keeps 4..8; the view keeps the even ones among them.
    assert [view[i].id for i in range(len(view))] == [4, 6, 8]
    assert view.position_of(view.absolute(1)) == 1


def filtered_ids(view) -> list[int]:
    return [view[i].id for i in range(len(view))]


def test_filtered_view_follows_deletes_and_undos():
    store = RequestStore()
    for i in range(1, 9):
        store.add(make(i, target=f"/even/{i}" if i % 2 == 0 else f"/odd/{i}"))
    view = FilteredView(store, "even")
    assert filtered_ids(view) == [2, 4, 6, 8]
    one = store.remove(4)
    odd = store.remove(5)
    view.sync()
    assert filtered_ids(view) == [2, 6, 8]
    store.restore(odd)
    store.restore(one)
    store.add(make(10, target="/even/10"))
    view.sync()
    assert filtered_ids(view) == [2, 4, 6, 8, 10]
    everything = store.remove_all()
    view.sync()
    assert filtered_ids(view) == []
    store.add(make(12, target="/even/12"))
    store.restore(everything)
    view.sync()
    assert filtered_ids(view) == [2, 4, 6, 8, 10, 12]
    assert view.position_of(view.absolute(3)) == 3


def test_a_scan_taken_before_a_delete_is_corrected_when_shown():
    store = RequestStore()
    for i in range(1, 7):
        store.add(make(i, target=f"/even/{i}" if i % 2 == 0 else f"/odd/{i}"))
    # The worker scans a snapshot; meanwhile the user deletes #2.
    snapshot, first, edits = list(store), store.evicted, len(store.edits)
    matches = scan(snapshot, compile_filter("even"), first)
    store.remove(2)
    view = FilteredView(store, "even", matches, first + len(snapshot), edits)
    assert filtered_ids(view) == [4, 6]


def test_putting_back_many_asks_for_a_rescan_instead_of_testing_them_on_the_loop(monkeypatch):
    monkeypatch.setattr(filtering, "INLINE_TEST_LIMIT", 3)
    store = RequestStore()
    for i in range(1, 6):
        store.add(make(i, target="/even"))
    view = FilteredView(store, "even")
    store.restore(store.remove_all())
    calls = []
    view.predicate = lambda request: calls.append(request) or True
    view.sync()
    assert view.needs_rescan
    assert calls == []  # none tested on the loop: the app rescans in its worker


def zipped(request_id: int, text: bytes) -> CapturedRequest:
    headers = [("Content-Encoding", "gzip")]
    return make(request_id, target=f"/z/{request_id}", headers=headers, body=gzip.compress(text))


def test_an_arrival_costly_to_search_waits_for_a_worker_and_the_ones_after_it_too():
    # A small gzip body may inflate to 4 MiB (tens of ms), a big one is long to lower and
    # search: neither is searched on the loop the server shares. Later arrivals wait behind
    # it so matches stay in arrival order.
    store = RequestStore()
    store.add(make(1, target="/even/1"))
    view = FilteredView(store, "even")
    store.add(zipped(2, b'{"n": "even"}'))
    store.add(make(3, target="/even/3"))
    store.add(make(4, body=b"x" * (filtering.INLINE_BODY_LIMIT + 1)))
    predicate, tested = view.predicate, []
    view.predicate = lambda request: tested.append(request.id) or predicate(request)
    view.sync()
    assert tested == [] and view.tail_waits and filtered_ids(view) == [1]
    # What the app's worker does: scan from scanned_to on, hand the matches back.
    seen = (len(store.edits), store.deliveries.renumbered)
    tail = list(store)[view.scanned_to - store.evicted :]
    view.take_tail(scan(tail, predicate, view.scanned_to), view.scanned_to + len(tail), seen)
    assert filtered_ids(view) == [1, 2, 3] and not view.tail_waits
    store.add(make(5, target="/even/5"))
    view.sync()  # on the loop again
    assert filtered_ids(view) == [1, 2, 3, 5] and tested == [5]
    # A filter that reads no body tests such a capture at once.
    by_path = FilteredView(store, "path:/z/*")
    assert filtered_ids(by_path) == [2] and not by_path.tail_waits


def test_a_tail_scanned_before_a_delete_is_scanned_again():
    store = RequestStore()
    view = FilteredView(store, "even")
    store.add(zipped(1, b"even"))
    store.add(make(2, target="/even/2"))
    view.sync()
    seen = (len(store.edits), store.deliveries.renumbered)
    tail = list(store)
    matches = scan(tail, view.predicate, view.scanned_to)
    store.remove(1)  # meanwhile: #2 moved to where #1 was
    view.sync()
    view.take_tail(matches, view.scanned_to + len(tail), seen)
    assert view.tail_waits and not view.tail_asked  # the app asks again at its next tick
    seen = (len(store.edits), store.deliveries.renumbered)
    tail = list(store)[view.scanned_to - store.evicted :]
    view.take_tail(scan(tail, view.predicate, view.scanned_to), view.scanned_to + 1, seen)
    assert filtered_ids(view) == [2]


def test_putting_back_a_body_costly_to_search_asks_for_a_rescan_off_the_loop():
    store = RequestStore()
    store.add(zipped(1, b"even"))
    store.add(make(2, target="/even/2"))
    matches = scan(list(store), compile_filter("even"), store.evicted)  # the app's worker
    view = FilteredView(store, "even", matches, store.evicted + len(store))
    assert filtered_ids(view) == [1, 2]
    gone = store.remove(1)
    view.sync()
    store.restore(gone)  # u: put back before #2, which was tested already
    view.sync()
    assert view.needs_rescan


# -- deliveries: delivery:<id> and repeat:yes/no ------------------------------------------------


def test_a_filtered_view_keeps_retries_joining_as_they_arrive():
    store = delivery_store()
    view = FilteredView(store, "repeat:yes delivery:72d3")
    assert [view[i].id for i in range(len(view))] == [3, 6]
    github = [("X-GitHub-Delivery", GITHUB_ID)]
    store.add(make(7, target="/hooks/github", headers=github))
    view.sync()
    assert [view[i].id for i in range(len(view))] == [3, 6, 7]


def test_a_repeat_view_scans_again_when_a_loaded_earlier_arrival_renumbers_the_others():
    store = RequestStore()
    store.add(github_at(1, 100.0))
    store.add(github_at(2, 200.0))
    view = FilteredView(store, "repeat:yes")
    assert [view[i].id for i in range(len(view))] == [2] and not view.needs_rescan
    # A file holds an arrival received before both: #1 becomes a retry (↻2), which the
    # matches tested before can't know; the view asks for a scan.
    store.add_loaded([github_at(3, 50.0)])
    view.sync()
    assert view.needs_rescan
    rescanned = FilteredView(
        store,
        "repeat:yes",
        scan(list(store), view.predicate, store.evicted),
        store.evicted + len(store),
        len(store.edits),
        store.deliveries.renumbered,
    )
    assert [rescanned[i].id for i in range(len(rescanned))] == [1, 2]
    assert not rescanned.needs_rescan
    # A filter without repeat: keeps its matches: numbers are not what it tests.
    other = FilteredView(store, "delivery:72d3")
    store.add_loaded([github_at(4, 10.0)])
    other.sync()
    assert not other.needs_rescan and len(other) == 4
