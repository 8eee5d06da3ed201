"""One HAR entry -> one capture: ours exactly, a browser's as well as it can be read."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from whisper_tui.core.har import to_har
from whisper_tui.core.har_entries import HarError, Numbering, capture_from_entry
from whisper_tui.core.sent_answers import sent


def test_a_browsers_entry_gives_its_target_version_time_and_body():
    entry = {
        "startedDateTime": "2026-12-01T05:00:00.250Z",
        "request": {
            "method": "POST",
            "url": "https://example.com/hooks/a?x=1&y=%20",
            "httpVersion": "HTTP/2",
            "headers": [{"name": "Content-Type", "value": "application/json"}],
            "postData": {"mimeType": "application/json", "text": '{"a": 1}'},
        },
    }
    capture = capture_from_entry(entry, 0, 7)
    assert capture.id == 7
    assert capture.target == "/hooks/a?x=1&y=%20"
    assert capture.http_version == (2, 0)
    at = datetime(2026, 12, 1, 5, 0, 0, 250_000, tzinfo=UTC).timestamp()
    assert capture.received_at == pytest.approx(at)
    assert capture.raw_headers == ((b"Content-Type", b"application/json"),)
    assert capture.body == b'{"a": 1}'
    # What whisper-tui answered is ours to know: a browser's response status is not it.
    assert capture.answered_status == 200


def test_an_entry_without_a_request_is_a_one_line_error():
    with pytest.raises(HarError, match="entry 4: no request object"):  # index 3: the 4th
        capture_from_entry({"response": {}}, 3, 1)


def test_entries_keep_their_own_ids_unless_taken_and_others_get_the_lowest_free():
    numbering = Numbering()
    ids = [
        numbering.number(entry)
        for entry in (
            {"_whisper": {"id": 2}},
            {"request": {}},
            {"_whisper": {"id": 2}},
            {"_whisper": {"id": 5}},
        )
    ]
    assert ids == [2, 1, 3, 5]


@pytest.mark.parametrize("given_id", [5, 9])  # its own id, or renumbered (the id was taken)
def test_an_entry_of_ours_without_a_response_and_not_200_claims_no_ack(given_id):
    # The reader drops only the usual 200 ack's text; a 500 entry without one was edited by
    # hand, and what its sender got is not recorded: read so, not as an ack (200 or 500).
    entry = {
        "request": {"method": "POST", "url": "http://h/x", "headers": []},
        "_whisper": {"id": 5, "answered": 500, "headerText": "utf-8"},
    }
    capture = capture_from_entry(entry, 0, given_id)
    assert sent(capture) == (500, ("Internal Server Error", (), b""))
    written = to_har([capture], "http://h")["log"]["entries"][0]["response"]
    assert written["status"] == 500 and written["statusText"] == "Internal Server Error"
    assert (written["headers"], written["bodySize"]) == ([], -1)
