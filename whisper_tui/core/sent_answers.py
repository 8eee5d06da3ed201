"""What a capture's sender got back from whisper-tui, as a HAR entry's response says it.

A capture keeps its answer (`CapturedRequest.answer`) only when it was not the usual ack; the
usual one is rebuilt here from the capture's status and id, the bytes core/ack.py sends. No
aiohttp here: the TUI reads HAR files before its first frame, and aiohttp waits until after.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Callable
from typing import Any

from whisper_tui.core.models import (
    NOT_ANSWERED,
    CapturedRequest,
    SentAnswer,
    first_header,
    reason_phrase,
)
from whisper_tui.core.portable import body_text, header_objects

ACK_TYPE = "application/json"

HeaderText = Callable[[bytes, bytes], str]
"""A header's `{"name": ..., "value": ...}` text, as our entries write it."""
quote = json.encoder.encode_basestring


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


def response_object(request: CapturedRequest, *, flag: str) -> dict[str, Any]:
    """What the capture's sender got, as a HAR entry's `response` object: har.py's entries and
    headless --json's `answer` both are this. A header that is not UTF-8 is marked with `flag`
    (HAR's custom fields start with `_`; our JSON lines' own headers say `encoding`)."""
    status, answer = sent(request)
    reason, headers, body = answer
    return {
        "status": status,
        "statusText": reason,
        "httpVersion": request.version_text,
        "cookies": [],
        "headers": header_objects(headers, flag=flag),
        "content": response_content(body, first_header(headers, "content-type") or ""),
        "redirectURL": "",
        "headersSize": -1,
        "bodySize": body_size(answer),
    }


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


def response_fields(
    status: int,
    status_json: str,
    version_json: str,
    headers_text: str = "",
    content_text: str = '{"size": 0, "mimeType": ""}',
    body_size: int | str = -1,
) -> str:
    """The text our entries hold from `, "response"` to the end of `"timings"` (the JSON
    texts given as they are: `status_json` and `version_json` quoted, `headers_text` the
    header objects between `[` and `]`)."""
    return (
        f', "response": {{"status": {status}, "statusText": {status_json}, '
        f'"httpVersion": {version_json}, "cookies": [], "headers": [{headers_text}], '
        f'"content": {content_text}, "redirectURL": "", "headersSize": -1, '
        f'"bodySize": {body_size}}}, "cache": {{}}, '
        '"timings": {"send": 0, "wait": 0, "receive": 0}'
    )


_SAMPLE_ID = 987654321987654
"""An id whose digits appear nowhere else in a usual response's text (see below)."""
_usual_templates: dict[tuple[int, tuple[int, int]], tuple[str, int]] = {}


def usual_response_text(
    status: int, request_id: int, version: tuple[int, int], header_text: HeaderText
) -> str:
    """`response_text` of the usual ack for `request_id`, from a %-template made once
    per (status, version): --save writes it for nearly every capture."""
    key = (status, version)
    cached = _usual_templates.get(key)
    if cached is None:
        sample = default_answer(status, False, _SAMPLE_ID)
        length = len(sample[2])
        text = response_text(status, sample, f'"HTTP/{version[0]}.{version[1]}"', header_text)
        text = text.replace("%", "%%").replace(str(_SAMPLE_ID), "%(id)d")
        for field in ('"value": "%d"', '"size": %d,', '"bodySize": %d}'):
            text = text.replace(field % length, field.replace("%d", "%(length)d"))
        cached = (text, length - len(str(_SAMPLE_ID)))
        if len(_usual_templates) < 4096:
            _usual_templates[key] = cached
    template, without_id = cached
    return template % {"id": request_id, "length": without_id + len(str(request_id))}


def response_text(status: int, answer: SentAnswer, version: str, header_text: HeaderText) -> str:
    """The text our entries hold from `, "response"` to the end of `"timings"` for `answer`
    (`header_text` makes a header's object: har.py's cached one)."""
    reason, headers, body = answer
    mime = ""
    for name, value in headers:
        if len(name) == 12 and name.lower() == b"content-type":
            mime = value.decode("latin-1")
            break
    content = f'{{"size": {len(body)}, "mimeType": {quote(mime)}'
    if body:
        text = body_text(body)
        if text is None:
            encoded = base64.b64encode(body).decode("ascii")
            content += f', "text": "{encoded}", "encoding": "base64"}}'
        else:
            content += f', "text": {quote(text)}}}'
    else:
        content += "}"
    return response_fields(
        status,
        quote(reason),
        version,
        ", ".join([header_text(n, v) for n, v in headers]),
        content,
        body_size(answer),
    )
