"""A Scheme declares one provider; the defaults keep today's behaviour for every provider."""

from __future__ import annotations

import dataclasses

import pytest

from whisper_tui.core.signatures import (
    DEFAULT_TOLERANCE,
    SignatureSettings,
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
    assert scheme.delivery_id is None


def test_a_scheme_is_frozen() -> None:
    scheme = Scheme("acme", 5, ("x-acme-signature",), _no_check)
    with pytest.raises(dataclasses.FrozenInstanceError):
        scheme.name = "other"  # type: ignore[misc]


def test_every_builtin_scheme_keeps_the_300_second_tolerance_and_can_sign() -> None:
    for scheme in schemes():
        assert scheme.default_tolerance == 300.0, scheme.name
        assert scheme.sign is not None, scheme.name
        assert scheme.delivery_id is None, scheme.name


def test_settings_default_tolerance_is_the_shared_default() -> None:
    assert SignatureSettings({}).tolerance_seconds == DEFAULT_TOLERANCE


def test_secret_kinds_are_values_so_providers_can_share_one() -> None:
    assert SecretKind(("whsec_",), "x") == SecretKind(("whsec_",), "x")
    assert SecretKind(("sk_",), "key", signing=False) != SecretKind(("sk_",), "key")


def test_check_starts_without_alternatives_or_notes() -> None:
    check = Check(key=b"k", digests=lambda k, b: [], candidates=[], what="x")
    assert (check.encoding, check.timestamp, check.vary_body) == ("hex", None, True)
    assert check.alt_keys == check.alt_digests == check.fail_notes == []
