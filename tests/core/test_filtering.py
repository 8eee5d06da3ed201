"""The filter language and the filtered view kept current across arrivals and evictions."""

from __future__ import annotations

import gzip
import tracemalloc
import zlib

import pytest

from tests.helpers import delivery_request, load_deliveries
from whisper_tui.core import filtering
from whisper_tui.core.filtering import FilteredView, FilterError, compile_filter, scan
from whisper_tui.core.models import CapturedRequest
from whisper_tui.core.store import RequestStore


def make(request_id: int, method="POST", target="/hooks/x", headers=(), body=b"", rejected=False):
    raw = tuple((n.encode(), v.encode()) for n, v in headers)
    return CapturedRequest(
        request_id, 0.0, "127.0.0.1", method, target, (1, 1), raw, body, rejected=rejected
    )


def fixture_requests() -> list[CapturedRequest]:
    return [delivery_request(d, i) for i, d in enumerate(load_deliveries(), start=1)]


def names(requests, text):
    predicate = compile_filter(text)
    return [r.target for r in requests if predicate(r)]


def test_bare_word_matches_path_header_or_body_case_insensitively():
    requests = [
        make(1, target="/hooks/stripe"),
        make(2, headers=[("Stripe-Signature", "t=1")]),
        make(3, body=b'{"source":"STRIPE"}'),
        make(4, target="/hooks/github"),
    ]
    assert [r.id for r in requests if compile_filter("stripe")(r)] == [1, 2, 3]


def test_fields_method_path_glob_status_header_and_type():
    requests = fixture_requests()
    assert names(requests, "path:/hooks/s*") == [
        "/hooks/stripe",
        "/hooks/stripe",
        "/hooks/svix",
        "/hooks/slack",
        "/hooks/shopify",
    ]
    assert names(requests, "header:x-github-event=push") == ["/hooks/github"]
    assert names(requests, "type:xml") == ["/hooks/legacy"]
    assert names(requests, "method:get") == []
    rejected = [make(1, rejected=True, target="/big"), make(2, target="/ok")]
    assert names(rejected, "status:413") == ["/big"]
    assert names(rejected, "status:200") == ["/ok"]


def test_terms_combine_and_negate_and_quote():
    requests = [
        make(1, target="/a", body=b"payment paid"),
        make(2, target="/b", body=b"payment failed"),
        make(3, method="GET", target="/a"),
    ]
    assert [r.id for r in requests if compile_filter("payment -failed")(r)] == [1]
    assert [r.id for r in requests if compile_filter('"payment paid"')(r)] == [1]
    assert [r.id for r in requests if compile_filter("method:POST path:/a")(r)] == [1]


@pytest.mark.parametrize("text", ['"open', "header:", "method:"])
def test_bad_filters_say_what_is_wrong(text):
    with pytest.raises(FilterError):
        compile_filter(text)


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


def compressed(body: bytes, coding: str) -> bytes:
    if coding == "gzip":
        return gzip.compress(body)
    return zlib.compress(body)


@pytest.mark.parametrize("coding", ["gzip", "deflate"])
def test_words_inside_a_compressed_body_are_found(coding):
    body = compressed(b'{"type":"invoice.paid","customer":"Acme Widgets"}', coding)
    request = make(
        1, headers=[("Content-Encoding", coding), ("Content-Type", "application/json")], body=body
    )
    assert compile_filter("acme")(request)
    assert compile_filter("body:invoice.paid")(request)
    assert not compile_filter("refunded")(request)


def test_a_compressed_body_is_searched_only_up_to_the_limit(monkeypatch):
    monkeypatch.setattr(filtering, "BODY_SEARCH_LIMIT", 1000)
    body = gzip.compress(b"a" * 5000 + b"needle")
    request = make(1, headers=[("Content-Encoding", "gzip")], body=body)
    assert not compile_filter("needle")(request)
    assert compile_filter("needle")(
        make(2, headers=[("Content-Encoding", "gzip")], body=gzip.compress(b"a" * 500 + b"needle"))
    )


def test_form_values_match_as_decoded_text():
    form = [("Content-Type", "application/x-www-form-urlencoded")]
    request = make(1, headers=form, body=b"a=hello%20world&b=caf%C3%A9+au+lait")
    assert compile_filter('"hello world"')(request)
    assert compile_filter('body:"café au lait"')(request)
    assert compile_filter("hello%20world")(request)  # as sent still matches
    assert not compile_filter('"hello there"')(request)


def test_query_values_match_as_decoded_text():
    request = make(1, target="/hooks/x?q=hello%20world&name=Zo%C3%AB+B")
    assert compile_filter('"hello world"')(request)
    assert compile_filter('"zoë b"')(request)
    assert compile_filter('path:"hello world"')(request)
    assert compile_filter("path:/hooks/*")(make(2, target="/hooks/a%20b"))


def test_a_body_in_another_charset_is_read_in_it():
    latin = [("Content-Type", "text/plain; charset=iso-8859-1")]
    request = make(1, headers=latin, body="Crème brûlée".encode("latin-1"))
    assert compile_filter("crème")(request)
    assert compile_filter("CRÈME")(request)


def test_an_undecodable_body_is_still_searched_as_sent():
    request = make(1, headers=[("Content-Encoding", "gzip")], body=b"not gzip at all")
    assert compile_filter("gzip")(request)
    assert not compile_filter("absent")(request)


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


