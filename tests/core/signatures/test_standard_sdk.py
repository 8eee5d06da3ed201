"""Standard Webhooks and Svix verdicts agree with the official `standardwebhooks` and `svix` SDKs.

standardwebhooks/webhooks.py signs with `Webhook.sign` and verifies with `Webhook.verify`, whose
`__verify_timestamp` allows `timedelta(minutes=5)` both ways against `datetime.now(tz=utc)` (the
module's `datetime`, replaced here by one that answers the arrival time). svix/webhooks.py wraps
it, reading the svix-* headers. Both JSON-parse nothing they don't need: `verify` parses the body
only after the signature passed, so bodies here are JSON as a sender writes it.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from datetime import UTC, datetime

import standardwebhooks
import svix
from hypothesis import given
from hypothesis import strategies as st
from standardwebhooks import webhooks as standard_module

from tests.core.signatures.sdk_cases import (
    SDK_CASES,
    SIGNED_AT,
    binary_bodies,
    capture,
    clock_at,
    edge_offsets,
    forward_all,
    json_bodies,
    offsets,
    whisper_verdict,
)

TOLERANCE = 300.0
EDGES = edge_offsets(TOLERANCE)
secrets = st.binary(min_size=16, max_size=32).map(
    lambda key: "whsec_" + base64.b64encode(key).decode()
)
message_ids = st.text("abcdefghijklmnopqrstuvwxyz0123456789_", min_size=1, max_size=24).map(
    lambda s: "msg_" + s
)
FORWARDED_BODIES = ("{}", '{"amount":1.10}', '{\n "name": "Zoë 🎉"\n}\n', '{"a":"\\u00eb"}\r\n')


def frozen_datetime(now: float) -> type[datetime]:
    """A datetime class whose now() is `now`: the SDK's clock, set to the arrival time."""

    class Frozen(datetime):
        @classmethod
        def now(cls, tz=None):  # type: ignore[no-untyped-def,override]
            return datetime.fromtimestamp(now, tz)

    return Frozen


def signed_headers(prefix: str, sdk: type, secret: str, msg_id: str, body: str) -> list:
    signature = sdk(secret).sign(msg_id, datetime.fromtimestamp(SIGNED_AT, UTC), body)
    return [
        (f"{prefix}-id", msg_id),
        (f"{prefix}-timestamp", str(SIGNED_AT)),
        (f"{prefix}-signature", signature),
    ]


def sdk_accepts(sdk: type, body: bytes, headers: dict[str, str], secret: str, now: float) -> bool:
    """What a receiver calling the SDK's verify with its defaults decides at `now`."""
    with clock_at(standard_module, "datetime", frozen_datetime(now)):
        try:
            sdk(secret).verify(body, headers)
        except standardwebhooks.webhooks.WebhookVerificationError:
            return False
    return True


def check_agreement(
    prefix: str,
    sdk: type,
    body: str,
    offset: float,
    secret: str,
    other: str,
    wrong: bool,
    msg_id: str,
) -> None:
    headers = signed_headers(prefix, sdk, secret, msg_id, body)
    checked_with = other if wrong else secret
    for arrival in [*EDGES, offset]:
        arrived = SIGNED_AT + arrival
        request = capture(headers, body.encode(), at=arrived)
        verdict = whisper_verdict(request, "standard", checked_with)
        expected = sdk_accepts(sdk, request.body, dict(headers), checked_with, arrived)
        assert verdict.ok == expected, verdict


@SDK_CASES
@given(
    body=json_bodies(),
    offset=offsets(TOLERANCE),
    secret=secrets,
    other=secrets,
    wrong=st.booleans(),
    msg_id=message_ids,
)
def test_whisper_and_the_standard_webhooks_sdk_reach_the_same_verdict(
    body: str, offset: float, secret: str, other: str, wrong: bool, msg_id: str
) -> None:
    check_agreement("webhook", standardwebhooks.Webhook, body, offset, secret, other, wrong, msg_id)


