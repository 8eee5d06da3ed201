"""What a capture's sender got back from whisper-tui, as a HAR entry's response says it.

A capture keeps its answer (`CapturedRequest.answer`) only when it was not the usual ack; the
usual one is rebuilt here from the capture's status and id, the bytes core/ack.py sends. No
aiohttp here: the TUI reads HAR files before its first frame, and aiohttp waits until after.
"""

from __future__ import annotations

import base64
from typing import Any

from whisper_tui.core.models import NOT_ANSWERED, CapturedRequest, SentAnswer, reason_phrase
from whisper_tui.core.portable import body_text

ACK_TYPE = "application/json"


def ack_body(status: int, request_id: int) -> bytes:
    """The usual ack's body for capture `request_id` answered `status`."""
    if status == 200:
        return b'{"ok":true,"id":%d}' % request_id
    return b'{"ok":%s,"id":%d,"note":"status chosen by whisper-tui"}' % (
        b"true" if status < 400 else b"false",
        request_id,
    )


_ACK_TYPE_HEADER = (b"Content-Type", ACK_TYPE.encode("ascii"))


def usual_answer(status: int, request_id: int) -> SentAnswer:
    """What the usual ack sends besides its status line, Date and Server: a capture whose
    `answer` is None got this (the server keeps any other answer, e.g. one with a Connection
    line, on the capture)."""
    body = ack_body(status, request_id)
    length = (b"Content-Length", b"%d" % len(body))
    return reason_phrase(status), (_ACK_TYPE_HEADER, length), body


_NO_ANSWER: SentAnswer = ("", (), b"")
_UNKNOWN_413: SentAnswer = (reason_phrase(413), (), b"")


def default_answer(status: int, rejected: bool, request_id: int) -> SentAnswer:
    """What a capture whose `answer` is None got: the usual ack; nothing while a relayed answer
    is awaited; for a refusal (always kept since answers are) only its status line."""
    if status == NOT_ANSWERED:
        return _NO_ANSWER
    if rejected:
        return _UNKNOWN_413
    return usual_answer(status, request_id)


def sent(request: CapturedRequest) -> tuple[int, SentAnswer]:
    """The status and the rest of what the capture's sender got."""
    status = 413 if request.rejected else request.answered_status
    answer = request.answer
    if answer is None:
        answer = default_answer(status, request.rejected, request.id)
    return status, answer


def response_content(body: bytes, mime: str) -> dict[str, Any]:
    """A HAR response's `content`: the text, or base64 with `encoding` when not UTF-8."""
    content: dict[str, Any] = {"size": len(body), "mimeType": mime}
    if body:
        text = body_text(body)
        if text is None:
            content["text"] = base64.b64encode(body).decode("ascii")
            content["encoding"] = "base64"
        else:
            content["text"] = text
    return content


def body_size(answer: SentAnswer) -> int:
    """A HAR response's `bodySize`: -1 (unknown) for an answer with neither headers nor body,
    none having been recorded (files from before answers were kept)."""
    return len(answer[2]) if answer[1] or answer[2] else -1
