"""What a filter term matches: fields, words anywhere, bodies as the detail shows them,
deliveries and retries."""

from __future__ import annotations

import gzip
import tracemalloc
import zlib

import pytest

from tests.helpers import delivery_request, load_deliveries
from whisper_tui.core import filter_match
from whisper_tui.core.filter_match import compile_filter
from whisper_tui.core.filter_terms import FilterError
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
    monkeypatch.setattr(filter_match, "BODY_SEARCH_LIMIT", 1000)
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
