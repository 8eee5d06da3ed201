"""Shopify: `X-Shopify-Hmac-Sha256: <base64>`, HMAC-SHA256 of the body keyed by the app secret."""

from __future__ import annotations

import base64

from whisper_tui.core.models import CapturedRequest
from whisper_tui.core.signatures.common import from_b64, required, sha256, short
from whisper_tui.core.signatures.registry import register
from whisper_tui.core.signatures.scheme import (
    Check,
    Scheme,
    SecretKind,
    SignatureSettings,
    SigningInput,
)


def build_check(request: CapturedRequest, secret: str, _: SignatureSettings) -> Check:
    """The one base64 MAC in X-Shopify-Hmac-Sha256."""
    value = required(request, "X-Shopify-Hmac-Sha256")
    return Check(
        key=secret.encode(),
        digests=lambda key, body: [sha256(key, body)],
        candidates=[(short(value), from_b64(value))],
        what="X-Shopify-Hmac-Sha256 does not match",
        encoding="base64",
    )


def sign(given: SigningInput) -> list[tuple[str, str]]:
    """A fresh X-Shopify-Hmac-Sha256."""
    mac = base64.b64encode(sha256(given.secret.encode(), given.body)).decode()
    return [("X-Shopify-Hmac-Sha256", mac)]


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
    )
)
