"""Signature verification and re-signing, checked against the shared delivery fixtures."""

from __future__ import annotations

import base64
import hashlib
import json
import os
import re
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from whisper_tui.core.models import CapturedRequest
from whisper_tui.core.signatures import (
    SCHEMES,
    SignatureSettings,
    Verdict,
    detect_schemes,
    format_duration,
    parse_secret_arg,
    secrets_from_env,
    sign,
    verify,
)

# The fixture is authoritative for what a verifier must conclude; prefer a copy in the repo
# if one appears, else the shared one.
_FIXTURE_CANDIDATES = [
    Path(os.environ.get("WHISPER_FIXTURES", "/nonexistent")) / "deliveries.json",
    Path(__file__).resolve().parents[1] / "fixtures" / "deliveries.json",
    Path("/work/shared/fixtures/deliveries.json"),
]
FIXTURE = next((p for p in _FIXTURE_CANDIDATES if p.is_file()), _FIXTURE_CANDIDATES[-1])
DELIVERIES: dict[str, dict[str, Any]] = {
    d["name"]: d for d in json.loads(FIXTURE.read_text())["deliveries"]
}
SIGNED = [name for name, d in DELIVERIES.items() if d.get("signature")]
STALE = [n for n in SIGNED if DELIVERIES[n]["signature"]["expect"] == "mac-valid-timestamp-old"]
UNSIGNED = [name for name, d in DELIVERIES.items() if not d.get("signature")]

# Where each timestamped scheme carries its signing time, so a test can check "at that moment".
_TIMESTAMP_PATTERNS = {
    "stripe": ("Stripe-Signature", r"(?:^|,)t=(\d+)"),
    "paddle": ("Paddle-Signature", r"(?:^|;)ts=(\d+)"),
    "slack": ("X-Slack-Request-Timestamp", r"^(\d+)$"),
    "standard": ("webhook-timestamp", r"^(\d+)$"),
}


def body_of(delivery: dict[str, Any]) -> bytes:
    if delivery["body_encoding"] == "base64":
        return base64.b64decode(delivery["body"])
    return delivery["body"].encode("utf-8")


def make_request(
    name: str,
    *,
    body: bytes | None = None,
    headers: list[tuple[str, str]] | None = None,
    target: str | None = None,
    rejected: bool = False,
) -> CapturedRequest:
    """A capture of a fixture delivery, optionally with its body, headers or target changed."""
    d = DELIVERIES[name]
    pairs = headers if headers is not None else [(n, v) for n, v in d["headers"]]
    return CapturedRequest(
        id=1,
        received_at=0.0,
        remote="127.0.0.1",
        method=d["method"],
        target=target if target is not None else d["path"],
        http_version=(1, 1),
        raw_headers=tuple((n.encode("latin-1"), v.encode("latin-1")) for n, v in pairs),
        body=b"" if rejected else (body if body is not None else body_of(d)),
        rejected=rejected,
    )


def with_header(name: str, header: str, value: str | None) -> list[tuple[str, str]]:
    """The delivery's headers with one replaced (or removed when value is None)."""
    out = []
    for n, v in DELIVERIES[name]["headers"]:
        if n.lower() != header.lower():
            out.append((n, v))
        elif value is not None:
            out.append((n, value))
    return out


def twilio_public_url() -> str:
    """The public base URL, read from the Twilio vector's note (the full URL minus the target)."""
    d = DELIVERIES["twilio-doc-example"]
    full = re.search(r"https?://\S+", d["note"])
    assert full is not None
    assert full.group(0).endswith(d["path"])
    return full.group(0)[: -len(d["path"])]


def settings_for(name: str, **overrides: Any) -> SignatureSettings:
    sig = DELIVERIES[name]["signature"]
    public_url = twilio_public_url() if sig["scheme"] == "twilio" else None
    options: dict[str, Any] = {"secrets": {sig["scheme"]: sig["secret"]}, "public_url": public_url}
    options.update(overrides)
    return SignatureSettings(**options)


def signed_at(name: str) -> int:
    """The timestamp a fixture delivery was signed with."""
    d = DELIVERIES[name]
    header, pattern = _TIMESTAMP_PATTERNS[d["signature"]["scheme"]]
    value = dict((n.lower(), v) for n, v in d["headers"])[header.lower()]
    found = re.search(pattern, value)
    assert found is not None
    return int(found.group(1))