def test_a_header_filter_matches_utf8_values_as_the_detail_shows_them():
    request = CapturedRequest(
        1, 0.0, "127.0.0.1", "POST", "/", (1, 1), ((b"X-User", "Zoë Müller".encode()),), b""
    )
    assert compile_filter("header:x-user=zoë")(request)
    assert compile_filter("header:x-user=müller")(request)
    assert not compile_filter("header:x-user=zoe")(request)


# -- deliveries: delivery:<id> and repeat:yes/no ------------------------------------------------

GITHUB_ID = "72d3162e-cc78-11e3-81ab-4c9367dc0958"


def delivery_store() -> RequestStore:
    """Three GitHub arrivals of one delivery, a Stripe event twice, and a capture with no id."""
    store = RequestStore()
    github = [("X-GitHub-Event", "push"), ("X-GitHub-Delivery", GITHUB_ID)]
    stripe_body = b'{"id":"evt_1PzRetry","object":"event","type":"invoice.paid"}'
    stripe = [("Stripe-Signature", "t=1,v1=00"), ("Content-Type", "application/json")]
    for request in [
        make(1, target="/hooks/github", headers=github),
        make(2, target="/hooks/stripe", headers=stripe, body=stripe_body),
        make(3, target="/hooks/github", headers=github),
        make(4, target="/plain"),
        make(5, target="/hooks/stripe", headers=stripe, body=stripe_body),
        make(6, target="/hooks/github", headers=github),
    ]:
        store.add(request)
    return store


def ids_matching(store: RequestStore, text: str) -> list[int]:
    predicate = compile_filter(text, store.deliveries)
    return [r.id for r in store if predicate(r)]


@pytest.mark.parametrize(
    "text",
    ["delivery:72d3", "delivery:72D3162E", f"delivery:{GITHUB_ID}", "delivery:72d3…0958"],
)
def test_delivery_matches_the_providers_id_by_prefix_in_any_case(text):
    assert ids_matching(delivery_store(), text) == [1, 3, 6]


def test_delivery_reads_a_body_id_too_and_globs_and_excludes():
    store = delivery_store()
    assert ids_matching(store, "delivery:evt_1pz") == [2, 5]
    assert ids_matching(store, "delivery:*Retry") == [2, 5]
    assert ids_matching(store, "delivery:0958") == []  # a prefix, not a substring
    assert ids_matching(store, "-delivery:72d3") == [2, 4, 5]


def test_repeat_yes_is_the_retries_and_repeat_no_the_rest():
    store = delivery_store()
    assert ids_matching(store, "repeat:yes") == [3, 5, 6]
    assert ids_matching(store, "repeat:no") == [1, 2, 4]
    assert ids_matching(store, "repeat:YES path:/hooks/github") == [3, 6]


def test_without_a_store_delivery_still_works_and_repeat_says_why_not():
    requests = list(delivery_store())
    assert [r.id for r in requests if compile_filter("delivery:72d3")(r)] == [1, 3, 6]
    with pytest.raises(FilterError, match="repeat: needs"):
        compile_filter("repeat:yes")
    with pytest.raises(FilterError, match="yes or no"):
        compile_filter("repeat:maybe", delivery_store().deliveries)


def test_a_filtered_view_keeps_retries_joining_as_they_arrive():
    store = delivery_store()
    view = FilteredView(store, "repeat:yes delivery:72d3")
    assert [view[i].id for i in range(len(view))] == [3, 6]
    github = [("X-GitHub-Delivery", GITHUB_ID)]
    store.add(make(7, target="/hooks/github", headers=github))
    view.sync()
    assert [view[i].id for i in range(len(view))] == [3, 6, 7]


def github_at(request_id: int, at: float) -> CapturedRequest:
    headers = ((b"X-GitHub-Delivery", GITHUB_ID.encode()),)
    return CapturedRequest(
        request_id, at, "127.0.0.1", "POST", "/hooks/github", (1, 1), headers, b""
    )


def test_repeat_and_delivery_cost_each_capture_the_same_in_a_retry_storm():
    # 20,000 arrivals of one id: testing one must not build anything the size of the storm
    # (a tuple of every arrival is 160 KB; built per capture, the filter was quadratic).
    store = RequestStore()
    for number in range(1, 20_001):
        store.add(github_at(number, float(number)))
    repeat, delivery = (compile_filter(t, store.deliveries) for t in ("repeat:yes", "delivery:72"))
    tracemalloc.start()
    try:
        retries = sum(1 for request in store if repeat(request) and delivery(request))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert retries == 19_999
    assert peak < 16_000


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


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("status:abc", "status:abc: a status is a number, e.g. status:413"),
        ("-status:2xx", "status:2xx: a status is a number"),
        ("foo:bar", "no field 'foo' in 'foo:bar': fields are method, path, status,"),
        ("method:POST Stauts:500", "no field 'Stauts'"),
        ("repeat:maybe", "repeat:maybe: yes or no"),
    ],
)
def test_a_term_that_can_never_match_is_an_error_naming_it_and_what_is_allowed(text, message):
    # They silently matched nothing: a mistyped field read as a bare word, a status no
    # capture can have. The TUI's filter bar, send --only and wait_for all parse here.
    with pytest.raises(FilterError) as raised:
        compile_filter(text, delivery_store().deliveries)
    assert message in str(raised.value)
    assert "\n" not in str(raised.value)


def test_words_with_a_colon_that_are_no_field_still_search():
    # A URL, a time, a word ending in ':' are words, not mistyped fields.
    for text in ("https://example.com/x", "12:30", "note:", "status:413", "body:foo:bar"):
        compile_filter(text)
