"""How a verdict and a duration read."""

from __future__ import annotations

import pytest

from whisper_tui.core.signatures import (
    Verdict,
    format_duration,
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