def fresh_now(name: str) -> float | None:
    """A `now` at which the delivery's timestamp is within tolerance (None if untimestamped)."""
    scheme = DELIVERIES[name]["signature"]["scheme"]
    return signed_at(name) + 5.0 if scheme in _TIMESTAMP_PATTERNS else None


def only(verdicts: list[Verdict]) -> Verdict:
    assert len(verdicts) == 1, verdicts
    return verdicts[0]


def scheme_of(name: str) -> str:
    return DELIVERIES[name]["signature"]["scheme"]


# ---------------------------------------------------------------------------------------------
# The fixture vectors


def test_fixture_covers_every_scheme() -> None:
    assert {scheme_of(n) for n in SIGNED} == set(SCHEMES)


@pytest.mark.parametrize("name", SIGNED)
def test_fixture_vector_reaches_the_expected_verdict(name: str) -> None:
    expect = DELIVERIES[name]["signature"]["expect"]
    verdict = only(verify(make_request(name), settings_for(name)))

    assert verdict.scheme == scheme_of(name)
    if expect in ("verified", "verified-with-public-url"):
        assert verdict.status == "verified"
        assert verdict.ok
        assert verdict.reason == ""
        assert verdict.mac_valid is True
    else:
        assert expect == "mac-valid-timestamp-old"
        assert verdict.status == "failed"
        assert not verdict.ok
        assert verdict.mac_valid is True
        assert verdict.skew_seconds is not None and verdict.skew_seconds > 300
        assert verdict.reason.startswith("MAC valid but timestamp is ")
        assert "tolerance 300 s" in verdict.reason


@pytest.mark.parametrize("name", STALE)
def test_stale_vector_verifies_when_checked_at_its_signing_time(name: str) -> None:
    now = signed_at(name) + 10
    verdict = only(verify(make_request(name), settings_for(name), now=now))
    assert verdict.status == "verified"
    assert verdict.skew_seconds == pytest.approx(10)


@pytest.mark.parametrize("name", SIGNED)
def test_scheme_is_detected_from_headers(name: str) -> None:
    assert detect_schemes(make_request(name)) == [scheme_of(name)]


@pytest.mark.parametrize("name", UNSIGNED)
def test_unsigned_delivery_gets_no_verdicts(name: str) -> None:
    request = make_request(name)
    assert detect_schemes(request) == []
    assert verify(request, SignatureSettings({"github": "x", "stripe": "whsec_x"})) == []


def test_detection_ignores_which_secrets_are_configured() -> None:
    request = make_request("github-push")
    stripe_only = SignatureSettings(
        {"stripe": DELIVERIES["stripe-docs-selfcomputed"]["signature"]["secret"]}
    )
    assert detect_schemes(request) == ["github"]
    assert [v.scheme for v in verify(request, stripe_only)] == ["github"]


def test_request_signed_by_two_schemes_gets_a_verdict_for_each_in_order() -> None:
    headers = [*DELIVERIES["github-docs-vector"]["headers"], ("Stripe-Signature", "t=1,v1=00")]
    request = make_request("github-docs-vector", headers=headers)
    verdicts = verify(request, settings_for("github-docs-vector"))
    assert [(v.scheme, v.status) for v in verdicts] == [
        ("stripe", "no-secret"),
        ("github", "verified"),
    ]


# ---------------------------------------------------------------------------------------------
# Failing MACs


@pytest.mark.parametrize("name", SIGNED)
def test_tampered_body_fails_and_lists_the_candidates_tried(name: str) -> None:
    body = body_of(DELIVERIES[name])
    tampered = body[:-1] + bytes([body[-1] ^ 0x01])
    request = make_request(name, body=tampered)
    verdict = only(verify(request, settings_for(name), now=fresh_now(name)))

    assert verdict.status == "failed"
    assert verdict.mac_valid is False
    assert "(tried " in verdict.reason
    assert not verdict.reason.startswith("MAC valid")


