"""What a capture is: headers exactly as received, friendlier views derived on demand."""

from __future__ import annotations

import pytest

from whisper_tui.core.models import (
    Attempt,
    CapturedRequest,
    display_header_value,
    first_header,
    header_values,
)

# Duplicates, mixed casing and a byte over 0x7f, as a real sender may send them.
RAW_HEADERS = (
    (b"Content-Type", b"application/json; charset=UTF-8"),
    (b"X-Dup", b"1"),
    (b"x-dup", b"2"),
    (b"X-DUP", b"3"),
    (b"X-Latin", b"caf\xe9"),
)


def capture(**changes: object) -> CapturedRequest:
    fields: dict[str, object] = {
        "id": 7,
        "received_at": 1_764_000_000.25,
        "remote": "127.0.0.1",
        "method": "POST",
        "target": "/hooks/stripe?live=1&tag=a&tag=b&empty=",
        "http_version": (1, 1),
        "raw_headers": RAW_HEADERS,
        "body": b'{"a":1}',
    }
    fields.update(changes)
    return CapturedRequest(**fields)  # type: ignore[arg-type]


# -- header lookup on raw pairs ---------------------------------------------------------------


def test_first_header_matches_the_name_case_insensitively_and_returns_the_first_value():
    assert first_header(RAW_HEADERS, "x-dup") == "1"
    assert first_header(RAW_HEADERS, "X-DUP") == "1"
    assert first_header(RAW_HEADERS, "content-type") == "application/json; charset=UTF-8"


def test_first_header_is_none_when_the_header_is_absent():
    assert first_header(RAW_HEADERS, "authorization") is None
    assert first_header((), "content-type") is None


def test_header_values_keeps_every_duplicate_in_the_order_received():
    assert header_values(RAW_HEADERS, "X-Dup") == ["1", "2", "3"]
    assert header_values(RAW_HEADERS, "x-missing") == []


def test_header_bytes_over_0x7f_decode_as_latin_1_so_every_byte_maps_to_one_character():
    assert first_header(RAW_HEADERS, "x-latin") == "café"
    assert header_values(((b"X-Bin", bytes(range(0x80, 0x100))),), "x-bin") == [
        bytes(range(0x80, 0x100)).decode("latin-1")
    ]


# -- CapturedRequest --------------------------------------------------------------------------


def test_headers_are_text_pairs_in_order_with_the_senders_casing_and_duplicates():
    assert capture().headers == [
        ("Content-Type", "application/json; charset=UTF-8"),
        ("X-Dup", "1"),
        ("x-dup", "2"),
        ("X-DUP", "3"),
        ("X-Latin", "café"),
    ]


def test_header_and_header_values_on_a_capture_read_its_raw_pairs():
    request = capture()
    assert request.header("X-DUP") == "1"
    assert request.header("nope") is None
    assert request.header_values("x-dup") == ["1", "2", "3"]


def test_path_and_query_split_the_target_at_the_first_question_mark():
    request = capture(target="/a/b?x=1?y=2")
    assert request.path == "/a/b"
    assert request.query == "x=1?y=2"


def test_a_target_without_a_query_has_an_empty_query_and_no_params():
    request = capture(target="/plain")
    assert (request.path, request.query, request.query_params) == ("/plain", "", [])


def test_query_params_keep_repeats_and_blank_values_in_order():
    assert capture().query_params == [("live", "1"), ("tag", "a"), ("tag", "b"), ("empty", "")]


def test_query_params_are_percent_decoded():
    assert capture(target="/q?name=a%20b&plus=c+d").query_params == [
        ("name", "a b"),
        ("plus", "c d"),
    ]


def test_content_type_is_the_lower_cased_media_type_without_parameters():
    assert capture().content_type == "application/json"
    assert capture(raw_headers=((b"content-type", b" Text/XML ;x=1"),)).content_type == "text/xml"
    assert capture(raw_headers=()).content_type == ""


