"""provider: and sig: in the / filter: the scheme detected and the verdict, as the list's
marker shows it, judged with the secrets where the filter runs."""

from __future__ import annotations

import hashlib
import hmac

import pytest

from whisper_tui.core.filter_match import compile_filter
from whisper_tui.core.filter_terms import FilterError, parse_filter
from whisper_tui.core.filtering import FilteredView
from whisper_tui.core.models import CapturedRequest
from whisper_tui.core.signatures import SignatureSettings
from whisper_tui.core.store import RequestStore
from whisper_tui.core.verdicts import Verdicts

GITHUB_SECRET = "It's a Secret to Everybody"
AT = 1_764_000_000.0


def capture(request_id: int, headers: list[tuple[str, str]], body: bytes) -> CapturedRequest:
    raw = tuple((n.encode(), v.encode()) for n, v in headers)
    return CapturedRequest(request_id, AT, "127.0.0.1", "POST", "/hooks", (1, 1), raw, body)


def github(request_id: int, body: bytes, secret: str = GITHUB_SECRET) -> CapturedRequest:
    mac = hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    return capture(request_id, [("X-Hub-Signature-256", f"sha256={mac}")], body)


def stripe(request_id: int, body: bytes) -> CapturedRequest:
    mac = hmac.new(b"whsec_unknown", f"{int(AT)}.".encode() + body, hashlib.sha256).hexdigest()
    return capture(request_id, [("Stripe-Signature", f"t={int(AT)},v1={mac}")], body)


def standard(request_id: int) -> CapturedRequest:
    headers = [
        ("webhook-id", "msg_1"),
        ("webhook-timestamp", str(int(AT))),
        ("webhook-signature", "v1,AAAA"),
    ]
    return capture(request_id, headers, b"{}")


CAPTURES = [
    github(1, b'{"zen": "ok"}'),  # verified
    github(2, b'{"zen": "forged"}', secret="another"),  # failed
    stripe(3, b'{"id": "evt_1"}'),  # signed, no stripe secret: unchecked
    capture(4, [("Content-Type", "application/json")], b"{}"),  # unsigned
    standard(5),  # unchecked
]
WITH_GITHUB = Verdicts(SignatureSettings(secrets={"github": GITHUB_SECRET}))


def ids(text: str, verdicts: Verdicts | None = WITH_GITHUB) -> list[int]:
    predicate = compile_filter(text, verdicts=verdicts)
    return [c.id for c in CAPTURES if predicate(c)]


def test_provider_selects_by_the_scheme_the_headers_name():
    assert ids("provider:github") == [1, 2]
    assert ids("provider:Stripe") == [3]
    assert ids("provider:standard") == ids("provider:svix") == [5]  # svix: standard's alias
    assert ids("-provider:github") == [3, 4, 5]
    assert ids("provider:slack") == []


def test_sig_selects_as_the_list_marker_reads():
    assert [WITH_GITHUB.marker(c) for c in CAPTURES] == ["✓", "✗", "?", "", "?"]
    assert ids("sig:verified") == [1]
    assert ids("sig:failed") == [2]
    assert ids("sig:unchecked") == [3, 5]
    assert ids("sig:none") == [4]
    assert ids("-sig:verified provider:github") == [2]
    assert ids("SIG:Failed") == [2]


def test_sig_takes_the_json_status_of_an_unchecked_signature_as_the_same_term():
    # One state had three names: --json "no-secret", the detail's "not checked", the filter's
    # sig:unchecked. A value copied from --json's `signatures` now filters as it reads there.
    [verdict] = WITH_GITHUB.for_request(CAPTURES[2])
    assert (verdict.status, verdict.word) == ("no-secret", "not checked")
    assert ids(f"sig:{verdict.status}") == ids("sig:unchecked") == [3, 5]
    assert ids("sig:No-Secret", verdicts=None) == [1, 2, 3, 5]  # no secrets: all unchecked
    assert ids("-sig:no-secret") == [1, 2, 4]


def test_one_failed_signature_of_two_makes_the_capture_failed():
    both = github(6, b"{}", secret="wrong")
    headers = [
        *((n.decode(), v.decode()) for n, v in both.raw_headers),
        ("Stripe-Signature", "t=1,v1=00"),
    ]
    mixed = capture(6, headers, b"{}")
    predicate = compile_filter("sig:failed", verdicts=WITH_GITHUB)
    assert predicate(mixed) and not compile_filter("sig:unchecked", verdicts=WITH_GITHUB)(mixed)


def test_without_a_secret_nothing_is_checked_and_verified_or_failed_is_refused():
    for verdicts in (None, Verdicts(SignatureSettings(secrets={}))):
        assert ids("sig:unchecked", verdicts) == [1, 2, 3, 5]
        assert ids("sig:none", verdicts) == [4]
        for word in ("verified", "failed"):
            with pytest.raises(FilterError, match=f"sig:{word}: no secret is configured"):
                ids(f"sig:{word}", verdicts)


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("provider:slak", "provider:slak: one of stripe, github, shopify, slack, standard"),
        ("sig:ok", "sig:ok: one of verified, failed, unchecked, none"),
        ("sig:", "sig: needs a value, e.g. sig:failed"),
        ("provider:", "provider: needs a value, e.g. provider:stripe"),
        (
            "sgi:failed",
            "fields are method, path, status, header, type, body, remote, delivery, repeat, "
            "provider, sig",
        ),
    ],
)
def test_a_term_that_can_never_match_names_itself_and_what_is_allowed(text, says):
    with pytest.raises(FilterError) as raised:
        parse_filter(text, WITH_GITHUB)
    assert says in str(raised.value)


def test_the_filtered_view_judges_arrivals_with_its_verdicts():
    store = RequestStore()
    for request in CAPTURES[:2]:
        store.add(request)
    view = FilteredView(store, "sig:failed", verdicts=WITH_GITHUB)
    assert [view[i].id for i in range(len(view))] == [2]
    store.add(github(6, b"[]", secret="nope"))
    view.sync()
    assert [view[i].id for i in range(len(view))] == [2, 6]
    with pytest.raises(FilterError):
        FilteredView(store, "sig:failed")  # no secrets: refused, as in the filter bar
