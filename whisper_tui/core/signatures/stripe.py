"""Stripe: `Stripe-Signature: t=<ts>,v1=<hex>`, HMAC-SHA256 of '<ts>.' + body keyed by whsec_..."""

from __future__ import annotations

from whisper_tui.core.models import CapturedRequest
from whisper_tui.core.signatures.common import (
    delivery_value,
    json_top_level_strings,
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
from whisper_tui.core.signatures.standard import WHSEC, standard_key


def build_check(request: CapturedRequest, secret: str, _: SignatureSettings) -> Check:
    """The v1 candidates and timestamp from Stripe-Signature; Malformed when unusable."""
    # Repeated headers are one comma-separated list in HTTP, so parse them as such.
    value = ",".join(v.strip() for v in request.header_values("stripe-signature") if v.strip())
    if not value:
        raise Malformed("Stripe-Signature header is empty")
    t, candidates = timestamped_hex_macs(value, "Stripe-Signature", ",", "t", "v1")
    if not candidates:
        raise Malformed(
            "Stripe-Signature has no v1= signature (v0 is Stripe's legacy test scheme, not checked)"
        )
    signed = f"{t}.".encode()
    alt_keys = []
    if secret.startswith("whsec_"):
        try:
            decoded = standard_key(secret)
        except Malformed:
            pass
        else:
            alt_keys.append(
                (
                    "the MAC matches when the secret is base64-decoded after whsec_ (the "
                    "Standard Webhooks way), so the sender is probably not Stripe",
                    decoded,
                )
            )
    return Check(
        key=secret.encode(),
        digests=lambda key, body: [sha256(key, signed + body)],
        candidates=candidates,
        what="no v1 signature in Stripe-Signature matched",
        timestamp=t,
        alt_keys=alt_keys,
        fail_notes=[
            "if the events come through `stripe listen`, use the whsec_ it prints, which "
            "differs from the Dashboard endpoint's secret (to keep both, repeat --secret stripe=)"
        ],
    )


def sign(given: SigningInput) -> list[tuple[str, str]]:
    """A fresh Stripe-Signature with one v1 MAC."""
    ts = given.timestamp
    mac = sha256(given.secret.encode(), f"{ts}.".encode() + given.body).hex()
    return [("Stripe-Signature", f"t={ts},v1={mac}")]


def secret_hints(secret: str) -> list[str]:
    """Stripe's signing secrets always carry the whsec_ prefix."""
    return [] if secret.startswith("whsec_") else ["Stripe signing secrets start with whsec_"]


def delivery_id(request: CapturedRequest, headers: Headers) -> tuple[str, str] | None:
    """The Event's `id` (evt_...) in the JSON body: a retried event carries the same one."""
    # https://docs.stripe.com/webhooks#handle-duplicate-events: endpoints may receive an event
    # more than once; log the event ids processed and skip those seen. Only on requests with a
    # Stripe-Signature (the rule's trigger), and only an evt_ id (an object's own id is not).
    value = delivery_value(json_top_level_strings(request.body, "id").get("id"))
    return (value, "body id") if value and value.startswith("evt_") else None


SCHEME = register(
    Scheme(
        name="stripe",
        order=10,
        detect_headers=("stripe-signature",),
        build_check=build_check,
        sign=sign,
        secret_kinds=(
            WHSEC,
            SecretKind(
                ("sk_", "rk_", "pk_"),
                "a Stripe API key, not a webhook signing secret",
                signing=False,
            ),
        ),
        secret_hints=secret_hints,
        has_timestamp=True,
        # stripe/_webhook.py: Webhook.DEFAULT_TOLERANCE = 300 (construct_event's default), and
        # verify_header rejects only `timestamp < time.time() - tolerance`: never the future.
        default_tolerance=300.0,
        tolerance_source="Stripe's SDK",
        rejects_future=False,
        utf8_body=True,
        delivery_id=delivery_id,
    )
)
