"""Paddle Billing: `Paddle-Signature: ts=<ts>;h1=<hex>` over '<ts>:' + body."""

from __future__ import annotations

from whisper_tui.core.models import CapturedRequest
from whisper_tui.core.signatures.common import (
    delivery_value,
    json_top_level_strings,
    required,
    sha256,
    timestamped_hex_macs,
)
from whisper_tui.core.signatures.registry import register
from whisper_tui.core.signatures.scheme import (
    Check,
    Headers,
    Malformed,
    Scheme,
    SecretKind,
    SignatureSettings,
    SigningInput,
)


def build_check(request: CapturedRequest, secret: str, _: SignatureSettings) -> Check:
    """The h1 candidates and ts from Paddle-Signature."""
    value = required(request, "Paddle-Signature")
    ts, candidates = timestamped_hex_macs(value, "Paddle-Signature", ";", "ts", "h1")
    if not candidates:
        raise Malformed("Paddle-Signature has no h1= signature")
    signed = f"{ts}:".encode()
    return Check(
        key=secret.encode(),
        digests=lambda key, body: [sha256(key, signed + body)],
        candidates=candidates,
        what="no h1 signature in Paddle-Signature matched",
        timestamp=ts,
    )


def sign(given: SigningInput) -> list[tuple[str, str]]:
    """A fresh Paddle-Signature with one h1 MAC."""
    ts = given.timestamp
    mac = sha256(given.secret.encode(), f"{ts}:".encode() + given.body).hex()
    return [("Paddle-Signature", f"ts={ts};h1={mac}")]


def delivery_id(request: CapturedRequest, headers: Headers) -> tuple[str, str] | None:
    """The notification's `event_id` in the JSON body, else its `notification_id`."""
    # https://developer.paddle.com/webhooks/about/how-webhooks-work: delivery is at least
    # once, "make your handler idempotent using event_id as a deduplication key"; one event
    # sent to several destinations has one notification_id per destination, each retried
    # with the same one.
    found = json_top_level_strings(request.body, "event_id", "notification_id")
    for field in ("event_id", "notification_id"):
        value = delivery_value(found.get(field))
        if value:
            return value, f"body {field}"
    return None


SCHEME = register(
    Scheme(
        name="paddle",
        order=60,
        detect_headers=("paddle-signature",),
        build_check=build_check,
        sign=sign,
        secret_kinds=(SecretKind(("pdl_ntf_",), "a Paddle notification secret"),),
        has_timestamp=True,
        # paddle_billing/Notifications/Verifier.py: `Verifier(maximum_variance=5)`, checked
        # both ways (`now > ts + 5`, `ts - 5 > now`).
        default_tolerance=5.0,
        tolerance_source="Paddle's SDK",
        utf8_body=True,
        delivery_id=delivery_id,
    )
)
