"""Stripe-Signature: t= and v1= candidates, the Standard Webhooks mix-up, stripe listen."""

from __future__ import annotations

import base64
import hashlib
import hmac

import pytest

from tests.core.signatures.vectors import (
    DELIVERIES,
    fresh_now,
    make_request,
    only,
    settings_for,
    signed_at,
    vectors_of,
    verdict_when_fresh,
    with_header,
)
from whisper_tui.core.signatures import (
    SignatureSettings,
    SigningInput,
    schemes,
    sign,
    stripe,
    verify,
)


def test_stripe_signed_the_standard_webhooks_way_is_pointed_out() -> None:
    # A sender that base64-decodes whsec_ like Standard Webhooks, but sends Stripe headers.
    secret = "whsec_" + base64.b64encode(b"decoded-key").decode()
    headers = sign(b"{}", "stripe", "decoded-key", [], 1000)
    request = make_request("stripe-docs-selfcomputed", body=b"{}", headers=headers)
    verdict = only(verify(request, SignatureSettings({"stripe": secret}), now=1000))
    assert verdict.mac_valid is False
    assert "matches when the secret is base64-decoded after whsec_" in verdict.reason


def test_stripe_mismatch_mentions_that_stripe_listen_has_its_own_secret() -> None:
    settings = SignatureSettings({"stripe": "whsec_from_the_dashboard"})
    verdict = only(verify(make_request("stripe-docs-selfcomputed"), settings))
    assert verdict.mac_valid is False
    assert "stripe listen" in verdict.reason
    assert "(to keep both, repeat --secret stripe=)" in verdict.reason
    assert "tried v1=00cd8805b6df…" in verdict.reason


@pytest.mark.parametrize(
    "received",
    [b'{\n  "id": "evt_1",\n  "amount": 4200\n}', b'{"id":"evt_1","amount":4200}\n'],
    ids=["pretty-printed", "trailing-newline"],
)
def test_a_body_changed_after_signing_is_not_blamed_on_the_secret(received: bytes) -> None:
    # The MAC matching the body as it was signed proves the secret right: the `stripe listen`
    # advice to use another secret would contradict it.
    secret = "whsec_fixture_stripe_secret"
    headers = sign(b'{"id":"evt_1","amount":4200}', "stripe", secret, [], 1000)
    request = make_request("stripe-docs-selfcomputed", body=received, headers=headers)
    verdict = only(verify(request, SignatureSettings({"stripe": secret}), now=1000))
    assert verdict.mac_valid is False
    assert "after signing" in verdict.reason
    assert "stripe listen" not in verdict.reason
    assert "secret" not in verdict.reason


def test_stripe_tries_every_v1_candidate() -> None:
    name = "stripe-docs-selfcomputed"
    original = dict(DELIVERIES[name]["headers"])["Stripe-Signature"]
    t, rest = original.split(",", 1)
    headers = with_header(name, "Stripe-Signature", f"{t},v1={'ab' * 32},{rest},v0=ff")
    verdict = only(verify(make_request(name, headers=headers), settings_for(name), now=1614265330))
    assert verdict.status == "verified"


def test_stripe_stale_timestamp_reports_skew() -> None:
    name = "stripe-payment-intent"
    age = 2 * 365 * 86400 + 3 * 86400
    verdict = only(verify(make_request(name), settings_for(name), now=signed_at(name) + age))
    assert verdict.mac_valid is True
    assert verdict.skew_seconds == age
    assert (
        verdict.reason
        == f"MAC valid but timestamp is 2y 3d old ({age} s); Stripe's SDK accepts 300 s"
    )
    assert verdict.line() == f"signature: failed (stripe): {verdict.reason}"


@pytest.mark.parametrize("name", vectors_of("stripe"))
def test_stripe_vectors_verify_just_after_signing(name: str) -> None:
    assert verdict_when_fresh(name).status == "verified"


def test_stripe_is_detected_by_its_header_and_reported_first() -> None:
    assert stripe.SCHEME.detect_headers == ("stripe-signature",)
    assert schemes()[0] is stripe.SCHEME


def test_stripe_signature_split_over_repeated_headers_is_read_as_one_list() -> None:
    name = "stripe-docs-selfcomputed"
    t, v1 = dict(DELIVERIES[name]["headers"])["Stripe-Signature"].split(",")
    headers = [("Stripe-Signature", t), ("Stripe-Signature", v1)]
    request = make_request(name, headers=headers)
    assert only(verify(request, settings_for(name), now=fresh_now(name))).status == "verified"


def test_stripe_secret_hint_is_given_only_for_secrets_without_whsec() -> None:
    assert stripe.secret_hints("whsec_abc") == []
    assert stripe.secret_hints("abc") == ["Stripe signing secrets start with whsec_"]


def test_stripe_signs_t_and_one_v1_over_timestamp_dot_body() -> None:
    [(header, value)] = stripe.sign(SigningInput(b"{}", "whsec_x", [], 42))
    mac = hmac.new(b"whsec_x", b"42.{}", hashlib.sha256).hexdigest()
    assert (header, value) == ("Stripe-Signature", f"t=42,v1={mac}")
