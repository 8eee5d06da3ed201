"""X-Twilio-Signature: the public URL, the Host-header guess, bodySHA256."""

from __future__ import annotations

import hashlib

import pytest

from tests.core.signatures.vectors import (
    make_request,
    only,
    settings_for,
    twilio_public_url,
    vectors_of,
    verdict_when_fresh,
)
from whisper_tui.core.signatures import (
    sign,
    twilio,
    verify,
)


def test_twilio_without_public_url_says_so_and_suggests_the_host_header() -> None:
    name = "twilio-doc-example"
    verdict = only(verify(make_request(name), settings_for(name, public_url=None)))
    assert verdict.status == "failed"
    assert verdict.mac_valid is None
    assert "no public URL configured" in verdict.reason
    assert "--public-url" in verdict.reason  # names the way to give it
    assert "does match https://mycompany.com built from the Host header" in verdict.reason


def test_twilio_with_the_wrong_url_scheme_suggests_the_other_one() -> None:
    name = "twilio-doc-example"
    http_url = twilio_public_url().replace("https://", "http://")
    verdict = only(verify(make_request(name), settings_for(name, public_url=http_url)))
    assert verdict.mac_valid is False
    assert "for URL http://mycompany.com/myapp.php?foo=1&bar=2" in verdict.reason
    assert "matches with https:// instead of http://" in verdict.reason


@pytest.mark.parametrize("suffix", ["/", ":443"])
def test_twilio_public_url_with_trailing_slash_or_default_port_still_verifies(suffix: str) -> None:
    name = "twilio-doc-example"
    settings = settings_for(name, public_url=twilio_public_url() + suffix)
    assert only(verify(make_request(name), settings)).status == "verified"


def test_twilio_json_body_is_checked_through_its_body_sha256() -> None:
    name = "twilio-doc-example"
    body = b'{"CallSid": "CA1234567890ABCDE"}'
    target = f"/myapp.php?bodySHA256={hashlib.sha256(body).hexdigest()}"
    base = twilio_public_url()
    headers = sign(
        body, "twilio", "12345", [("Content-Type", "application/json")], url=base + target
    )
    settings = settings_for(name, public_url=base)

    signed = make_request(name, body=body, headers=headers, target=target)
    assert only(verify(signed, settings)).status == "verified"

    changed = make_request(name, body=body.replace(b"CA", b"CB"), headers=headers, target=target)
    verdict = only(verify(changed, settings))
    assert verdict.status == "failed"
    assert "bodySHA256 in the URL" in verdict.reason


@pytest.mark.parametrize("name", vectors_of("twilio"))
def test_twilio_vectors_verify_with_the_public_url(name: str) -> None:
    verdict = verdict_when_fresh(name)
    assert verdict.status == "verified"
    assert verdict.skew_seconds is None  # Twilio signs no timestamp


@pytest.mark.parametrize(
    ("url", "variants"),
    [
        ("https://a.example/x", ["https://a.example/x", "https://a.example:443/x"]),
        ("http://a.example:80/x", ["http://a.example:80/x", "http://a.example/x"]),
        ("https://u@a.example/x", ["https://u@a.example/x", "https://u@a.example:443/x"]),
        ("https://a.example:8443/x", ["https://a.example:8443/x"]),
        ("ftp://a.example/x", ["ftp://a.example/x"]),
    ],
)
def test_port_variants_add_or_drop_only_the_default_port(url: str, variants: list[str]) -> None:
    assert twilio.port_variants(url) == variants


def test_twilio_message_appends_sorted_form_params_to_the_url() -> None:
    body = b"b=2&a=1&a=0"
    message = twilio.twilio_message(
        "https://x/y", "POST", "application/x-www-form-urlencoded", body
    )
    assert message == b"https://x/ya0a1b2"


def test_twilio_message_of_a_json_body_is_the_url_alone() -> None:
    assert twilio.twilio_message("https://x/y", "POST", "application/json", b"{}") == b"https://x/y"


def test_twilio_sign_refuses_a_stale_body_sha256_in_the_url() -> None:
    with pytest.raises(ValueError, match="bodySHA256 is not the SHA-256"):
        sign(b"{}", "twilio", "k", [], url="https://x/y?bodySHA256=00")


SHA256_SETTINGS = (
    "X-Twilio-Webhooks-Signature-Settings",
    "key=webhooks_sk_1,algorithm=HMAC_SHA256",
)


def _signed_doc_example(*extra: tuple[str, str]) -> list[tuple[str, str]]:
    """The docs example's headers re-signed (with `extra` headers) for its public URL."""
    name = "twilio-doc-example"
    request = make_request(name)
    headers = [*request.headers, *extra]
    url = twilio_public_url() + request.target
    return sign(request.body, "twilio", "12345", headers, url=url)


def test_twilio_hmac_sha256_named_by_the_settings_header_verifies() -> None:
    name = "twilio-doc-example"
    headers = _signed_doc_example(SHA256_SETTINGS)
    legacy = dict(_signed_doc_example())["X-Twilio-Signature"]
    assert dict(headers)["X-Twilio-Signature"] != legacy  # signed with SHA-256, not SHA-1
    request = make_request(name, headers=headers)
    settings = settings_for(name, secrets={"twilio": "12345"})
    assert only(verify(request, settings)).status == "verified"


def test_twilio_failure_names_the_algorithm_tried_and_spots_the_other_one() -> None:
    name = "twilio-doc-example"
    settings = settings_for(name, secrets={"twilio": "12345"})
    # Signed with SHA-1, but the settings header (added afterwards) claims SHA-256.
    claimed = make_request(name, headers=[*_signed_doc_example(), SHA256_SETTINGS])
    verdict = only(verify(claimed, settings))
    assert verdict.status == "failed"
    assert "with HMAC_SHA256 (as X-Twilio-Webhooks-Signature-Settings says)" in verdict.reason
    assert "the MAC matches with HMAC_SHA1, but X-Twilio-Webhooks-Signature-Settings says" in (
        verdict.reason
    )
    plain = make_request(name)
    wrong = only(verify(plain, settings_for(name, secrets={"twilio": "not-it"})))
    assert "with HMAC_SHA1 (the legacy default)" in wrong.reason


def test_twilio_settings_header_naming_an_unknown_algorithm_is_reported() -> None:
    name = "twilio-doc-example"
    odd = ("X-Twilio-Webhooks-Signature-Settings", "key=k,algorithm=HMAC_SHA512")
    request = make_request(name, headers=[*make_request(name).headers, odd])
    verdict = only(verify(request, settings_for(name)))
    assert verdict.mac_valid is None
    assert "names algorithm 'HMAC_SHA512', which Twilio's SDK does not verify" in verdict.reason
    with pytest.raises(ValueError, match=r"^X-Twilio-Webhooks-Signature-Settings names"):
        sign(b"", "twilio", "k", [odd], url="https://x/y")


def test_twilio_body_sha256_is_compared_exactly_like_the_sdk() -> None:
    body = b'{"a":1}'
    upper = hashlib.sha256(body).hexdigest().upper()
    target = f"/hook?bodySHA256={upper}"
    headers = [("Content-Type", "application/json"), ("X-Twilio-Signature", "AAAA")]
    request = make_request("twilio-doc-example", body=body, headers=headers, target=target)
    verdict = only(verify(request, settings_for("twilio-doc-example")))
    assert "is not the SHA-256 of the body" in verdict.reason and "lowercase hex" in verdict.reason
