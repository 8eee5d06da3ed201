"""What a HAR entry says a capture's sender got: the usual ack rebuilt is the one sent."""

from __future__ import annotations

import pytest

from tests.helpers import send_raw
from whisper_tui.core.listening import bind_socket
from whisper_tui.core.models import NOT_ANSWERED, CapturedRequest
from whisper_tui.core.responses import ResponsePolicy
from whisper_tui.core.sent_answers import body_size, response_content, sent, usual_answer
from whisper_tui.core.server import build_server, start_server
from whisper_tui.core.store import RequestStore

pytestmark = pytest.mark.both_loops


def _answer_of(raw: bytes) -> tuple[int, str, tuple[tuple[bytes, bytes], ...], bytes]:
    head, _, body = raw.partition(b"\r\n\r\n")
    status_line, *lines = head.split(b"\r\n")
    _, status, reason = status_line.decode().split(" ", 2)
    headers = tuple(
        (name, value)
        for name, _, value in (line.partition(b": ") for line in lines)
        if name.lower() not in (b"date", b"server")
    )
    return int(status), reason, headers, body


@pytest.mark.parametrize("status", [200, 201, 503])
async def test_the_usual_answer_rebuilt_is_the_one_the_server_sent(status):
    store = RequestStore()
    sock = bind_socket("127.0.0.1", 0)
    runner = await start_server(build_server(store, 1 << 20, ResponsePolicy(status=status)), sock)
    try:
        request = b"POST /x HTTP/1.1\r\nHost: h\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}"
        raw = await send_raw(sock.getsockname()[1], request)
        # Keep-alive (no Connection line) is the usual ack; this one said close: kept.
        keep = b"POST /y HTTP/1.1\r\nHost: h\r\nContent-Length: 2\r\n\r\n{}"
        await send_raw(sock.getsockname()[1], keep)
    finally:
        await runner.cleanup()
    closed, usual = store
    got = _answer_of(raw)
    assert (closed.answered_status, *closed.answer) == got
    reason, headers, body = usual_answer(status, usual.id)
    assert usual.answer is None
    assert sent(usual) == (status, (reason, headers, body))
    assert (got[0], got[1], got[2][:2], got[3].replace(b"%d" % closed.id, b"%d" % usual.id)) == (
        status,
        reason,
        headers,
        body,
    )


def test_what_a_har_says_when_nothing_was_sent_or_known():
    waiting = CapturedRequest(1, 0.0, "", "POST", "/", (1, 1), (), b"", answered_status=0)
    assert sent(waiting) == (NOT_ANSWERED, ("", (), b""))
    assert body_size(("OK", (), b"")) == -1  # an answer from before answers were kept
    assert body_size(("OK", ((b"Content-Length", b"0"),), b"")) == 0
    assert response_content(b"\xff\x00", "x/y") == {
        "size": 2,
        "mimeType": "x/y",
        "text": "/wA=",
        "encoding": "base64",
    }
