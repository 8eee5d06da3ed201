"""A capture's replays and forwards in its HAR entry (`_attempts`) read back into Attempts.

har.py writes each attempt as a HAR-shaped record: the request sent (`url`, `method`, headers,
`postData`), the response got (`status`, `statusText`, headers, `content`), plus `kind`,
`error`, `notes`, and `startedAt` / `latency` as exact floats. `--load` reads them back so the
detail's Attempts section and the list's `!` (a failed forward) come back with the captures.
Bodies and headers are byte-exact by the capture's own conventions (base64, latin-1 flags);
files from before `startedAt` and `latency` give the millisecond `startedDateTime` and `time`.
An attempt record that can't be read is left out: the capture itself still loads.
"""

from __future__ import annotations

import base64
import binascii
import dataclasses
from typing import Any, TypeGuard

# One reading of a HAR time and of a JSON integer, shared with the entries' own fields.
from whisper_tui.core.har_entries import HEADER_FLAG, is_json_int, parse_time
from whisper_tui.core.models import Attempt, RawHeaders
from whisper_tui.core.portable import header_bytes

AttemptRecord = tuple[Any, ...]
"""An Attempt's fields in order: what --load's reading process sends (marshal keeps them
exact); `Attempt(*record)` makes the attempt again."""

_FIELDS = tuple(field.name for field in dataclasses.fields(Attempt))


def attempt_record(attempt: Attempt) -> AttemptRecord:
    """The attempt as the tuple its record is (see AttemptRecord)."""
    return tuple(getattr(attempt, name) for name in _FIELDS)


def attempt_records(entry: dict[str, Any]) -> list[AttemptRecord]:
    """The attempts saved on one entry, oldest first ([] when none or none readable)."""
    listed = entry.get("_attempts")
    if not isinstance(listed, list):
        return []
    records = []
    for item in listed:
        try:
            attempt = _attempt_of(item)
        except (ValueError, TypeError, AttributeError, binascii.Error):
            continue  # edited by hand or by another tool: the capture loads without it
        records.append(attempt_record(attempt))
    return records


def _attempt_of(item: Any) -> Attempt:
    sent, got = item.get("request") or {}, item.get("response") or {}
    status, started, latency = got.get("status"), item.get("startedAt"), item.get("latency")
    if not _is_number(started):
        started = parse_time(item.get("startedDateTime"))
    if latency is not None and not _is_number(latency):
        raise ValueError("latency is not a number")
    if "latency" not in item:  # older files: milliseconds, rounded, -1 for none
        milliseconds = item.get("time")
        latency = milliseconds / 1000 if _is_number(milliseconds) and milliseconds >= 0 else None
    error, notes = item.get("error"), item.get("notes") or []
    return Attempt(
        target_url=str(sent.get("url") or ""),
        started_at=float(started),
        kind=str(item.get("kind") or "replay"),
        status=status if is_json_int(status) and status > 0 else None,  # 0: there was none
        reason=str(got.get("statusText") or ""),
        response_headers=_headers(got.get("headers")),
        response_body=_content(got.get("content") or {}, "encoding"),
        latency=latency,
        error=error if isinstance(error, str) else None,
        sent_method=str(sent.get("method") or ""),
        sent_headers=_headers(sent.get("headers")),
        sent_body=_content(sent.get("postData") or {}, "_encoding"),
        notes=[note for note in notes if isinstance(note, str)],
    )


def _is_number(value: object) -> TypeGuard[int | float]:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _headers(listed: object) -> RawHeaders:
    if not isinstance(listed, list):
        return ()
    return tuple(header_bytes(header, flag=HEADER_FLAG) for header in listed)


def _content(content: dict[str, Any], flag: str) -> bytes:
    """A body as har.py writes it: UTF-8 text, or base64 with `flag` saying so."""
    text = content.get("text")
    if not isinstance(text, str):
        return b""
    if content.get(flag) == "base64":
        return base64.b64decode(text, validate=True)
    return text.encode("utf-8", "surrogatepass")
