"""Slack verdicts agree with the official `slack_sdk`: its signer, its verify, its defaults.

slack_sdk/signature/__init__.py: `SignatureVerifier.generate_signature` signs and
`is_valid_request` checks, rejecting `abs(self.clock.now() - int(timestamp)) > 60 * 5`; the
clock is the SDK's own injectable `Clock`, set here to the arrival time.
"""

from __future__ import annotations

import hashlib
import hmac
from urllib.parse import urlencode

from hypothesis import given
from hypothesis import strategies as st
from slack_sdk.signature import Clock, SignatureVerifier

from tests.core.signatures.sdk_cases import (
    SDK_CASES,
    SIGNED_AT,
    TRICKY_BODIES,
    binary_bodies,
    capture,
    edge_offsets,
    forward_all,
    offsets,
    text_bodies,
    unicode_text,
    whisper_verdict,
)

TOLERANCE = 300.0
EDGES = edge_offsets(TOLERANCE)
secrets = st.text("0123456789abcdef", min_size=32, max_size=32)
form_bodies = st.lists(st.tuples(unicode_text, unicode_text), max_size=4).map(urlencode)


class ArrivalClock(Clock):
    """The SDK's clock, reading the capture's arrival time."""

    def __init__(self, now: float) -> None:
        self.at = now

    def now(self) -> float:
        return self.at


def signed_headers(secret: str, body: str) -> list[tuple[str, str]]:
    signature = SignatureVerifier(secret).generate_signature(timestamp=str(SIGNED_AT), body=body)
    assert signature is not None
    return [("X-Slack-Request-Timestamp", str(SIGNED_AT)), ("X-Slack-Signature", signature)]


def slack_accepts(body: bytes, headers: dict[str, str], secret: str, now: float) -> bool:
    return SignatureVerifier(secret, clock=ArrivalClock(now)).is_valid_request(body, headers)


@SDK_CASES
@given(
    body=st.one_of(text_bodies, form_bodies),
    offset=offsets(TOLERANCE),
    secret=secrets,
    other=secrets,
    wrong=st.booleans(),
)
def test_whisper_and_the_slack_sdk_reach_the_same_verdict(
    body: str, offset: float, secret: str, other: str, wrong: bool
) -> None:
    headers = signed_headers(secret, body)
    checked_with = other if wrong else secret
    for arrival in [*EDGES, offset]:
        arrived = SIGNED_AT + arrival
        request = capture(headers, body.encode(), at=arrived)
        verdict = whisper_verdict(request, "slack", checked_with)
        assert verdict.ok == slack_accepts(request.body, dict(headers), checked_with, arrived)


async def test_a_forwarded_slack_request_still_verifies_with_the_sdk() -> None:
    secret = "8f742231b10e8888abcd99yyyzzz85a5"
    captures = []
    for body in (*TRICKY_BODIES, "token=x&text=Zo%C3%AB+1.10&command=%2Fweather"):
        request = capture(signed_headers(secret, body), body.encode(), at=SIGNED_AT + 3)
        assert whisper_verdict(request, "slack", secret).ok
        captures.append(request)
    arrived = await forward_all(captures)
    assert len(arrived) == len(captures)
    for copy in arrived:
        assert slack_accepts(copy.body, copy.headers, secret, SIGNED_AT + 3)


@SDK_CASES
@given(body=binary_bodies, secret=secrets)
def test_a_body_that_is_not_utf8_is_refused_like_the_sdk_does(body: bytes, secret: str) -> None:
    # The SDK's signer takes text, so sign as Slack documents: HMAC-SHA256 of "v0:<ts>:" + body.
    mac = hmac.new(secret.encode(), f"v0:{SIGNED_AT}:".encode() + body, hashlib.sha256)
    headers = [
        ("X-Slack-Request-Timestamp", str(SIGNED_AT)),
        ("X-Slack-Signature", f"v0={mac.hexdigest()}"),
    ]
    request = capture(headers, body, at=SIGNED_AT)
    try:
        expected = slack_accepts(body, dict(headers), secret, SIGNED_AT)
    except UnicodeDecodeError:
        expected = False
    assert whisper_verdict(request, "slack", secret).ok == expected
