"""Detecting schemes by header and checking each: verdicts, reasons, timestamps."""

from __future__ import annotations

import pytest

from tests.core.signatures.vectors import (
    DELIVERIES,
    SIGNED,
    STALE,
    UNSIGNED,
    body_of,
    fresh_now,
    make_request,
    only,
    scheme_of,
    settings_for,
    signed_at,
    with_header,
)
from whisper_tui.core.signatures import (
    SCHEMES,
    SignatureSettings,
    detect_schemes,
    get_scheme,
    sign,
    verify,
)


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
        tolerance = get_scheme(scheme_of(name)).default_tolerance
        assert verdict.skew_seconds is not None and verdict.skew_seconds > tolerance
        assert verdict.reason.startswith("MAC valid but timestamp is ")
        assert verdict.reason.endswith(f" accepts {tolerance:g} s") and "SDK" in verdict.reason


@pytest.mark.parametrize("name", STALE)
def test_stale_vector_verifies_when_checked_at_its_signing_time(name: str) -> None:
    now = signed_at(name) + 3
    verdict = only(verify(make_request(name), settings_for(name), now=now))
    assert verdict.status == "verified"
    assert verdict.skew_seconds == pytest.approx(3)


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


def test_request_whose_body_was_not_kept_cannot_be_checked() -> None:
    request = make_request("github-push", rejected=True)
    verdict = only(verify(request, settings_for("github-push")))
    assert verdict.status == "failed"
    assert verdict.mac_valid is None
    assert "not kept" in verdict.reason


def test_timestamp_from_the_future_is_reported_as_such() -> None:
    name = "slack-slash-command-vector"
    verdict = only(verify(make_request(name), settings_for(name), now=signed_at(name) - 3600))
    assert verdict.status == "failed"
    assert verdict.skew_seconds == -3600
    assert "timestamp is 1h in the future" in verdict.reason


def test_timestamp_exactly_at_the_sdk_tolerance_verifies_and_just_past_it_fails() -> None:
    name = "paddle-sdk-vector"
    at_edge = only(verify(make_request(name), settings_for(name), now=signed_at(name) + 5))
    assert at_edge.status == "verified"
    past = only(verify(make_request(name), settings_for(name), now=signed_at(name) + 60))
    assert past.status == "failed"
    assert past.reason == "MAC valid but timestamp is 60 s old; Paddle's SDK accepts 5 s"


def test_a_fraction_past_the_tolerance_is_shown_so_it_does_not_read_as_inside() -> None:
    name = "paddle-sdk-vector"
    verdict = only(verify(make_request(name), settings_for(name), now=signed_at(name) + 5.5))
    assert verdict.reason == "MAC valid but timestamp is 5.5 s old; Paddle's SDK accepts 5 s"


def test_tolerance_is_configurable_for_every_scheme() -> None:
    name = "standard-webhooks-vector"
    settings = settings_for(name, tolerance_seconds=30.0)
    strict = only(verify(make_request(name), settings, now=signed_at(name) + 31))
    assert strict.reason == "MAC valid but timestamp is 31 s old; --tolerance is 30 s"
    generous = settings_for(name, tolerance_seconds=1e10)
    assert only(verify(make_request(name), generous)).status == "verified"


def test_a_scheme_s_own_tolerance_wins_over_the_one_for_every_scheme() -> None:
    name = "paddle-sdk-vector"
    settings = settings_for(name, tolerance_seconds=1.0, scheme_tolerances={"paddle": 60.0})
    assert only(verify(make_request(name), settings, now=signed_at(name) + 60)).ok
    verdict = only(verify(make_request(name), settings, now=signed_at(name) + 61))
    assert verdict.reason == "MAC valid but timestamp is 61 s old; --tolerance paddle=60"
    # Other schemes keep the value given for all.
    slack = "slack-slash-command-vector"
    other = settings_for(slack, tolerance_seconds=1.0, scheme_tolerances={"paddle": 60.0})
    assert not only(verify(make_request(slack), other, now=signed_at(slack) + 2)).ok


def test_stripe_like_its_sdk_accepts_a_timestamp_from_the_future() -> None:
    name = "stripe-payment-intent"
    ahead = signed_at(name) - 3600
    assert only(verify(make_request(name), settings_for(name), now=ahead)).status == "verified"
    slack = "slack-slash-command-vector"
    assert not only(verify(make_request(slack), settings_for(slack), now=signed_at(slack) - 301)).ok


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


@pytest.mark.parametrize("name", SIGNED)
def test_missing_secret_says_how_to_pass_one(name: str) -> None:
    scheme = scheme_of(name)
    verdict = only(verify(make_request(name), SignatureSettings({})))
    assert verdict.status == "no-secret"
    assert verdict.mac_valid is None
    assert f"--secret {scheme}=..." in verdict.reason
    assert f"WHISPER_SECRET_{scheme.upper()}" in verdict.reason


def test_a_body_that_is_not_utf8_fails_where_the_provider_s_sdk_decodes_it() -> None:
    body = b"\xff\xfe{}"
    headers = sign(body, "paddle", "pdl_ntf_k", [], 1_764_000_000)
    request = make_request("paddle-sdk-vector", body=body, headers=headers)
    settings = SignatureSettings({"paddle": "pdl_ntf_k"})
    verdict = only(verify(request, settings, now=1_764_000_000))
    assert (verdict.status, verdict.mac_valid) == ("failed", True)
    assert verdict.reason == (
        "MAC valid but the body is not UTF-8 text, which Paddle's SDK decodes first "
        "(it raises there)"
    )
    github = make_request("github-push", body=body, headers=sign(body, "github", "k", [], 1))
    assert only(verify(github, SignatureSettings({"github": "k"}))).ok  # GitHub signs bytes


def test_a_header_name_holding_nul_is_not_read_as_two_names() -> None:
    # Layouts are remembered by their names joined with NUL: a loaded file's single name
    # "x\0stripe-signature" must not be taken for the layout "x", "stripe-signature".
    joined = make_request("stripe-payment-intent", headers=[("X\0Stripe-Signature", "t=1,v1=00")])
    assert detect_schemes(joined) == []
    split = make_request(
        "stripe-payment-intent", headers=[("X", "1"), ("Stripe-Signature", "t=1,v1=00")]
    )
    assert detect_schemes(split) == ["stripe"]
    assert detect_schemes(joined) == []
