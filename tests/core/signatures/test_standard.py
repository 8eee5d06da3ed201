"""Standard Webhooks / Svix: base64 keys after whsec_, svix-* header names, message ids."""

from __future__ import annotations

import base64

import pytest

from tests.core.signatures.vectors import (
    DELIVERIES,
    fresh_now,
    make_request,
    only,
    settings_for,
    vectors_of,
    verdict_when_fresh,
)
from whisper_tui.core.signatures import (
    SignatureSettings,
    detect_schemes,
    get_scheme,
    sign,
    standard,
    verify,
)
from whisper_tui.core.signatures.scheme import Malformed


def test_standard_signed_with_the_raw_secret_string_is_pointed_out() -> None:
    # A sender that keys the HMAC with the whole whsec_ string, the way Stripe does.
    secret = "whsec_AAAABBBB"
    as_base64 = base64.b64encode(secret.encode()).decode()
    headers = sign(b"{}", "standard", as_base64, [], 1000, webhook_id="msg_1")
    request = make_request("standard-webhooks-vector", body=b"{}", headers=headers)
    verdict = only(verify(request, SignatureSettings({"standard": secret}), now=1000))
    assert verdict.mac_valid is False
    assert "matches when the whole secret string is the key" in verdict.reason


def test_standard_secret_that_is_not_base64_after_whsec_is_called_out() -> None:
    settings = SignatureSettings({"standard": "whsec_not*base64!"})
    verdict = only(verify(make_request("standard-webhooks-vector"), settings))
    assert verdict.status == "failed"
    assert verdict.mac_valid is None
    assert "not valid base64 after whsec_" in verdict.reason


def test_standard_secret_without_prefix_is_used_as_base64() -> None:
    name = "standard-webhooks-vector"
    bare = DELIVERIES[name]["signature"]["secret"].removeprefix("whsec_")
    settings = SignatureSettings({"standard": bare})
    verdict = only(verify(make_request(name), settings, now=fresh_now(name)))
    assert verdict.status == "verified"


def test_svix_prefixed_headers_are_checked_like_standard_ones() -> None:
    name = "standard-webhooks-vector"
    headers = [(n.replace("webhook-", "svix-"), v) for n, v in DELIVERIES[name]["headers"]]
    request = make_request(name, headers=headers)
    assert detect_schemes(request) == ["standard"]
    assert only(verify(request, settings_for(name), now=fresh_now(name))).status == "verified"


def test_sign_standard_keeps_svix_header_names() -> None:
    name = "standard-webhooks-vector"
    svix = [(n.replace("webhook-", "svix-"), v) for n, v in DELIVERIES[name]["headers"]]
    secret = DELIVERIES[name]["signature"]["secret"]
    headers = sign(b'{"edited": true}', "standard", secret, svix, 1_800_000_000)
    assert [n for n, _ in headers] == [n for n, _ in svix]
    assert dict(headers)["svix-id"] == "msg_p5jXN8AQM9LWM0D4loKWxJek"


def test_sign_standard_needs_a_message_id() -> None:
    with pytest.raises(ValueError, match="needs a message id"):
        sign(b"{}", "standard", "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", [], 1)
    headers = sign(b"{}", "standard", "MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", [], 1, webhook_id="m1")
    assert [n for n, _ in headers] == ["webhook-id", "webhook-timestamp", "webhook-signature"]


@pytest.mark.parametrize("name", vectors_of("standard"))
def test_standard_vectors_verify_just_after_signing(name: str) -> None:
    assert verdict_when_fresh(name).status == "verified"


@pytest.mark.parametrize("alias", ["svix", "standard-webhooks", "Svix"])
def test_svix_and_standard_webhooks_are_names_for_the_standard_scheme(alias: str) -> None:
    assert get_scheme(alias) is standard.SCHEME


def test_standard_key_restores_missing_base64_padding() -> None:
    assert standard.standard_key("whsec_YWJj") == b"abc"
    assert standard.standard_key("whsec_YWI") == b"ab"
    assert standard.standard_key("  YWJj\n") == b"abc"


def test_standard_key_that_is_not_base64_raises_a_readable_message() -> None:
    with pytest.raises(Malformed, match=r"^the secret is not valid base64 \(Standard Webhooks"):
        standard.standard_key("not*base64")


def test_standard_secret_pasted_with_a_newline_still_verifies() -> None:
    # The key decoder strips whitespace, so there is nothing to point out.
    name = "standard-webhooks-vector"
    secret = DELIVERIES[name]["signature"]["secret"] + "\n"
    settings = SignatureSettings({"standard": secret})
    assert only(verify(make_request(name), settings, now=fresh_now(name))).status == "verified"
    assert standard.SCHEME.trims_secret


def test_a_stale_mismatch_names_the_sdk_s_rule_without_brackets_in_brackets() -> None:
    # Newcomer E read '(the Standard Webhooks SDK (and Svix's) accepts 300 s)'.
    from tests.core.signatures.vectors import signed_at

    name = "standard-webhooks-vector"
    request = make_request(name, body=b'{"tampered": true}')
    verdict = only(verify(request, settings_for(name), now=signed_at(name) + 86400))
    assert "(the Standard Webhooks SDK, like Svix's, accepts 300 s)" in verdict.reason
    depth = deepest = 0
    for character in verdict.reason:
        depth += {"(": 1, ")": -1}.get(character, 0)
        deepest = max(deepest, depth)
    assert deepest == 1
