"""The usual ack our HAR entries hold, dropped from the text before it is parsed.

Nearly every entry whisper-tui writes holds the same answer, the usual ack with the entry's own
id; parsing it was half the JSON time of an entry. `dropped` (text) and `dropped_bytes` (lines
read as bytes) cut it out, and a file from before answers were kept has its answer replaced by
`OLD_RESPONSE`; har_entries.py reads both back (an entry of ours without `response`, and
`"response": 0`).
"""

from __future__ import annotations

import re

from whisper_tui.core.sent_answers import response_fields

_OLD_USUAL_RESPONSE = response_fields(200, '"OK"', '"HTTP/1.1"')
"""What every 200 entry of ours held before answers were kept (no headers, no body). Replaced
by `OLD_RESPONSE` before parsing: loading reads that as this answer (not known)."""

OLD_RESPONSE = ', "response": 0'


def _usual_pattern() -> re.Pattern[str]:
    """The usual ack to HTTP/1.1 (sent_answers.usual_answer) as our entries write it, when its id is
    the entry's own `_whisper.id` and its three lengths are its body's: `{"ok":true,"id":N}`
    is 17 bytes and N's digits (1 to 15 of them, each count a group a conditional asks)."""
    text = re.escape(
        response_fields(
            200,
            '"OK"',
            '"HTTP/1.1"',
            '{"name": "Content-Type", "value": "application/json"}, '
            '{"name": "Content-Length", "value": "@LENGTH@"}',
            '{"size": @SAME@, "mimeType": "application/json", '
            '"text": "{\\"ok\\":true,\\"id\\":@ID@}"}',
            "@SAME@",
        )
    )
    digits = range(1, 16)
    length = "(?P<length>" + "|".join(f"(?P<d{n}>{17 + n})" for n in digits) + ")"
    ack_id = "(?P<id>" + "".join(f"(?(d{n})[1-9]\\d{{{n - 1}}})" for n in digits) + ")"
    return re.compile(
        text.replace("@LENGTH@", length, 1).replace("@SAME@", "(?P=length)").replace("@ID@", ack_id)
        + r'(?=, "_whisper": \{"id": (?P=id),)'
    )


_USUAL_RESPONSE = _usual_pattern()
"""Nearly every entry we write holds the usual ack with its own id. Parsing its objects was
half the JSON time of an entry, so the text is dropped before parsing (a constant replacement:
no Python call per entry), and loading reads an entry of ours without `response` as that ack.
It can't match inside a JSON string (its quotes would be escaped there), only as the entry's
fields."""
_USUAL_RESPONSE_BYTES = re.compile(_USUAL_RESPONSE.pattern.encode())
"""The same, for lines read as bytes (an ASCII pattern: it matches where the text's does)."""
_OLD_USUAL_BYTES, _OLD_RESPONSE_BYTES = _OLD_USUAL_RESPONSE.encode(), OLD_RESPONSE.encode()


def dropped(text: str) -> str:
    """The text as it is parsed: the usual response of our entries dropped (see above)."""
    text, usual = _USUAL_RESPONSE.subn("", text)
    if not usual:  # a file from before answers were kept (a mixed piece parses them)
        text = text.replace(_OLD_USUAL_RESPONSE, OLD_RESPONSE)
    return text


def dropped_bytes(data: bytes) -> bytes:
    """`dropped` for lines read as bytes."""
    data, usual = _USUAL_RESPONSE_BYTES.subn(b"", data)
    if not usual:
        data = data.replace(_OLD_USUAL_BYTES, _OLD_RESPONSE_BYTES)
    return data
