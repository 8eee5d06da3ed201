"""X-Hub-Signature-256 and the legacy SHA-1 X-Hub-Signature."""

from __future__ import annotations

import hashlib
import hmac

import pytest

from tests.core.signatures.vectors import (
    DELIVERIES,
    make_request,
    only,
    settings_for,
    vectors_of,
    verdict_when_fresh,
)
from whisper_tui.core.signatures import SignatureSettings, SigningInput, github, sign, verify


def test_sign_keeps_the_legacy_github_sha1_header_consistent() -> None:
    body = b'{"zen": "Keep it logically awesome."}'
    headers = sign(body, "github", "s3cret", [("X-Hub-Signature", "sha1=00")])
    assert [n for n, _ in headers] == ["X-Hub-Signature", "X-Hub-Signature-256"]

    sha1_only = [(n, v) for n, v in headers if n == "X-Hub-Signature"]
    request = make_request("github-push", body=body, headers=sha1_only)
    assert only(verify(request, SignatureSettings({"github": "s3cret"}))).status == "verified"

    tampered = make_request("github-push", body=body + b" ", headers=sha1_only)
    verdict = only(verify(tampered, SignatureSettings({"github": "s3cret"})))
    assert "X-Hub-Signature does not match" in verdict.reason


@pytest.mark.parametrize("name", vectors_of("github"))
def test_github_vectors_verify(name: str) -> None:
    verdict = verdict_when_fresh(name)
    assert verdict.status == "verified"
    assert verdict.skew_seconds is None  # GitHub signs no timestamp


def test_github_checks_the_sha256_header_when_both_are_sent() -> None:
    name = "github-docs-vector"
    headers = [*DELIVERIES[name]["headers"], ("X-Hub-Signature", "sha1=" + "00" * 20)]
    verdict = only(verify(make_request(name, headers=headers), settings_for(name)))
    assert verdict.status == "verified"


def test_github_sign_adds_no_sha1_header_when_none_was_sent() -> None:
    new = github.sign(SigningInput(b"body", "s3cret", [("Content-Type", "text/plain")], 1))
    mac = hmac.new(b"s3cret", b"body", hashlib.sha256).hexdigest()
    assert new == [("X-Hub-Signature-256", f"sha256={mac}")]


def test_github_is_detected_by_either_signature_header() -> None:
    assert github.SCHEME.detect_headers == ("x-hub-signature-256", "x-hub-signature")
    headers = sign(b"x", "github", "k", [("X-Hub-Signature", "sha1=00")])
    sha1_only = [(n, v) for n, v in headers if n == "X-Hub-Signature"]
    request = make_request("github-push", body=b"x", headers=sha1_only)
    assert only(verify(request, SignatureSettings({"github": "k"}))).status == "verified"


@pytest.mark.parametrize(
    ("scheme", "fixture"),
    [
        ("github", "github-push"),
        ("stripe", "stripe-payment-intent"),
        ("slack", "slack-slash-command-vector"),
        ("shopify", "shopify-order-create"),
        ("paddle", "paddle-sdk-vector"),
    ],
)
def test_a_secret_given_as_bytes_that_are_not_utf8_is_those_bytes_as_the_key(
    scheme: str, fixture: str
) -> None:
    # From argv or the environment such bytes arrive as lone surrogates (surrogateescape):
    # verifying a capture raised UnicodeEncodeError, and headless lost the capture's line.
    raw = b"\xffkey-bytes-not-utf8"
    secret = raw.decode("utf-8", "surrogateescape")
    body = b'{"zen": "x"}'
    headers = sign(body, scheme, secret, [("Content-Type", "application/json")])
    request = make_request(fixture, body=body, headers=headers)
    assert only(verify(request, SignatureSettings({scheme: secret}))).status == "verified"
    if scheme == "github":  # the key is the raw bytes, as hmac with them says
        mac = hmac.new(raw, body, hashlib.sha256).hexdigest()
        assert dict(headers)["X-Hub-Signature-256"] == f"sha256={mac}"
