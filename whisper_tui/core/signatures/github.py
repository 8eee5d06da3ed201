"""GitHub: `X-Hub-Signature-256: sha256=<hex>` (or legacy `X-Hub-Signature: sha1=<hex>`)."""

from __future__ import annotations

import hashlib
import hmac

from whisper_tui.core.models import CapturedRequest
from whisper_tui.core.signatures.common import (
    delivery_value,
    find_header,
    from_hex,
    key_bytes,
    sha256,
    short,
)
from whisper_tui.core.signatures.registry import register
from whisper_tui.core.signatures.scheme import (
    Check,
    Headers,
    Malformed,
    Scheme,
    SignatureSettings,
    SigningInput,
)


def build_check(request: CapturedRequest, secret: str, _: SignatureSettings) -> Check:
    """Checks the SHA-256 header when present, else the legacy SHA-1 one."""
    value = request.header("x-hub-signature-256")
    header, algo, digestmod = "X-Hub-Signature-256", "sha256", hashlib.sha256
    if value is None:
        value = request.header("x-hub-signature") or ""
        header, algo, digestmod = "X-Hub-Signature", "sha1", hashlib.sha1
    value = value.strip()
    prefix = f"{algo}="
    if not value.startswith(prefix):
        raise Malformed(f"{header} should be {prefix}<hex>, got {short(value)!r}")
    hexpart = value[len(prefix) :]
    return Check(
        key=key_bytes(secret),
        digests=lambda key, body: [hmac.new(key, body, digestmod).digest()],
        candidates=[(f"{prefix}{short(hexpart)}", from_hex(hexpart))],
        what=f"{header} does not match",
    )


def sign(given: SigningInput) -> list[tuple[str, str]]:
    """A fresh X-Hub-Signature-256, plus the SHA-1 header when the request carried one."""
    key = key_bytes(given.secret)
    new = [("X-Hub-Signature-256", "sha256=" + sha256(key, given.body).hex())]
    if find_header(given.headers, "X-Hub-Signature") is not None:
        # Keep the legacy SHA-1 header consistent rather than leaving a stale one behind.
        sha1 = hmac.new(key, given.body, hashlib.sha1).hexdigest()
        new.append(("X-Hub-Signature", f"sha1={sha1}"))
    return new


def delivery_id(request: CapturedRequest, headers: Headers) -> tuple[str, str] | None:
    """X-GitHub-Delivery: a GUID per event, kept when a delivery is redelivered."""
    # https://docs.github.com/en/webhooks/webhook-events-and-payloads#delivery-headers and
    # https://docs.github.com/en/webhooks/using-webhooks/best-practices-for-using-webhooks
    # #use-the-x-github-delivery-header: a GUID per event, which a redelivery keeps (github/docs
    # issue 32822 had the docs say "per event, not per delivery"). Sent with or without a secret.
    value = delivery_value(headers.get(b"x-github-delivery"))
    return (value, "X-GitHub-Delivery") if value else None


SCHEME = register(
    Scheme(
        name="github",
        order=20,
        detect_headers=("x-hub-signature-256", "x-hub-signature"),
        build_check=build_check,
        sign=sign,
        delivery_id=delivery_id,
        delivery_headers=("x-github-delivery",),
    )
)
