"""A Scheme declares one provider; the defaults keep today's behaviour for every provider."""

from __future__ import annotations

import dataclasses

import pytest

from whisper_tui.core.signatures import (
    DEFAULT_TOLERANCE,
    SignatureSettings,
    get_scheme,
    schemes,
)
from whisper_tui.core.signatures.scheme import Check, Scheme, SecretKind


def _no_check(*_: object) -> Check:
    raise AssertionError("not called")


def test_a_scheme_needs_only_name_order_headers_and_check() -> None:
    scheme = Scheme("acme", 5, ("x-acme-signature",), _no_check)
    assert scheme.sign is None
    assert scheme.aliases == ()
    assert scheme.secret_kinds == ()
    assert scheme.secret_hints is None
    assert not scheme.trims_secret
    assert scheme.default_tolerance == DEFAULT_TOLERANCE == 300.0
    assert (scheme.has_timestamp, scheme.signs_url, scheme.rejects_future) == (False, False, True)
    assert scheme.delivery_id is None
    assert scheme.delivery_headers == ()


def test_a_scheme_is_frozen() -> None:
    scheme = Scheme("acme", 5, ("x-acme-signature",), _no_check)
    with pytest.raises(dataclasses.FrozenInstanceError):
        scheme.name = "other"  # type: ignore[misc]


def test_every_builtin_scheme_can_sign_and_reads_a_delivery_id() -> None:
    for scheme in schemes():
        assert scheme.sign is not None, scheme.name
        assert scheme.delivery_id is not None, scheme.name


def test_each_timestamped_scheme_declares_its_provider_sdk_s_default_tolerance() -> None:
    declared = {
        s.name: (s.default_tolerance, s.tolerance_source, s.rejects_future)
        for s in schemes()
        if s.has_timestamp
    }
    assert declared == {
        "stripe": (300.0, "Stripe's SDK", False),
        "slack": (300.0, "Slack's SDK", True),
        "standard": (300.0, "the Standard Webhooks SDK, like Svix's,", True),
        "paddle": (5.0, "Paddle's SDK", True),
    }
    untimed = {s.name for s in schemes() if not s.has_timestamp}
    assert untimed == {"github", "shopify", "twilio"}
    assert [s.name for s in schemes() if s.signs_url] == ["twilio"]


def test_settings_say_where_each_scheme_s_tolerance_comes_from() -> None:
    paddle, slack = get_scheme("paddle"), get_scheme("slack")
    assert SignatureSettings({}).tolerance_for(paddle) == (5.0, "Paddle's SDK accepts 5 s")
    every = SignatureSettings({}, tolerance_seconds=600.0)
    assert every.tolerance_for(paddle) == (600.0, "--tolerance is 600 s")
    own = SignatureSettings({}, 600.0, scheme_tolerances={"paddle": 60.0})
    assert own.tolerance_for(paddle) == (60.0, "--tolerance paddle=60")
    assert own.tolerance_for(slack) == (600.0, "--tolerance is 600 s")
    bare = Scheme("acme", 5, ("x-acme-signature",), _no_check)
    assert SignatureSettings({}).tolerance_for(bare) == (
        DEFAULT_TOLERANCE,
        "the default tolerance accepts 300 s",
    )


def test_secret_kinds_are_values_so_providers_can_share_one() -> None:
    assert SecretKind(("whsec_",), "x") == SecretKind(("whsec_",), "x")
    assert SecretKind(("sk_",), "key", signing=False) != SecretKind(("sk_",), "key")


def test_check_starts_without_alternatives_or_notes() -> None:
    check = Check(key=b"k", digests=lambda k, b: [], candidates=[], what="x")
    assert (check.encoding, check.timestamp, check.vary_body) == ("hex", None, True)
    assert check.alt_keys == check.alt_digests == check.fail_notes == []
