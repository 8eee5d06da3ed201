"""Paddle-Signature: ts= and h1= candidates."""

from __future__ import annotations

import hashlib
import hmac

import pytest

from tests.core.signatures.vectors import (
    fresh_now,
    make_request,
    only,
    settings_for,
    vectors_of,
    verdict_when_fresh,
    with_header,
)
from whisper_tui.core.signatures import SigningInput, paddle, verify


def test_paddle_failure_names_the_h1_that_is_not_hex() -> None:
    name = "paddle-sdk-vector"
    request = make_request(name, body=b"goodbye-world")
    verdict = only(verify(request, settings_for(name), now=fresh_now(name)))
    assert "h1=dummy (not hex)" in verdict.reason
    assert "h1=d96299976a6e…" in verdict.reason


@pytest.mark.parametrize("name", vectors_of("paddle"))
def test_paddle_vectors_verify_just_after_signing(name: str) -> None:
    assert verdict_when_fresh(name).status == "verified"


def test_paddle_signs_ts_and_one_h1() -> None:
    [(header, value)] = paddle.sign(SigningInput(b"hi", "pdl_ntf_x", [], 9))
    mac = hmac.new(b"pdl_ntf_x", b"9:hi", hashlib.sha256).hexdigest()
    assert (header, value) == ("Paddle-Signature", f"ts=9;h1={mac}")


def test_paddle_item_without_equals_is_named() -> None:
    name = "paddle-sdk-vector"
    request = make_request(name, headers=with_header(name, "Paddle-Signature", "ts=1;h1"))
    verdict = only(verify(request, settings_for(name), now=fresh_now(name)))
    assert verdict.reason == "Paddle-Signature item 'h1' is not key=value"
