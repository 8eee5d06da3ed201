"""Stripe verdicts agree with the official `stripe` SDK: its signer, its verify, its defaults.

The SDK (stripe/_webhook.py) signs with `WebhookSignature.generate_signature_header` and checks
with `verify_header`; `Webhook.construct_event`, what receivers call, passes its
`DEFAULT_TOLERANCE = 300`. It rejects only `timestamp < time.time() - tolerance` (a timestamp
in the future is accepted) and reads the module's `time.time()`, replaced here by the arrival.
"""

from __future__ import annotations

import hashlib
import hmac
import types

import stripe
from hypothesis import given
from hypothesis import strategies as st
from stripe import _webhook

from tests.core.signatures.sdk_cases import (
    SDK_CASES,
    SIGNED_AT,
    TRICKY_BODIES,
    binary_bodies,
    capture,
    clock_at,
    edge_offsets,
    forward_all,
    offsets,
    text_bodies,
    whisper_verdict,
)

EDGES = edge_offsets(stripe.Webhook.DEFAULT_TOLERANCE)
secrets = st.text("abcdefghijklmnopqrstuvwxyz0123456789", min_size=8, max_size=32).map(
    lambda s: "whsec_" + s
)


def stripe_accepts(body: bytes, header: str, secret: str, now: float) -> bool:
    """What a receiver using the SDK's defaults decides at `now`."""
    clock = types.SimpleNamespace(time=lambda: now)
    with clock_at(_webhook, "time", clock):
        try:
            stripe.WebhookSignature.verify_header(
                body, header, secret, tolerance=stripe.Webhook.DEFAULT_TOLERANCE
            )
        except stripe.SignatureVerificationError:
            return False
    return True


@SDK_CASES
@given(
    body=text_bodies,
    offset=offsets(stripe.Webhook.DEFAULT_TOLERANCE),
    secret=secrets,
    other=secrets,
    wrong=st.booleans(),
)
def test_whisper_and_the_stripe_sdk_reach_the_same_verdict(
    body: str, offset: float, secret: str, other: str, wrong: bool
) -> None:
    header = stripe.WebhookSignature.generate_signature_header(body, secret, SIGNED_AT)
    checked_with = other if wrong else secret
    for arrival in [*EDGES, offset]:
        arrived = SIGNED_AT + arrival
        request = capture([("Stripe-Signature", header)], body.encode(), at=arrived)
        verdict = whisper_verdict(request, "stripe", checked_with)
        assert verdict.ok == stripe_accepts(request.body, header, checked_with, arrived), verdict


@SDK_CASES
@given(body=text_bodies, offset=offsets(300), live=secrets, test=secrets, listen=secrets)
def test_with_several_secrets_whisper_accepts_what_the_sdk_accepts_with_any_of_them(
    body: str, offset: float, live: str, test: str, listen: str
) -> None:
    # Signed with the 2nd configured secret (test mode, say); the 1st is live mode's.
    header = stripe.WebhookSignature.generate_signature_header(body, test, SIGNED_AT)
    for configured in ((live, test), (live, listen)):
        for arrival in [*EDGES, offset]:
            arrived = SIGNED_AT + arrival
            request = capture([("Stripe-Signature", header)], body.encode(), at=arrived)
            verdict = whisper_verdict(request, "stripe", configured)
            accepted = [stripe_accepts(request.body, header, s, arrived) for s in configured]
            assert verdict.ok == any(accepted), verdict
            if verdict.ok:
                which = "1st" if accepted[0] else "2nd"
                assert verdict.reason == f"with the {which} of 2 stripe secrets"
            elif verdict.mac_valid:  # arrived too late, signed with the secret it names
                which = "1st" if configured[0] == test else "2nd"
                assert f"(with the {which} of 2 stripe secrets)" in verdict.short_reason()
            else:
                assert "(2 stripe secrets tried" in verdict.reason
            assert live not in verdict.reason and test not in verdict.reason


def test_the_sdk_default_is_the_tolerance_whisper_declares_for_stripe() -> None:
    assert stripe.Webhook.DEFAULT_TOLERANCE == 300


async def test_a_forwarded_stripe_delivery_still_verifies_with_the_sdk() -> None:
    secret = "whsec_forwarded"
    captures = []
    for body in TRICKY_BODIES:
        header = stripe.WebhookSignature.generate_signature_header(body, secret, SIGNED_AT)
        request = capture([("Stripe-Signature", header)], body.encode(), at=SIGNED_AT + 1)
        assert whisper_verdict(request, "stripe", secret).ok
        captures.append(request)
    arrived = await forward_all(captures)
    assert len(arrived) == len(TRICKY_BODIES)
    for copy in arrived:
        header = copy.headers["stripe-signature"]
        assert stripe_accepts(copy.body, header, secret, SIGNED_AT + 1)


def stripe_accepts_bytes(body: bytes, header: str, secret: str, now: float) -> bool:
    """As stripe_accepts, counting the SDK's UnicodeDecodeError as the refusal it is."""
    try:
        return stripe_accepts(body, header, secret, now)
    except UnicodeDecodeError:
        return False


@SDK_CASES
@given(body=binary_bodies, secret=secrets)
def test_a_body_that_is_not_utf8_is_refused_like_the_sdk_does(body: bytes, secret: str) -> None:
    # The SDK's signer takes text, so sign as Stripe documents: HMAC-SHA256 of "<t>." + body.
    mac = hmac.new(secret.encode(), f"{SIGNED_AT}.".encode() + body, hashlib.sha256).hexdigest()
    header = f"t={SIGNED_AT},v1={mac}"
    request = capture([("Stripe-Signature", header)], body, at=SIGNED_AT)
    verdict = whisper_verdict(request, "stripe", secret)
    assert verdict.ok == stripe_accepts_bytes(body, header, secret, SIGNED_AT), verdict
