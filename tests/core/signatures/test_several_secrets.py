"""Several secrets for one scheme (rotation, test and live mode, `stripe listen`): any one
verifies, the verdict says which by position, and a failure gives the most helpful reason."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.core.signatures.vectors import (
    DELIVERIES,
    SIGNED,
    fresh_now,
    make_request,
    only,
    scheme_of,
    settings_for,
    verdict_when_fresh,
)
from whisper_tui.core.models import CapturedRequest
from whisper_tui.core.signatures import SignatureSettings, sign, verify
from whisper_tui.core.signatures.checking import ordinal

FRESH = [name for name in SIGNED if verdict_when_fresh(name).ok]
wrong_secrets = st.lists(
    st.text("abcdefghijklmnopqrstuvwxyz0123456789", min_size=12, max_size=24).map(
        lambda s: "whsec_" + s
    ),
    max_size=3,
)


def secret_of(name: str) -> str:
    secret: str = DELIVERIES[name]["signature"]["secret"]
    return secret


def checked_with(name: str, secrets: list[str], now: float | None = None) -> object:
    scheme = scheme_of(name)
    found = settings_for(name, secrets={scheme: tuple(secrets)})
    return only(verify(make_request(name), found, now=now))


@settings(max_examples=40, deadline=None, derandomize=True)
@given(name=st.sampled_from(FRESH), wrong=wrong_secrets, position=st.integers(0, 3))
def test_any_secret_verifies_and_the_verdict_names_which_by_position(
    name: str, wrong: list[str], position: int
) -> None:
    right = secret_of(name)
    secrets = [*wrong]
    secrets.insert(min(position, len(wrong)), right)
    scheme = scheme_of(name)
    found = settings_for(name, secrets={scheme: tuple(secrets)})
    verdict = only(verify(make_request(name), found, now=fresh_now(name)))

    assert verdict.ok, verdict
    first_right = secrets.index(right) + 1
    # Secrets are tried in order until one verifies: that many were tried.
    assert verdict.secrets_tried == first_right
    if len(secrets) == 1:
        assert (verdict.reason, verdict.secret_position) == ("", None)
    else:
        assert (
            verdict.reason == f"with the {ordinal(first_right)} of {len(secrets)} {scheme} secrets"
        )
        assert verdict.secret_position == first_right
    assert not any(secret in verdict.reason for secret in secrets)


def test_a_stale_mac_match_with_one_secret_beats_a_mismatch_with_another() -> None:
    name = "slack-slash-command-vector"
    found = settings_for(name, secrets={"slack": ("not-the-secret", secret_of(name))})
    verdict = only(verify(make_request(name), found))

    assert verdict.status == "failed"
    assert verdict.mac_valid is True
    assert verdict.reason.startswith("MAC valid but timestamp is ")
    assert "(with the 2nd of 2 slack secrets)" in verdict.short_reason()
    assert verdict.secret_position == 2


def github_delivery(body: bytes, signed_body: bytes, secret: str) -> CapturedRequest:
    headers = sign(signed_body, "github", secret, [("X-GitHub-Event", "push")])
    return CapturedRequest(
        id=1,
        received_at=0.0,
        remote="127.0.0.1",
        method="POST",
        target="/hooks",
        http_version=(1, 1),
        raw_headers=tuple((n.encode(), v.encode()) for n, v in headers),
        body=body,
    )


def test_a_body_changed_after_signing_is_explained_by_the_secret_that_proves_it() -> None:
    request = github_delivery(b'{"a": 1}', b'{"a": 1}\n', "the-current-secret")
    found = SignatureSettings({"github": ("an-old-secret", "the-current-secret")})
    verdict = only(verify(request, found))

    assert verdict.status == "failed"
    assert "the MAC matches the body with a trailing newline added" in verdict.reason
    assert "(2 github secrets tried, the hints are for the 2nd)" in verdict.reason


def test_when_every_secret_mismatches_the_reason_says_how_many_were_tried() -> None:
    request = github_delivery(b"{}", b"{}", "the-real-one")
    found = SignatureSettings({"github": ("one-wrong", "two-wrong", "three-wrong")})
    verdict = only(verify(request, found))

    assert verdict.status == "failed"
    assert verdict.mac_valid is False
    assert verdict.short_reason().endswith("(3 github secrets tried)")
    assert verdict.secrets_tried == 3


def test_a_secret_that_cannot_be_used_is_named_by_position_not_shown() -> None:
    name = next(n for n in FRESH if scheme_of(n) == "standard")
    verdict = checked_with(name, ["not base64 at all!", "whsec_AAAAAAAAAAAAAAAAAAAAAAAA"])

    assert verdict.status == "failed"  # type: ignore[attr-defined]
    reason: str = verdict.reason  # type: ignore[attr-defined]
    assert "the 1st standard secret can't be used: the secret is not valid base64" in reason
    assert "not base64 at all!" not in reason


@pytest.mark.parametrize(
    ("n", "text"), [(1, "1st"), (2, "2nd"), (3, "3rd"), (4, "4th"), (11, "11th"), (22, "22nd")]
)
def test_ordinals_read_as_english(n: int, text: str) -> None:
    assert ordinal(n) == text
