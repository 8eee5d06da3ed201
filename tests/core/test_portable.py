"""Portable text for captures: what the export formats and HAR files both write."""

from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from whisper_tui.core.portable import (
    body_text,
    dumps_portable,
    header_bytes,
    header_objects,
    header_text,
    isoformat_utc,
    request_url,
    target_bytes,
)


def test_body_text_is_the_utf8_text_or_none() -> None:
    assert body_text("☃ ok".encode()) == "☃ ok"
    assert body_text(b"") == ""
    assert body_text(b"\xff\xfe") is None


def test_isoformat_utc_has_milliseconds_and_a_z() -> None:
    assert isoformat_utc(1_700_000_000.25) == "2023-11-14T22:13:20.250Z"
    assert isoformat_utc(0) == "1970-01-01T00:00:00.000Z"
    assert isoformat_utc(1_700_000_000.0009) == "2023-11-14T22:13:20.000Z"  # truncated, not rounded


@given(st.binary(max_size=64))
def test_target_bytes_gives_back_the_request_lines_bytes(raw: bytes) -> None:
    # How the server turns the request line's bytes into the stored target.
    assert target_bytes(raw.decode("utf-8", "surrogateescape")) == raw


@pytest.mark.parametrize(
    ("base_url", "target", "url"),
    [
        ("http://127.0.0.1:8080", "/hook?a=1", "http://127.0.0.1:8080/hook?a=1"),
        ("http://h.test/", "/hook", "http://h.test/hook"),  # one slash, not two
        ("http://h.test", "http://other.test/x?y", "http://other.test/x?y"),  # absolute-form
        ("http://h.test", "*", "http://h.test/"),  # asterisk-form: OPTIONS *
    ],
)
def test_request_url_for_each_form_of_target(base_url: str, target: str, url: str) -> None:
    assert request_url(base_url, target) == url


def test_dumps_portable_keeps_text_readable() -> None:
    text = dumps_portable({"k": "ünï ☃"})
    assert text == '{\n  "k": "ünï ☃"\n}'
    assert dumps_portable([1], indent=None) == "[1]"


def test_dumps_portable_escapes_when_a_string_cannot_be_utf8() -> None:
    target = b"/caf\xe9".decode("utf-8", "surrogateescape")  # a lone surrogate
    text = dumps_portable({"target": target, "k": "ü"})
    text.encode("utf-8")  # must not raise
    assert "\\udce9" in text and "\\u00fc" in text
    assert json.loads(text) == {"target": target, "k": "ü"}


def test_header_text_is_utf8_where_valid_else_latin1_and_says_which() -> None:
    assert header_text("Zoë".encode()) == ("Zoë", True)
    assert header_text(b"caf\xe9") == ("café", False)


@given(st.lists(st.tuples(st.binary(max_size=12), st.binary(max_size=12)), max_size=6))
def test_header_objects_give_back_every_byte(raw: list[tuple[bytes, bytes]]) -> None:
    objects = json.loads(json.dumps(header_objects(raw, flag="_encoding")))
    assert [header_bytes(o, flag="_encoding") for o in objects] == raw


def test_a_header_that_is_not_utf8_is_flagged_whole() -> None:
    assert header_objects([(b"X-A", b"\xff"), (b"X-B", "é".encode())], flag="encoding") == [
        {"name": "X-A", "value": "ÿ", "encoding": "latin-1"},
        {"name": "X-B", "value": "é"},
    ]
