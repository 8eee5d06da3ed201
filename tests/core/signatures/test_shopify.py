"""X-Shopify-Hmac-Sha256: one base64 MAC of the body."""

from __future__ import annotations

import base64
import hashlib
import hmac

import pytest

from tests.core.signatures.vectors import (
    make_request,
    only,
    settings_for,
    vectors_of,
    verdict_when_fresh,
    with_header,
)
from whisper_tui.core.signatures import SignatureSettings, SigningInput, shopify, verify


def test_signature_that_is_not_base64_is_named() -> None:
    name = "shopify-order-create"
    headers = with_header(name, "X-Shopify-Hmac-Sha256", "not base64!")
    verdict = only(verify(make_request(name, headers=headers), settings_for(name)))
    assert verdict.mac_valid is False
    assert "not base64! (not base64)" in verdict.reason


@pytest.mark.parametrize("name", vectors_of("shopify"))
def test_shopify_vectors_verify(name: str) -> None:
    assert verdict_when_fresh(name).status == "verified"


def test_shopify_signs_the_base64_hmac_of_the_body() -> None:
    [(header, value)] = shopify.sign(SigningInput(b"{}", "shpss_x", [], 1))
    assert header == "X-Shopify-Hmac-Sha256"
    assert base64.b64decode(value) == hmac.new(b"shpss_x", b"{}", hashlib.sha256).digest()


def test_an_access_token_is_pointed_out_even_to_shopify() -> None:
    request = make_request("shopify-order-create")
    verdict = only(verify(request, SignatureSettings({"shopify": "shpat_123"})))
    assert "the secret looks like a Shopify access token, not the app secret" in verdict.reason


def test_an_app_secret_is_not_called_out_to_shopify_but_is_to_others() -> None:
    request = make_request("shopify-order-create")
    verdict = only(verify(request, SignatureSettings({"shopify": "shpss_wrong"})))
    assert "looks like" not in verdict.reason
    github = only(verify(make_request("github-push"), SignatureSettings({"github": "shpss_x"})))
    assert "the secret looks like a Shopify app secret" in github.reason
