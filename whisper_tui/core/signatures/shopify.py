"""Shopify: `X-Shopify-Hmac-Sha256: <base64>`, HMAC-SHA256 of the body keyed by the app secret."""

from __future__ import annotations

import base64

from whisper_tui.core.models import CapturedRequest
from whisper_tui.core.signatures.common import (
    delivery_value,
    from_b64,
    key_bytes,
    required,
    sha256,
    short,
)
from whisper_tui.core.signatures.registry import register
from whisper_tui.core.signatures.scheme import (
    Check,
    Headers,
    Scheme,
    SecretKind,
    SignatureSettings,
    SigningInput,
)


def build_check(request: CapturedRequest, secret: str, _: SignatureSettings) -> Check:
    """The one base64 MAC in X-Shopify-Hmac-Sha256."""
    value = required(request, "X-Shopify-Hmac-Sha256")
    return Check(
        key=key_bytes(secret),
        digests=lambda key, body: [sha256(key, body)],
        candidates=[(short(value), from_b64(value))],
        what="X-Shopify-Hmac-Sha256 does not match",
        encoding="base64",
    )


def sign(given: SigningInput) -> list[tuple[str, str]]:
    """A fresh X-Shopify-Hmac-Sha256."""
    mac = base64.b64encode(sha256(key_bytes(given.secret), given.body)).decode()
    return [("X-Shopify-Hmac-Sha256", mac)]


def delivery_id(request: CapturedRequest, headers: Headers) -> tuple[str, str] | None:
    """X-Shopify-Event-Id, else X-Shopify-Webhook-Id (senders from before the event id)."""
    # https://shopify.dev/docs/apps/build/webhooks/ignore-duplicates ("Get the event ID from
    # the headers. This is the X-Shopify-Event-Id header and the same value across more than
    # one webhook indicates a duplicate"); X-Shopify-Webhook-Id, the id of one webhook that a
    # retry repeats, is what that page advised before (shopify.dev/docs/apps/build/webhooks
    # lists both headers).
    for name in ("X-Shopify-Event-Id", "X-Shopify-Webhook-Id"):
        value = delivery_value(headers.get(name.lower().encode("latin-1")))
        if value:
            return value, name
    return None


SCHEME = register(
    Scheme(
        name="shopify",
        order=30,
        detect_headers=("x-shopify-hmac-sha256",),
        build_check=build_check,
        sign=sign,
        secret_kinds=(
            SecretKind(("shpss_",), "a Shopify app secret"),
            SecretKind(("shpat_",), "a Shopify access token, not the app secret", signing=False),
        ),
        # The app's client secret (hex, shpss_ and hex) or the store's webhook key (hex).
        comma_free_secrets=True,
        delivery_id=delivery_id,
        delivery_headers=("x-shopify-event-id", "x-shopify-webhook-id"),
    )
)