@SDK_CASES
@given(
    body=json_bodies(),
    offset=offsets(TOLERANCE),
    secret=secrets,
    other=secrets,
    wrong=st.booleans(),
    msg_id=message_ids,
)
def test_whisper_and_the_svix_sdk_reach_the_same_verdict(
    body: str, offset: float, secret: str, other: str, wrong: bool, msg_id: str
) -> None:
    check_agreement("svix", svix.Webhook, body, offset, secret, other, wrong, msg_id)


@SDK_CASES
@given(
    body=json_bodies(),
    offset=offsets(TOLERANCE),
    old=secrets,
    new=secrets,
    msg_id=message_ids,
    svix_names=st.booleans(),
)
def test_a_rotated_secret_verifies_as_the_sdks_accept_it_with_either_secret(
    body: str, offset: float, old: str, new: str, msg_id: str, svix_names: bool
) -> None:
    # Mid-rotation: the sender signs with the new secret, listed 2nd after the old one.
    prefix, sdk = ("svix", svix.Webhook) if svix_names else ("webhook", standardwebhooks.Webhook)
    headers = signed_headers(prefix, sdk, new, msg_id, body)
    for arrival in [*EDGES, offset]:
        arrived = SIGNED_AT + arrival
        request = capture(headers, body.encode(), at=arrived)
        verdict = whisper_verdict(request, "standard", (old, new))
        accepted = [sdk_accepts(sdk, request.body, dict(headers), s, arrived) for s in (old, new)]
        assert verdict.ok == any(accepted), verdict
        if verdict.ok:
            which = "1st" if accepted[0] else "2nd"
            assert verdict.reason == f"with the {which} of 2 standard secrets"
        assert old not in verdict.reason and new not in verdict.reason


async def test_forwarded_standard_and_svix_deliveries_still_verify_with_the_sdks() -> None:
    secret = "whsec_" + base64.b64encode(b"forwarded-secret-key").decode()
    captures, sdks = [], []
    for prefix, sdk in (("webhook", standardwebhooks.Webhook), ("svix", svix.Webhook)):
        for number, body in enumerate(FORWARDED_BODIES):
            headers = signed_headers(prefix, sdk, secret, f"msg_{number}", body)
            request = capture(headers, body.encode(), at=SIGNED_AT + 2)
            assert whisper_verdict(request, "standard", secret).ok
            captures.append(request)
            sdks.append(sdk)
    arrived = await forward_all(captures)
    assert len(arrived) == len(captures)
    for sdk, copy in zip(sdks, arrived, strict=True):
        assert sdk_accepts(sdk, copy.body, copy.headers, secret, SIGNED_AT + 2)


@SDK_CASES
@given(body=binary_bodies, secret=secrets, svix_names=st.booleans())
def test_a_body_that_is_not_utf8_is_refused_like_the_sdks_do(
    body: bytes, secret: str, svix_names: bool
) -> None:
    # The SDKs' signers take text, so sign as the spec says: HMAC-SHA256 of "<id>.<ts>." + body.
    prefix, sdk = ("svix", svix.Webhook) if svix_names else ("webhook", standardwebhooks.Webhook)
    key = base64.b64decode(secret.removeprefix("whsec_"))
    mac = hmac.new(key, f"msg_1.{SIGNED_AT}.".encode() + body, hashlib.sha256).digest()
    headers = [
        (f"{prefix}-id", "msg_1"),
        (f"{prefix}-timestamp", str(SIGNED_AT)),
        (f"{prefix}-signature", "v1," + base64.b64encode(mac).decode()),
    ]
    request = capture(headers, body, at=SIGNED_AT)
    try:
        expected = sdk_accepts(sdk, body, dict(headers), secret, SIGNED_AT)
    except UnicodeDecodeError:
        expected = False
    assert whisper_verdict(request, "standard", secret).ok == expected