@pytest.mark.parametrize("name", SIGNED)
def test_secret_of_another_scheme_does_not_verify(name: str) -> None:
    other = next(n for n in SIGNED if scheme_of(n) != scheme_of(name))
    wrong = DELIVERIES[other]["signature"]["secret"]
    settings = settings_for(name, secrets={scheme_of(name): wrong})
    verdict = only(verify(make_request(name), settings, now=fresh_now(name)))

    assert verdict.status == "failed"
    assert verdict.mac_valid in (False, None)  # None: a secret the scheme can't even decode
    assert verdict.reason


def test_github_with_a_whsec_secret_says_it_looks_like_a_stripe_secret() -> None:
    stripe_secret = DELIVERIES["stripe-docs-selfcomputed"]["signature"]["secret"]
    settings = SignatureSettings({"github": stripe_secret})
    verdict = only(verify(make_request("github-push"), settings))
    assert verdict.mac_valid is False
    assert "the secret looks like a Stripe or Standard Webhooks secret" in verdict.reason


def test_stripe_with_a_paddle_secret_says_stripe_secrets_start_with_whsec() -> None:
    paddle_secret = DELIVERIES["paddle-sdk-vector"]["signature"]["secret"]
    settings = SignatureSettings({"stripe": paddle_secret})
    verdict = only(verify(make_request("stripe-payment-intent"), settings))
    assert "Stripe signing secrets start with whsec_" in verdict.reason
    assert "the secret looks like a Paddle notification secret" in verdict.reason


def test_stripe_with_an_api_key_says_it_is_not_a_signing_secret() -> None:
    settings = SignatureSettings({"stripe": "sk_test_abc123"})
    verdict = only(verify(make_request("stripe-payment-intent"), settings))
    assert "looks like a Stripe API key, not a webhook signing secret" in verdict.reason


def test_slack_with_an_api_token_says_it_is_not_the_signing_secret() -> None:
    settings = SignatureSettings({"slack": "xoxb-1234-abcd"})
    verdict = only(verify(make_request("slack-slash-command-vector"), settings))
    assert "looks like a Slack API token, not the signing secret" in verdict.reason


def test_stripe_signed_the_standard_webhooks_way_is_pointed_out() -> None:
    # A sender that base64-decodes whsec_ like Standard Webhooks, but sends Stripe headers.
    secret = "whsec_" + base64.b64encode(b"decoded-key").decode()
    headers = sign(b"{}", "stripe", "decoded-key", [], 1000)
    request = make_request("stripe-docs-selfcomputed", body=b"{}", headers=headers)
    verdict = only(verify(request, SignatureSettings({"stripe": secret}), now=1000))
    assert verdict.mac_valid is False
    assert "matches when the secret is base64-decoded after whsec_" in verdict.reason


def test_standard_signed_with_the_raw_secret_string_is_pointed_out() -> None:
    # A sender that keys the HMAC with the whole whsec_ string, the way Stripe does.
    secret = "whsec_AAAABBBB"
    as_base64 = base64.b64encode(secret.encode()).decode()
    headers = sign(b"{}", "standard", as_base64, [], 1000, webhook_id="msg_1")
    request = make_request("standard-webhooks-vector", body=b"{}", headers=headers)
    verdict = only(verify(request, SignatureSettings({"standard": secret}), now=1000))
    assert verdict.mac_valid is False
    assert "matches when the whole secret string is the key" in verdict.reason


def test_stripe_mismatch_mentions_that_stripe_listen_has_its_own_secret() -> None:
    settings = SignatureSettings({"stripe": "whsec_from_the_dashboard"})
    verdict = only(verify(make_request("stripe-docs-selfcomputed"), settings))
    assert verdict.mac_valid is False
    assert "stripe listen" in verdict.reason
    assert "tried v1=00cd8805b6df…" in verdict.reason


def test_stripe_tries_every_v1_candidate() -> None:
    name = "stripe-docs-selfcomputed"
    original = dict(DELIVERIES[name]["headers"])["Stripe-Signature"]
    t, rest = original.split(",", 1)
    headers = with_header(name, "Stripe-Signature", f"{t},v1={'ab' * 32},{rest},v0=ff")
    verdict = only(verify(make_request(name, headers=headers), settings_for(name), now=1614265330))
    assert verdict.status == "verified"


