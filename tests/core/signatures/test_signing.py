"""Re-signing edited requests: headers replaced in place, round trips through verify."""

from __future__ import annotations

import base64

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.core.signatures.vectors import (
    DELIVERIES,
    SIGNED,
    body_of,
    make_request,
    only,
    resign,
    settings_for,
)
from whisper_tui.core.models import CapturedRequest
from whisper_tui.core.signatures import (
    SCHEMES,
    SignatureSettings,
    get_scheme,
    sign,
    verify,
)


@pytest.mark.parametrize("name", SIGNED)
def test_sign_then_verify_gives_verified(name: str) -> None:
    edited = body_of(DELIVERIES[name]) + b"&edited=1"
    timestamp = 1_800_000_000
    headers, _ = resign(name, edited, timestamp)
    request = make_request(name, body=edited, headers=headers)
    verdict = only(verify(request, settings_for(name), now=timestamp + 1))
    assert verdict.status == "verified", verdict.reason


@pytest.mark.parametrize("name", SIGNED)
def test_sign_replaces_signature_headers_in_place(name: str) -> None:
    original = [(n, v) for n, v in DELIVERIES[name]["headers"]]
    headers, _ = resign(name, b"edited", 1_800_000_000)
    assert [n for n, _ in headers] == [n for n, _ in original]
    changed = [n for (n, v), (_, old) in zip(headers, original, strict=True) if v != old]
    assert changed, "no signature header was refreshed"


def test_sign_appends_signature_headers_that_were_missing() -> None:
    headers = sign(b"{}", "paddle", "pdl_secret", [("Content-Type", "application/json")], 42)
    assert headers[0] == ("Content-Type", "application/json")
    assert headers[1][0] == "Paddle-Signature"
    assert headers[1][1].startswith("ts=42;h1=")


def test_sign_drops_duplicate_stale_signature_headers() -> None:
    stale = [("stripe-signature", "t=1,v1=aa"), ("X-Other", "1"), ("Stripe-Signature", "t=2")]
    headers = sign(b"{}", "stripe", "whsec_x", stale, 99)
    assert [n for n, _ in headers] == ["stripe-signature", "X-Other"]
    assert headers[0][1].startswith("t=99,v1=")


def test_sign_rejects_what_it_cannot_sign() -> None:
    with pytest.raises(ValueError, match="needs the full URL"):
        sign(b"", "twilio", "12345", [])
    with pytest.raises(ValueError, match="not valid base64"):
        sign(b"", "standard", "whsec_***", [("webhook-id", "m")], 1)
    with pytest.raises(ValueError, match="unknown signature scheme 'acme'"):
        sign(b"", "acme", "x", [], 1)


@given(
    body=st.binary(max_size=512),
    scheme=st.sampled_from([s for s in SCHEMES if s != "twilio"]),
    timestamp=st.integers(min_value=0, max_value=4_000_000_000),
)
def test_sign_round_trips_for_any_body(body: bytes, scheme: str, timestamp: int) -> None:
    secret = "whsec_" + base64.b64encode(b"k" * 24).decode()
    headers = sign(body, scheme, secret, [("webhook-id", "msg_1")], timestamp)
    request = CapturedRequest(
        id=1,
        received_at=0.0,
        remote="127.0.0.1",
        method="POST",
        target="/hook",
        http_version=(1, 1),
        raw_headers=tuple((n.encode(), v.encode()) for n, v in headers),
        body=body,
    )
    [verdict] = verify(request, SignatureSettings({scheme: secret}), now=timestamp)
    assert (verdict.scheme, verdict.mac_valid) == (scheme, True)
    # Those providers' SDKs decode the body first: one that isn't UTF-8 fails there.
    try:
        body.decode("utf-8")
        text = True
    except UnicodeDecodeError:
        text = False
    assert verdict.ok == (text or not get_scheme(scheme).utf8_body), verdict
