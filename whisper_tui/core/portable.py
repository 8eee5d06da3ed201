"""Captures written out as portable text: body text, UTC times, target bytes, URLs, JSON.

Shared by the export formats (`core/export/`) and HAR save/load (`core/har.py`), which is why it
lives beside them rather than inside either: neither has to import the other for these.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any


def body_text(body: bytes) -> str | None:
    """The body as text when it is valid UTF-8, else None."""
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError:
        return None


def isoformat_utc(timestamp: float) -> str:
    """An epoch time as ISO 8601 in UTC with millisecond precision and a `Z` suffix."""
    moment = datetime.fromtimestamp(timestamp, tz=UTC)
    return moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")


def target_bytes(target: str) -> bytes:
    """The request target as the bytes that were on the request line.

    Non-ASCII bytes in a target reach us as UTF-8, or as lone surrogates when they were not
    valid UTF-8 (Python's `surrogateescape`); encoding the same way gives back the exact bytes.
    """
    return target.encode("utf-8", "surrogateescape")


def request_url(base_url: str, target: str) -> str:
    """The absolute URL for a target sent to `base_url` (like `http://127.0.0.1:8080`)."""
    if target.startswith("/"):
        return base_url.rstrip("/") + target  # one slash between them, not two
    if "://" in target:
        return target  # absolute-form, as sent to a proxy
    return base_url.rstrip("/") + "/"  # asterisk-form (`OPTIONS *`) has no path of its own


def dumps_portable(doc: Any, *, indent: int | None = 2) -> str:
    """JSON text that can always be written as UTF-8.

    Non-ASCII stays readable, except when a string holds lone surrogates (a target whose bytes
    were not UTF-8): those cannot be encoded, so the document falls back to `\\u` escapes,
    which JSON readers turn back into the same string.
    """
    text = json.dumps(doc, ensure_ascii=False, indent=indent)
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        text = json.dumps(doc, ensure_ascii=True, indent=indent)
    return text