def test_paddle_failure_names_the_h1_that_is_not_hex() -> None:
    name = "paddle-sdk-vector"
    request = make_request(name, body=b"goodbye-world")
    verdict = only(verify(request, settings_for(name), now=fresh_now(name)))
    assert "h1=dummy (not hex)" in verdict.reason
    assert "h1=d96299976a6e…" in verdict.reason


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


def test_secret_pasted_with_a_newline_is_pointed_out() -> None:
    settings = SignatureSettings({"github": "gh-fixture-secret\n"})
    verdict = only(verify(make_request("github-push"), settings))
    assert verdict.status == "failed"
    assert "matches once the secret's leading/trailing whitespace is removed" in verdict.reason


def test_mac_failure_on_a_stale_delivery_also_mentions_the_age() -> None:
    name = "slack-slash-command-vector"
    request = make_request(name, body=b"token=changed")
    verdict = only(verify(request, settings_for(name)))
    assert verdict.mac_valid is False
    assert "the timestamp is also " in verdict.reason


# ---------------------------------------------------------------------------------------------
# Bodies changed in transit


def test_trailing_newline_added_in_transit_is_detected() -> None:
    name = "github-docs-vector"
    request = make_request(name, body=body_of(DELIVERIES[name]) + b"\n")
    verdict = only(verify(request, settings_for(name)))
    assert verdict.mac_valid is False
    assert "matches the body with its trailing newline removed" in verdict.reason
    assert "whitespace appears to have changed" in verdict.reason


def test_line_endings_changed_in_transit_are_detected() -> None:
    name = "github-push"
    request = make_request(name, body=body_of(DELIVERIES[name]).replace(b"\n", b"\r\n"))
    verdict = only(verify(request, settings_for(name)))
    assert "with CRLF line ends as LF" in verdict.reason


def test_pretty_json_compacted_in_transit_is_reported_as_reserialized() -> None:
    name = "github-push"
    compact = json.dumps(json.loads(body_of(DELIVERIES[name])), separators=(",", ":"))
    verdict = only(verify(make_request(name, body=compact.encode()), settings_for(name)))
    assert "re-serialized as 2-space indented JSON" in verdict.reason
    assert "appears to have been re-serialized" in verdict.reason


def test_spaced_json_compacted_in_transit_is_reported_as_reserialized() -> None:
    name = "shopify-order-create"
    compact = json.dumps(json.loads(body_of(DELIVERIES[name])), separators=(",", ":"))
    verdict = only(verify(make_request(name, body=compact.encode()), settings_for(name)))
    assert "re-serialized as JSON with ', ' and ': '" in verdict.reason


def test_unrelated_body_change_gets_no_transit_hint() -> None:
    name = "github-push"
    request = make_request(name, body=body_of(DELIVERIES[name]).replace(b"octocat", b"hubot"))
    verdict = only(verify(request, settings_for(name)))
    assert verdict.mac_valid is False
    assert "appears to have" not in verdict.reason


def test_request_whose_body_was_not_kept_cannot_be_checked() -> None:
    request = make_request("github-push", rejected=True)
    verdict = only(verify(request, settings_for("github-push")))
    assert verdict.status == "failed"
    assert verdict.mac_valid is None
    assert "not kept" in verdict.reason


# ---------------------------------------------------------------------------------------------
# Timestamps


def test_stripe_stale_timestamp_reports_skew() -> None:
    name = "stripe-payment-intent"
    age = 2 * 365 * 86400 + 3 * 86400
    verdict = only(verify(make_request(name), settings_for(name), now=signed_at(name) + age))
    assert verdict.mac_valid is True
    assert verdict.skew_seconds == age
    assert verdict.reason == f"MAC valid but timestamp is 2y 3d old ({age} s; tolerance 300 s)"
    assert verdict.line() == f"signature: failed (stripe): {verdict.reason}"


def test_timestamp_from_the_future_is_reported_as_such() -> None:
    name = "slack-slash-command-vector"
    verdict = only(verify(make_request(name), settings_for(name), now=signed_at(name) - 3600))
    assert verdict.status == "failed"
    assert verdict.skew_seconds == -3600
    assert "timestamp is 1h in the future" in verdict.reason


