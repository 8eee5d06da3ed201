"""Failure hints: bodies changed in transit, secrets that belong to something else."""

from __future__ import annotations

import json

from tests.core.signatures.vectors import (
    DELIVERIES,
    body_of,
    make_request,
    only,
    settings_for,
)
from whisper_tui.core.signatures import (
    SignatureSettings,
    get_scheme,
    verify,
)
from whisper_tui.core.signatures.common import sha256
from whisper_tui.core.signatures.hints import (
    HINT_BODY_LIMIT,
    RESERIALIZED,
    WHITESPACE,
    body_variants,
    mismatch_hints,
    secret_kind_hints,
)
from whisper_tui.core.signatures.scheme import Check


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


def test_body_variants_try_newlines_and_json_forms_once_each() -> None:
    variants = body_variants(b'{"a": [1, 2]}\n')
    assert [(d, k) for d, k, _ in variants] == [
        ("with its trailing newline removed", WHITESPACE),
        ("with LF line ends as CRLF", WHITESPACE),
        ("re-serialized as compact JSON", RESERIALIZED),
        # compact ASCII is the same bytes as compact here, so it is not tried twice
        ("re-serialized as JSON with ', ' and ': '", RESERIALIZED),
        ("re-serialized as 2-space indented JSON", RESERIALIZED),
    ]
    assert variants[0][2] == b'{"a": [1, 2]}'


def test_body_variants_of_a_non_json_body_are_only_whitespace() -> None:
    assert [d for d, _, _ in body_variants(b"a=1")] == ["with a trailing newline added"]


def _check(body: bytes, key: bytes = b"k") -> Check:
    return Check(
        key=key,
        digests=lambda k, b: [sha256(k, b)],
        candidates=[("mac", sha256(key, body))],
        what="x",
    )


def test_a_body_over_the_hint_limit_is_not_reserialized() -> None:
    big = b"x" * (HINT_BODY_LIMIT + 1)
    assert mismatch_hints(_check(big + b"\n"), big) == []
    small = b"x" * 10
    assert mismatch_hints(_check(small + b"\n"), small) == [
        f"the MAC matches the body with a trailing newline added: {WHITESPACE}"
    ]


def test_secret_kind_hints_skip_the_schemes_own_kind() -> None:
    assert secret_kind_hints(get_scheme("standard"), "whsec_x") == []
    assert secret_kind_hints(get_scheme("stripe"), "whsec_x") == []
    assert secret_kind_hints(get_scheme("paddle"), " whsec_x") == [
        "the secret looks like a Stripe or Standard Webhooks secret"
    ]
    assert secret_kind_hints(get_scheme("stripe"), "rk_live_1") == [
        "the secret looks like a Stripe API key, not a webhook signing secret",
        "Stripe signing secrets start with whsec_",
    ]
