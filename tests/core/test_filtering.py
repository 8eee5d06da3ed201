"""The filter language and the filtered view kept current across arrivals and evictions."""

from __future__ import annotations

import pytest

from tests.helpers import delivery_request, load_deliveries
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
