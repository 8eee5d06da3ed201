"""How a verdict and a duration read."""

from __future__ import annotations

import pytest

from tests.core.signatures.vectors import only
from whisper_tui.core.signatures import (
    Verdict,
    format_duration,
    verify,
)


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


def test_a_short_reason_is_the_first_clause_on_one_line_and_capped() -> None:
    hinted = Verdict(
        "stripe", "failed", "no v1 matched (tried v1=ab)\n; the secret looks odd", False
    )
    assert hinted.short_reason() == "no v1 matched (tried v1=ab)"
    long = Verdict("github", "failed", "x" * 300, False).short_reason()
    assert len(long) == 100 and long.endswith("…")
    assert Verdict("github", "verified", "", True).short_reason() == ""


def test_a_short_reason_is_cut_between_words() -> None:
    words = "no v1 signature matched (2 stripe secrets tried, the hints are for the 2nd one) " * 2
    short = Verdict("stripe", "failed", words, False).short_reason()
    assert short.endswith("…") and len(short) <= 100
    assert words.startswith(short[:-1] + " ")  # the cut falls on a space, not in a word


def test_a_gist_says_why_in_a_few_words_without_ages_or_candidates() -> None:
    from tests.core.signatures.vectors import make_request, settings_for, signed_at

    name = "standard-webhooks-vector"
    five_years = signed_at(name) + 5 * 365 * 86400
    stale = only(verify(make_request(name), settings_for(name), now=five_years))
    a_day_later = only(verify(make_request(name), settings_for(name), now=five_years + 86400))
    tampered = only(verify(make_request(name, body=b'{"x":1}'), settings_for(name), now=0))
    assert stale.reason != a_day_later.reason  # the age is in the reason...
    assert stale.gist() == a_day_later.gist() == "MAC valid, timestamp too old"  # ...not here
    assert tampered.gist() == "no v1 entry matched"
    github = Verdict(
        "github",
        "failed",
        "X-Hub-Signature-256 does not match (tried sha256=ab…)"
        " (3 github secrets tried); the body was re-serialized",
        False,
    )
    assert github.gist() == "X-Hub-Signature-256 does not match"
    long = Verdict("standard", "failed", "webhook-signature has no v1,<base64> entry " * 3, None)
    assert len(long.gist()) <= 40 and long.gist().endswith("…")