def test_size_is_the_body_length_or_the_announced_length_of_a_rejected_body():
    assert capture(body=b"x" * 17).size == 17
    rejected = capture(body=b"", rejected=True, declared_length=5_000_000, answered_status=413)
    assert rejected.size == 5_000_000
    # Rejected without a Content-Length (chunked): nothing to announce, nothing kept.
    assert capture(body=b"", rejected=True).size == 0
    # A declared length only counts for a rejected body.
    assert capture(body=b"abc", declared_length=99).size == 3


def test_cost_counts_body_header_and_target_bytes_for_the_stores_byte_cap():
    request = capture(target="/t", raw_headers=((b"A", b"bc"), (b"D", b"")), body=b"12345")
    assert request.cost == 5 + (1 + 2) + (1 + 0) + 2


def test_version_text_spells_the_http_version():
    assert capture().version_text == "HTTP/1.1"
    assert capture(http_version=(1, 0)).version_text == "HTTP/1.0"


def test_defaults_describe_an_accepted_request_answered_200():
    request = capture()
    assert (request.rejected, request.declared_length, request.answered_status) == (
        False,
        None,
        200,
    )


def test_repr_is_short_whatever_the_body_and_target_size():
    request = capture(target="/" + "p" * 500, body=b"z" * 5_000_000)
    shown = repr(request)
    assert shown.startswith("<CapturedRequest #7 POST '/ppp")
    assert shown.endswith(" 5000000 B>")
    assert len(shown) < 120
    assert "zzz" not in shown


def test_captures_with_equal_fields_are_equal_and_any_difference_makes_them_unequal():
    assert capture() == capture()
    assert capture() != capture(body=b"other")
    assert capture() != capture(raw_headers=tuple(reversed(RAW_HEADERS)))


def test_a_capture_is_unhashable_and_has_no_per_instance_dict():
    request = capture()
    with pytest.raises(TypeError):
        hash(request)
    # Slots: 100,000 stored captures carry no attribute dict each.
    with pytest.raises(AttributeError):
        request.nickname = "x"  # type: ignore[attr-defined]


# -- Attempt ----------------------------------------------------------------------------------


def test_an_attempt_starts_as_a_replay_with_no_answer_yet():
    attempt = Attempt(target_url="http://127.0.0.1:9/x", started_at=1.0)
    assert attempt.kind == "replay"
    assert attempt.status is None and attempt.error is None and attempt.latency is None
    assert attempt.response_headers == () and attempt.response_body == b""
    assert attempt.sent_headers == () and attempt.sent_body == b"" and attempt.sent_method == ""


def test_each_attempt_has_its_own_notes_list():
    first = Attempt(target_url="http://a", started_at=1.0)
    second = Attempt(target_url="http://b", started_at=2.0)
    first.notes.append("re-signed with the stripe secret")
    assert second.notes == []


# -- header values for display ----------------------------------------------------------------


def test_a_utf8_header_value_is_shown_decoded_not_as_mojibake():
    raw = "Zoë Müller".encode()
    assert display_header_value(raw) == "Zoë Müller"
    assert display_header_value(raw) != raw.decode("latin-1")  # 'ZoÃ« MÃ¼ller'


def test_bytes_that_are_not_utf8_are_escaped_and_the_rest_decoded():
    assert display_header_value(b"caf\xe9") == "caf\\xe9"
    assert display_header_value("Zoë ".encode() + b"\xff\xfe") == "Zoë \\xff\\xfe"


def test_ascii_and_control_characters_pass_through_for_the_sanitizer():
    assert display_header_value(b"application/json") == "application/json"
    assert display_header_value(b"a\x1bb") == "a\x1bb"


def test_displaying_a_header_leaves_the_stored_bytes_as_received():
    request = capture(raw_headers=((b"X-User", "Zoë".encode()),))
    display_header_value(request.raw_headers[0][1])
    assert request.raw_headers == ((b"X-User", b"Zo\xc3\xab"),)
