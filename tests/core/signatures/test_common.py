"""The shared signature maths: decoding MACs, reading timestamps and headers, comparing."""

from __future__ import annotations

import hashlib
import hmac

import pytest

from tests.core.signatures.vectors import make_request
from whisper_tui.core.signatures.common import (
    MAX_PARSED_BODY,
    delivery_value,
    find_header,
    from_b64,
    from_hex,
    json_top_level_strings,
    matches,
    required,
    sha256,
    short,
    timestamp,
)
from whisper_tui.core.signatures.scheme import Malformed


def test_sha256_is_hmac_sha256() -> None:
    assert sha256(b"k", b"m") == hmac.new(b"k", b"m", hashlib.sha256).digest()


def test_short_keeps_twelve_characters_and_marks_the_cut() -> None:
    assert short("abcdef") == "abcdef"
    assert short("0123456789ab") == "0123456789ab"
    assert short("0123456789abc") == "0123456789ab…"


def test_hex_and_base64_that_do_not_decode_give_none() -> None:
    assert from_hex("00ff") == b"\x00\xff"
    assert from_hex("zz") is None
    assert from_b64("AP8=") == b"\x00\xff"
    assert from_b64("not base64!") is None


def test_matches_when_any_candidate_equals_any_expected_mac() -> None:
    candidates: list[tuple[str, bytes | None]] = [("bad", None), ("a", b"1"), ("b", b"2")]
    assert matches(candidates, [b"9", b"2"])
    assert not matches(candidates, [b"9"])
    assert not matches([("bad", None)], [b""])


def test_timestamp_must_be_whole_seconds() -> None:
    assert timestamp(" 1614265330 ", "t=") == 1614265330
    with pytest.raises(Malformed, match=r"^t= is '1.5', not a Unix timestamp in seconds$"):
        timestamp("1.5", "t=")


def test_required_header_says_missing_or_empty() -> None:
    request = make_request("github-push", headers=[("X-Empty", " "), ("X-Full", " v ")])
    assert required(request, "x-full") == "v"
    with pytest.raises(Malformed, match=r"^X-Empty header is empty$"):
        required(request, "X-Empty")
    with pytest.raises(Malformed, match=r"^X-Gone header is missing$"):
        required(request, "X-Gone")


def test_find_header_takes_the_first_value_whatever_the_case() -> None:
    headers = [("content-type", "a"), ("Content-Type", "b")]
    assert find_header(headers, "CONTENT-TYPE") == "a"
    assert find_header(headers, "x-other") is None


def test_timestamped_hex_macs_reads_stripe_and_paddle_shaped_headers():
    from whisper_tui.core.signatures.common import timestamped_hex_macs
    from whisper_tui.core.signatures.scheme import Malformed

    ts, candidates = timestamped_hex_macs("t=12, v1=ab, v0=cd ,v1=zz", "H", ",", "t", "v1")
    assert ts == 12
    assert candidates == [("v1=ab", b"\xab"), ("v1=zz", None)]
    assert timestamped_hex_macs("ts=5;h1=00", "P", ";", "ts", "h1") == (5, [("h1=00", b"\x00")])
    with pytest.raises(Malformed, match="P has no ts= timestamp"):
        timestamped_hex_macs("h1=00", "P", ";", "ts", "h1")
    with pytest.raises(Malformed, match="H item 'junk' is not key=value"):
        timestamped_hex_macs("t=1,junk", "H", ",", "t", "v1")


def test_json_top_level_strings_reads_the_first_member_without_parsing_and_others_by_parsing():
    assert json_top_level_strings(b' {"id": "evt_1", "x": [', "id") == {"id": "evt_1"}
    body = b'{"data": {"id": "nested", "event_id": "no"}, "event_id": "Ev1", "n": 1}'
    assert json_top_level_strings(body, "event_id") == {"event_id": "Ev1"}
    assert json_top_level_strings(body, "id") == {}
    assert json_top_level_strings(b'{"id": 5, "source": "/s"}', "id", "source") == {"source": "/s"}


def test_json_top_level_strings_gives_nothing_for_bodies_that_are_not_json_objects():
    assert json_top_level_strings(b'["id", "x"]', "id") == {}
    assert json_top_level_strings(b'{"id": "x"', "other") == {}
    assert json_top_level_strings(b'{"id": broken', "id") == {}
    assert json_top_level_strings(b"\x1f\x8b gzip", "id") == {}
    too_big = b'{"pad": "' + b"x" * MAX_PARSED_BODY + b'", "event_id": "Ev1"}'
    assert json_top_level_strings(too_big, "event_id") == {}


def test_delivery_value_strips_and_refuses_empty_or_long_ids():
    assert delivery_value("  abc ") == "abc"
    assert delivery_value("") is None and delivery_value(None) is None
    assert delivery_value("x" * 257) is None
