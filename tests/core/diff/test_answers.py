"""Two answers diffed like two captures: status line first, then headers and body."""

from __future__ import annotations

from whisper_tui.core.diff.answers import answer_message, diff_answers, status_line
from whisper_tui.core.models import Attempt


def answer(status: int | None, reason: str, body: bytes, *headers: tuple[bytes, bytes]) -> Attempt:
    return Attempt(
        "http://app/x",
        1.0,
        status=status,
        reason=reason,
        response_headers=headers,
        response_body=body,
        error=None if status else "connection refused to 127.0.0.1:9",
    )


def test_the_status_line_takes_the_request_lines_place():
    first = answer(200, "OK", b'{"processed": 1}', (b"Content-Type", b"application/json"))
    second = answer(409, "Conflict", b'{"processed": 2}', (b"Content-Type", b"application/json"))
    diff = diff_answers(first, second)
    assert diff.rows[0].left == "Status"
    assert (diff.rows[1].left, diff.rows[1].right) == ("HTTP/1.1 200 OK", "HTTP/1.1 409 Conflict")
    texts = [change.text() for change in diff.changes]
    assert texts[0].startswith("status line")
    assert any(text.startswith("processed") for text in texts)
    assert not diff.identical


def test_equal_answers_are_identical_and_volatile_answer_headers_can_be_hidden():
    first = answer(200, "OK", b"ok", (b"Date", b"a"), (b"Server", b"app/1"))
    second = answer(200, "OK", b"ok", (b"Date", b"b"), (b"Server", b"app/2"))
    assert not diff_answers(first, second).identical
    assert diff_answers(first, second, ignore_volatile=True).identical


def test_an_answer_keeps_its_bytes_and_a_missing_answer_says_why():
    got = answer(200, "OK", b"\xff\x00", (b"X-A", b"1"))
    message = answer_message(got, 2)
    assert (message.id, message.body, message.raw_headers) == (2, b"\xff\x00", ((b"X-A", b"1"),))
    assert status_line(answer(None, "", b"")) == "no answer: connection refused to 127.0.0.1:9"
