"""Paddle verdicts agree with the official `paddle-python-sdk`'s `Verifier` and its defaults.

The SDK has no signer, so the test signs as Paddle documents (developer.paddle.com/webhooks/
signature-verification: `Paddle-Signature: ts=<ts>;h1=<hex HMAC-SHA256 of "<ts>:" + body>`).
paddle_billing/Notifications/Verifier.py: `Verifier(maximum_variance=5)` rejects
`now > int(timestamp + 5)` and `int(timestamp - 5) > now`, with `now = time()` read from the
module's own `time` (replaced here by the arrival time); TEST_MODE in the environment turns the
check off, so it must not be set.
"""

from __future__ import annotations

import hashlib
import hmac
import importlib
import os
from dataclasses import dataclass

from hypothesis import given
from hypothesis import strategies as st
from paddle_billing.Notifications import Secret, Verifier

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

verifier_module = importlib.import_module("paddle_billing.Notifications.Verifier")
TOLERANCE = 5.0
EDGES = edge_offsets(TOLERANCE)
secrets = st.text("abcdefghijklmnopqrstuvwxyz0123456789", min_size=16, max_size=40).map(
    lambda s: "pdl_ntf_" + s
)


class Headers(dict[str, str]):
    """Request headers as web frameworks give them: looked up whatever the case."""

    def get(self, name: str, default: object = None) -> object:  # type: ignore[override]
        return next((v for k, v in self.items() if k.lower() == name.lower()), default)


@dataclass
class PaddleRequest:
    """What the SDK reads from a framework's request: `headers` and `body`."""

    headers: Headers
    body: bytes


def documented_signature(secret: str, body: bytes, ts: int = SIGNED_AT) -> str:
    mac = hmac.new(secret.encode(), f"{ts}:".encode() + body, hashlib.sha256).hexdigest()
    return f"ts={ts};h1={mac}"


def paddle_accepts(body: bytes, headers: dict[str, str], secret: str, now: float) -> bool:
    assert "TEST_MODE" not in os.environ  # it would switch the SDK's time check off
    request = PaddleRequest(Headers(headers), body)
    with clock_at(verifier_module, "time", lambda: now):
        return bool(Verifier().verify(request, Secret(secret)))


def test_the_sdk_default_is_the_tolerance_whisper_declares_for_paddle() -> None:
    assert Verifier().maximum_variance == TOLERANCE


@SDK_CASES
@given(
    body=text_bodies,
    offset=offsets(TOLERANCE),
    secret=secrets,
    other=secrets,
    wrong=st.booleans(),
)
def test_whisper_and_the_paddle_sdk_reach_the_same_verdict(
    body: str, offset: float, secret: str, other: str, wrong: bool
) -> None:
    headers = [("Paddle-Signature", documented_signature(secret, body.encode()))]
    checked_with = other if wrong else secret
    for arrival in [*EDGES, offset, 60.0]:
        arrived = SIGNED_AT + arrival
        request = capture(headers, body.encode(), at=arrived)
        verdict = whisper_verdict(request, "paddle", checked_with)
        assert verdict.ok == paddle_accepts(request.body, dict(headers), checked_with, arrived)


def test_a_delivery_signed_a_minute_before_it_arrived_fails_as_the_sdk_says() -> None:
    secret = "pdl_ntf_01gm4x6p1r2k"
    headers = [("Paddle-Signature", documented_signature(secret, b"{}"))]
    request = capture(headers, b"{}", at=SIGNED_AT + 60)
    assert not paddle_accepts(b"{}", dict(headers), secret, SIGNED_AT + 60)
    verdict = whisper_verdict(request, "paddle", secret)
    assert verdict.reason == "MAC valid but timestamp is 60 s old; Paddle's SDK accepts 5 s"


async def test_a_forwarded_paddle_delivery_still_verifies_with_the_sdk() -> None:
    secret = "pdl_ntf_forwarded"
    captures = []
    for body in TRICKY_BODIES:
        headers = [("Paddle-Signature", documented_signature(secret, body.encode()))]
        request = capture(headers, body.encode(), at=SIGNED_AT + 1)
        assert whisper_verdict(request, "paddle", secret).ok
        captures.append(request)
    arrived = await forward_all(captures)
    assert len(arrived) == len(captures)
    for copy in arrived:
        assert paddle_accepts(copy.body, copy.headers, secret, SIGNED_AT + 1)


@SDK_CASES
@given(body=binary_bodies, secret=secrets)
def test_a_body_that_is_not_utf8_is_refused_like_the_sdk_does(body: bytes, secret: str) -> None:
    headers = [("Paddle-Signature", documented_signature(secret, body))]
    request = capture(headers, body, at=SIGNED_AT)
    try:
        expected = paddle_accepts(body, dict(headers), secret, SIGNED_AT)
    except UnicodeDecodeError:
        expected = False
    assert whisper_verdict(request, "paddle", secret).ok == expected