def test_timestamp_just_inside_tolerance_verifies() -> None:
    name = "paddle-sdk-vector"
    verdict = only(verify(make_request(name), settings_for(name), now=signed_at(name) + 300))
    assert verdict.status == "verified"


def test_tolerance_is_configurable() -> None:
    name = "standard-webhooks-vector"
    settings = settings_for(name, tolerance_seconds=30.0)
    assert only(verify(make_request(name), settings, now=signed_at(name) + 31)).status == "failed"
    generous = settings_for(name, tolerance_seconds=1e10)
    assert only(verify(make_request(name), generous)).status == "verified"


# ---------------------------------------------------------------------------------------------
# Malformed headers


@pytest.mark.parametrize(
    ("name", "header", "value", "reason"),
    [
        ("stripe-docs-selfcomputed", "Stripe-Signature", "v1=abcd", "no t= timestamp"),
        ("stripe-docs-selfcomputed", "Stripe-Signature", "t=soon,v1=ab", "not a Unix timestamp"),
        ("stripe-docs-selfcomputed", "Stripe-Signature", "t=1,v0=deadbeef", "no v1= signature"),
        ("stripe-docs-selfcomputed", "Stripe-Signature", "t=1,v1", "'v1' is not key=value"),
        ("github-push", "X-Hub-Signature-256", "c284fcc84cc0", "should be sha256=<hex>"),
        ("slack-slash-command-vector", "X-Slack-Request-Timestamp", None, "Timestamp header is"),
        ("slack-slash-command-vector", "X-Slack-Signature", "a2114d57", "should be v0=<hex>"),
        ("standard-webhooks-vector", "webhook-id", None, "webhook-id header is missing"),
        ("standard-webhooks-vector", "webhook-signature", "v1:abc", "is not <version>,<base64>"),
        ("standard-webhooks-vector", "webhook-signature", "v1a,abc", "found v1a, not checked"),
        ("standard-webhooks-vector", "webhook-timestamp", "", "webhook-timestamp header is empty"),
        ("paddle-sdk-vector", "Paddle-Signature", "h1=abcd", "no ts= timestamp"),
        ("paddle-sdk-vector", "Paddle-Signature", "ts=1696195954", "no h1= signature"),
    ],
)
def test_malformed_header_says_what_is_wrong(
    name: str, header: str, value: str | None, reason: str
) -> None:
    request = make_request(name, headers=with_header(name, header, value))
    verdict = only(verify(request, settings_for(name)))
    assert verdict.status == "failed"
    assert verdict.mac_valid is None
    assert reason in verdict.reason


def test_signature_that_is_not_base64_is_named() -> None:
    name = "shopify-order-create"
    headers = with_header(name, "X-Shopify-Hmac-Sha256", "not base64!")
    verdict = only(verify(make_request(name, headers=headers), settings_for(name)))
    assert verdict.mac_valid is False
    assert "not base64! (not base64)" in verdict.reason


def test_svix_prefixed_headers_are_checked_like_standard_ones() -> None:
    name = "standard-webhooks-vector"
    headers = [(n.replace("webhook-", "svix-"), v) for n, v in DELIVERIES[name]["headers"]]
    request = make_request(name, headers=headers)
    assert detect_schemes(request) == ["standard"]
    assert only(verify(request, settings_for(name), now=fresh_now(name))).status == "verified"


# ---------------------------------------------------------------------------------------------
# Missing secret


@pytest.mark.parametrize("name", SIGNED)
def test_missing_secret_says_how_to_pass_one(name: str) -> None:
    scheme = scheme_of(name)
    verdict = only(verify(make_request(name), SignatureSettings({})))
    assert verdict.status == "no-secret"
    assert verdict.mac_valid is None
    assert f"--secret {scheme}=..." in verdict.reason
    assert f"WHISPER_SECRET_{scheme.upper()}" in verdict.reason


# ---------------------------------------------------------------------------------------------
# Twilio and the public URL


def test_twilio_without_public_url_says_so_and_suggests_the_host_header() -> None:
    name = "twilio-doc-example"
    verdict = only(verify(make_request(name), settings_for(name, public_url=None)))
    assert verdict.status == "failed"
    assert verdict.mac_valid is None
    assert "no public URL configured" in verdict.reason
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


# ---------------------------------------------------------------------------------------------
# Re-signing


