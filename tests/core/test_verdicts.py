"""Verdicts per capture: judged once, at the moment the capture arrived."""

from __future__ import annotations

import dataclasses

from tests.helpers import delivery_request, load_deliveries
from whisper_tui.core.settings import Settings
from whisper_tui.core.signatures import SignatureSettings
from whisper_tui.core.verdicts import Verdicts

DELIVERIES = {d["name"]: d for d in load_deliveries()}
SLACK = DELIVERIES["slack-slash-command-vector"]
SLACK_SIGNED_AT = 1531420618  # its X-Slack-Request-Timestamp
SLACK_SECRETS = {"slack": SLACK["signature"]["secret"]}


def test_a_delivery_fresh_on_arrival_stays_verified_however_late_it_is_inspected() -> None:
    verdicts = Verdicts(SignatureSettings(SLACK_SECRETS))
    request = delivery_request(SLACK, at=SLACK_SIGNED_AT + 10)
    [verdict] = verdicts.for_request(request)
    assert verdict.status == "verified"
    assert verdict.skew_seconds == 10


def test_a_delivery_stale_on_arrival_fails_with_its_age() -> None:
    verdicts = Verdicts(SignatureSettings(SLACK_SECRETS))
    [verdict] = verdicts.for_request(delivery_request(SLACK, at=SLACK_SIGNED_AT + 3600))
    assert verdict.reason == "MAC valid but timestamp is 1h old (3600 s); Slack's SDK accepts 300 s"


def test_each_capture_is_checked_once() -> None:
    verdicts = Verdicts(SignatureSettings(SLACK_SECRETS))
    request = delivery_request(SLACK, at=SLACK_SIGNED_AT)
    assert verdicts.for_request(request) is verdicts.for_request(request)


def test_the_cache_forgets_the_oldest_captures_beyond_its_size() -> None:
    verdicts = Verdicts(SignatureSettings(SLACK_SECRETS), cache_size=2)
    first = verdicts.for_request(delivery_request(SLACK, request_id=1, at=SLACK_SIGNED_AT))
    for request_id in (2, 3):
        verdicts.for_request(delivery_request(SLACK, request_id=request_id, at=SLACK_SIGNED_AT))
    again = verdicts.for_request(delivery_request(SLACK, request_id=1, at=SLACK_SIGNED_AT))
    assert again == first and again is not first


def test_a_capture_whose_body_was_not_kept_gets_no_verdicts() -> None:
    request = dataclasses.replace(delivery_request(SLACK), body=b"", rejected=True)
    verdicts = Verdicts(SignatureSettings(SLACK_SECRETS))
    assert verdicts.for_request(request) == []
    assert verdicts.marker(request) == ""


def test_the_list_marker_sums_up_the_verdicts() -> None:
    verdicts = Verdicts(SignatureSettings(SLACK_SECRETS))
    assert verdicts.marker(delivery_request(SLACK, 1, at=SLACK_SIGNED_AT)) == "✓"
    assert verdicts.marker(delivery_request(SLACK, 2, at=SLACK_SIGNED_AT + 3600)) == "✗"
    assert verdicts.marker(delivery_request(DELIVERIES["github-push"], 3)) == "?"
    assert verdicts.marker(delivery_request(DELIVERIES["xml-callback"], 4)) == ""


def test_from_settings_takes_secrets_tolerances_and_public_url() -> None:
    settings = Settings(
        port=0,
        secrets=(("slack", "s"),),
        tolerances=(("", 30.0), ("paddle", 60.0), ("", 40.0), ("paddle", 90.0)),
        public_url="https://example.com",
    )
    built = Verdicts.from_settings(settings).settings
    # The last value given wins, for every scheme and for each scheme alike.
    assert built == SignatureSettings(
        {"slack": ("s",)}, 40.0, "https://example.com", {"paddle": 90.0}
    )


def test_without_tolerance_settings_each_scheme_uses_its_sdk_default() -> None:
    built = Verdicts.from_settings(Settings(port=0)).settings
    assert (built.tolerance_seconds, dict(built.scheme_tolerances)) == (None, {})
    verdicts = Verdicts(built)
    late = delivery_request(SLACK, at=SLACK_SIGNED_AT + 301)
    assert verdicts.for_request(late)[0].status == "no-secret"


def test_verdict_changes_name_each_scheme_whose_verdict_changed() -> None:
    from whisper_tui.core.signatures import Verdict
    from whisper_tui.core.verdicts import verdict_changes

    verified = Verdict("github", "verified", "", True)
    failed = Verdict(
        "github", "failed", "X-Hub-Signature-256 does not match (tried sha256=ab…)", False
    )
    unchecked = Verdict("stripe", "no-secret", "no secret configured for stripe", None)
    assert verdict_changes([verified], [failed], body_changed=True) == [
        (
            "signature (github): verified -> failed, body changed: "
            "X-Hub-Signature-256 does not match (tried sha256=ab…)",
            "failed",
        )
    ]
    assert verdict_changes([failed], [verified]) == [
        ("signature (github): failed -> verified", "verified")
    ]
    assert verdict_changes([verified], [verified]) == []
    assert verdict_changes([verified, unchecked], [unchecked]) == [
        ("signature (github): verified -> unsigned", "none")
    ]
    assert verdict_changes([], [unchecked]) == []  # nothing checked: the headers say it
    stale = dataclasses.replace(unchecked, status="failed", reason="MAC valid but old")
    assert verdict_changes([unchecked], [stale]) == [
        ("signature (stripe): not checked -> failed: MAC valid but old", "failed")
    ]


def test_verdict_changes_say_when_both_fail_for_different_reasons() -> None:
    from tests.core.signatures.vectors import make_request, settings_for, signed_at
    from whisper_tui.core.signatures import verify
    from whisper_tui.core.verdicts import verdict_changes

    # The newcomer's case: the original's MAC is valid but 5 years old, the tampered copy's
    # MAC does not match. Both fail; the diff must still say the reason changed.
    name = "standard-webhooks-vector"
    later = signed_at(name) + 5 * 365 * 86400
    original = verify(make_request(name), settings_for(name), now=later)
    tampered = verify(make_request(name, body=b'{"x":1}'), settings_for(name), now=later + 60)
    assert verdict_changes(original, tampered, body_changed=True) == [
        (
            "signature (standard): failed -> failed, body changed: "
            "MAC valid, timestamp too old -> no v1 entry matched",
            "failed",
        )
    ]
    # Two stale arrivals a minute apart: the same reason (only the age differs), no line.
    again = verify(make_request(name), settings_for(name), now=later + 60)
    assert original[0].reason != again[0].reason
    assert verdict_changes(original, again) == []
