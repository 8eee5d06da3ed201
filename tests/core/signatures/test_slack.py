"""X-Slack-Signature v0= over the request timestamp and body."""

from __future__ import annotations

import hashlib
import hmac

import pytest

from tests.core.signatures.vectors import (
    DELIVERIES,
    resign,
    vectors_of,
    verdict_when_fresh,
)
from whisper_tui.core.signatures import SigningInput, slack


def test_sign_leaves_other_headers_untouched() -> None:
    name = "slack-slash-command-vector"
    original = [(n, v) for n, v in DELIVERIES[name]["headers"]]
    headers, _ = resign(name, b"text=hi", 1_800_000_000)
    assert headers[0] == original[0]
    assert dict(headers)["X-Slack-Request-Timestamp"] == "1800000000"


@pytest.mark.parametrize("name", vectors_of("slack"))
def test_slack_vectors_verify_just_after_signing(name: str) -> None:
    verdict = verdict_when_fresh(name)
    assert verdict.status == "verified"
    assert verdict.skew_seconds == 5.0


def test_slack_signs_the_timestamp_header_it_sends() -> None:
    new = slack.sign(SigningInput(b"a=1", "k", [], 7))
    mac = hmac.new(b"k", b"v0:7:a=1", hashlib.sha256).hexdigest()
    assert new == [("X-Slack-Request-Timestamp", "7"), ("X-Slack-Signature", f"v0={mac}")]


def test_slack_tokens_are_never_a_signing_secret() -> None:
    [token] = slack.SCHEME.secret_kinds
    assert not token.signing
    assert token.prefixes == ("xoxb-", "xoxp-", "xapp-")