def _resign(name: str, body: bytes, timestamp: int) -> tuple[list[tuple[str, str]], str | None]:
    d = DELIVERIES[name]
    url = twilio_public_url() + d["path"] if scheme_of(name) == "twilio" else None
    headers = [(n, v) for n, v in d["headers"]]
    secret = d["signature"]["secret"]
    return sign(body, scheme_of(name), secret, headers, timestamp, url=url), url


@pytest.mark.parametrize("name", SIGNED)
def test_sign_then_verify_gives_verified(name: str) -> None:
    edited = body_of(DELIVERIES[name]) + b"&edited=1"
    timestamp = 1_800_000_000
    headers, _ = _resign(name, edited, timestamp)
    request = make_request(name, body=edited, headers=headers)
    verdict = only(verify(request, settings_for(name), now=timestamp + 1))
    assert verdict.status == "verified", verdict.reason


@pytest.mark.parametrize("name", SIGNED)
def test_sign_replaces_signature_headers_in_place(name: str) -> None:
    original = [(n, v) for n, v in DELIVERIES[name]["headers"]]
    headers, _ = _resign(name, b"edited", 1_800_000_000)
    assert [n for n, _ in headers] == [n for n, _ in original]
    changed = [n for (n, v), (_, old) in zip(headers, original, strict=True) if v != old]
    assert changed, "no signature header was refreshed"


def test_sign_leaves_other_headers_untouched() -> None:
    name = "slack-slash-command-vector"
    original = [(n, v) for n, v in DELIVERIES[name]["headers"]]
    headers, _ = _resign(name, b"text=hi", 1_800_000_000)
    assert headers[0] == original[0]
    assert dict(headers)["X-Slack-Request-Timestamp"] == "1800000000"


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
    verdicts = verify(request, SignatureSettings({scheme: secret}), now=timestamp)
    assert [(v.scheme, v.status) for v in verdicts] == [(scheme, "verified")]


# ---------------------------------------------------------------------------------------------
# Configuration helpers


def test_parse_secret_arg_splits_scheme_and_secret() -> None:
    assert parse_secret_arg("github=s3cret") == ("github", "s3cret")
    assert parse_secret_arg("Stripe=whsec_abc==") == ("stripe", "whsec_abc==")
    assert parse_secret_arg("svix=whsec_abc") == ("standard", "whsec_abc")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("github", "expects SCHEME=SECRET"),
        ("=s3cret", "expects SCHEME=SECRET"),
        ("github=", "empty secret"),
        ("acme=s3cret", "unknown signature scheme 'acme'; known: stripe, github"),
    ],
)
def test_parse_secret_arg_rejects_bad_input_in_one_line(text: str, message: str) -> None:
    with pytest.raises(ValueError, match=re.escape(message)) as info:
        parse_secret_arg(text)
    assert "\n" not in str(info.value)


def test_secrets_from_env_reads_whisper_secret_variables() -> None:
    environ = {
        "WHISPER_SECRET_GITHUB": "gh",
        "WHISPER_SECRET_STANDARD": "whsec_abc",
        "WHISPER_SECRET_SLACK": "",
        "HOME": "/root",
    }
    assert secrets_from_env(environ) == {"github": "gh", "standard": "whsec_abc"}


def test_secrets_from_env_rejects_an_unknown_scheme_by_variable_name() -> None:
    with pytest.raises(ValueError, match="WHISPER_SECRET_GITLAB: unknown signature scheme"):
        secrets_from_env({"WHISPER_SECRET_GITLAB": "x"})


# ---------------------------------------------------------------------------------------------
# Presentation


def test_verdict_line_reads_naturally() -> None:
    assert Verdict("github", "verified", "", True).line() == "signature: verified (github)"
    failed = Verdict("stripe", "failed", "no v1 matched", False)
    assert failed.line() == "signature: failed (stripe): no v1 matched"
    assert not failed.ok


@pytest.mark.parametrize(
    ("seconds", "text"),
    [(0, "0s"), (42, "42s"), (312, "5m 12s"), (3600, "1h"), (90061, "1d 1h"), (63331200, "2y 3d")],
)
def test_durations_read_as_the_two_largest_units(seconds: float, text: str) -> None:
    assert format_duration(seconds) == text
