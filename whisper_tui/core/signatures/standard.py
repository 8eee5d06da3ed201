"""Standard Webhooks (and Svix): `webhook-signature: v1,<base64>` over '<id>.<ts>.' + body.

The key is the base64 text after whsec_, not the secret string itself. Svix sends the same
headers named svix-*.
"""

from __future__ import annotations

import base64
import binascii

from whisper_tui.core.models import CapturedRequest
from whisper_tui.core.signatures.common import (
    delivery_value,
    find_header,
    from_b64,
    key_bytes,
    required,
    sha256,
    short,
    timestamp,
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

WHSEC = SecretKind(("whsec_",), "a Stripe or Standard Webhooks secret")
"""Stripe and Standard Webhooks both prefix their signing secrets whsec_; both declare it."""


def standard_key(secret: str) -> bytes:
    """The HMAC key of a Standard Webhooks secret: base64 after an optional whsec_."""
    text = secret.strip()
    text = text.removeprefix("whsec_")
    # Some dashboards show the secret without base64 padding; restore it before decoding.
    padded = text + "=" * (-len(text) % 4)
    try:
        return base64.b64decode(padded, validate=True)
    except (binascii.Error, ValueError):
        prefix = "after whsec_ " if secret.strip().startswith("whsec_") else ""
        raise Malformed(
            f"the secret is not valid base64 {prefix}(Standard Webhooks secrets are whsec_ "
            "followed by the base64 key)"
        ) from None


def build_check(request: CapturedRequest, secret: str, _: SignatureSettings) -> Check:
    """The v1 entries of webhook-signature (or svix-signature) and the id and time they sign."""
    prefix = "webhook-" if request.header("webhook-signature") is not None else "svix-"
    sig = required(request, f"{prefix}signature")
    msg_id = required(request, f"{prefix}id")
    ts = timestamp(required(request, f"{prefix}timestamp"), f"{prefix}timestamp")
    key = standard_key(secret)
    candidates: list[tuple[str, bytes | None]] = []
    versions: list[str] = []
    for token in sig.split():
        version, sep, mac = token.partition(",")
        if not sep:
            raise Malformed(f"{prefix}signature entry {short(token)!r} is not <version>,<base64>")
        if version == "v1":
            candidates.append((f"v1,{short(mac)}", from_b64(mac)))
        else:
            versions.append(version)
    if not candidates:
        others = f" (found {', '.join(sorted(set(versions)))}, not checked)" if versions else ""
        raise Malformed(f"{prefix}signature has no v1,<base64> entry{others}")
    signed = f"{msg_id}.{ts}.".encode()
    return Check(
        key=key,
        digests=lambda k, body: [sha256(k, signed + body)],
        candidates=candidates,
        what=f"no v1 entry in {prefix}signature matched",
        encoding="base64",
        timestamp=ts,
        alt_keys=[
            (
                "the MAC matches when the whole secret string is the key (the Stripe way), "
                "not its base64 decoding",
                key_bytes(secret),
            )
        ],
    )


def sign(given: SigningInput) -> list[tuple[str, str]]:
    """Fresh id, timestamp and v1 signature headers, keeping svix-* names when those are used."""
    headers = given.headers
    svix = find_header(headers, "webhook-signature") is None and (
        find_header(headers, "svix-signature") is not None
        or find_header(headers, "svix-id") is not None
    )
    prefix = "svix-" if svix else "webhook-"
    msg_id = given.webhook_id or find_header(headers, f"{prefix}id")
    if not msg_id:
        raise ValueError(f"standard signing needs a message id: no {prefix}id header given")
    try:
        key = standard_key(given.secret)
    except Malformed as exc:
        raise ValueError(str(exc)) from None
    ts = given.timestamp
    mac = base64.b64encode(sha256(key, f"{msg_id}.{ts}.".encode() + given.body)).decode()
    return [
        (f"{prefix}id", msg_id),
        (f"{prefix}timestamp", str(ts)),
        (f"{prefix}signature", f"v1,{mac}"),
    ]


def delivery_id(request: CapturedRequest, headers: Headers) -> tuple[str, str] | None:
    """webhook-id (or Svix's svix-id): the message id, the same on every attempt."""
    # https://github.com/standard-webhooks/standard-webhooks/blob/main/spec/standard-webhooks.md
    # (webhook-id is the message's unique identifier, kept when it is resent: the idempotency
    # key) and https://docs.svix.com/receiving/verifying-payloads/how-manual (svix-id, the same
    # for Svix's headers). Read as build_check reads it: webhook-* first.
    for name in (b"webhook-id", b"svix-id"):
        value = delivery_value(headers.get(name))
        if value:
            return value, name.decode()
    return None


SCHEME = register(
    Scheme(
        name="standard",
        order=50,
        detect_headers=("webhook-signature", "svix-signature"),
        build_check=build_check,
        sign=sign,
        aliases=("svix", "standard-webhooks"),
        secret_kinds=(WHSEC,),
        secret_key=standard_key,
        # The key decoder strips whitespace itself, so a pasted newline is harmless here.
        # whsec_ and base64, generated by the sender (the key decoder refuses anything else).
        comma_free_secrets=True,
        trims_secret=True,
        has_timestamp=True,
        # standardwebhooks/webhooks.py: `webhook_tolerance = timedelta(minutes=5)`, both
        # directions; svix/webhooks.py delegates to it.
        default_tolerance=300.0,
        tolerance_source="the Standard Webhooks SDK, like Svix's,",
        utf8_body=True,
        delivery_id=delivery_id,
        delivery_headers=("webhook-id", "svix-id"),
    )
)
