"""Captures written out as portable text: body text, UTC times, target bytes, URLs, JSON.

Shared by the export formats (`core/export/`) and HAR save/load (`core/har.py`), which is why it
lives beside them rather than inside either: neither has to import the other for these.
"""

from __future__ import annotations

import json
import math
import time
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from typing import Any

HOP_BY_HOP: frozenset[str] = frozenset(
    {
        "connection",
        "keep-alive",
        "proxy-connection",
        "te",
        "trailer",
        "trailers",  # RFC 2616's spelling, still seen in the wild
        "transfer-encoding",
        "upgrade",
        "proxy-authorization",
        "proxy-authenticate",
    }
)
"""Lower-cased names that describe one connection, never forwarded (RFC 9110 §7.6.1): replay
and forward leave them out, and so do the curl, HTTPie and pytest exports, which are replays
run by hand. HAR, JSON and raw HTTP keep them: those are records of what arrived."""


def connection_headers(raw_headers: Iterable[tuple[bytes, bytes]]) -> frozenset[bytes]:
    """The lower-cased names among `raw_headers` that describe the sender's connection:
    HOP_BY_HOP, and any header its Connection header names (`Connection: close, X-Trace`)."""
    pairs = list(raw_headers)
    names = {name.encode("ascii") for name in HOP_BY_HOP}
    for name, value in pairs:
        if name.lower() == b"connection":
            names.update(t.strip().lower() for t in value.split(b",") if t.strip())
    return frozenset(names)


def body_text(body: bytes) -> str | None:
    """The body as text when it is valid UTF-8, else None."""
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError:
        return None


def header_text(raw: bytes) -> tuple[str, bool]:
    """A header name or value as text for a portable document, and whether that text is UTF-8.

    Valid UTF-8 (nearly every header, and `X-User: Zoë Müller`) is written as itself, so files
    read naturally and other tools see what the sender meant. Other bytes are written latin-1
    decoded (each byte one character) and flagged, so a reader encodes them back exactly.
    """
    try:
        return raw.decode("utf-8"), True
    except UnicodeDecodeError:
        return raw.decode("latin-1"), False


def header_objects(
    raw_headers: Iterable[tuple[bytes, bytes]], *, flag: str
) -> list[dict[str, str]]:
    """`{"name": ..., "value": ...}` per header, in order. A header whose name or value is not
    UTF-8 is written latin-1 decoded with `flag: "latin-1"` (HAR wants custom fields to start
    with an underscore, so it passes `_encoding`; our JSON passes `encoding`)."""
    objects = []
    for name, value in raw_headers:
        name_text, name_utf8 = header_text(name)
        value_text, value_utf8 = header_text(value)
        if name_utf8 and value_utf8:
            objects.append({"name": name_text, "value": value_text})
        else:
            objects.append(
                {"name": name.decode("latin-1"), "value": value.decode("latin-1"), flag: "latin-1"}
            )
    return objects


def header_bytes(entry: Mapping[str, object], *, flag: str) -> tuple[bytes, bytes]:
    """The (name, value) bytes a `header_objects` entry stands for."""
    name, value = str(entry.get("name", "")), str(entry.get("value", ""))
    if entry.get(flag) == "latin-1":
        try:
            return name.encode("latin-1"), value.encode("latin-1")
        except UnicodeEncodeError:
            pass  # edited by hand into text latin-1 can't hold: what was typed is meant
    return name.encode("utf-8", "surrogatepass"), value.encode("utf-8", "surrogatepass")


_second_shown: tuple[int, str] = (-1, "")
"""The last whole second formatted, and its text: captures come many to a second."""


def isoformat_utc(timestamp: float) -> str:
    """An epoch time as ISO 8601 in UTC with millisecond precision and a `Z` suffix.

    The same text as `datetime.fromtimestamp(timestamp, UTC).isoformat(timespec=
    "milliseconds")` (which rounds to microseconds half-even, then cuts to milliseconds), but
    formatting each second once: `--save` writes this for every capture under load.
    """
    global _second_shown
    fraction, whole = math.modf(timestamp)
    micros = round(fraction * 1e6)
    if micros >= 1_000_000:
        whole, micros = whole + 1, micros - 1_000_000
    if not 0 <= whole < _YEAR_10000 or micros < 0:
        moment = datetime.fromtimestamp(timestamp, tz=UTC)
        return moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")
    second = int(whole)
    shown = _second_shown
    if shown[0] != second:
        shown = _second_shown = (second, time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(second)))
    return f"{shown[1]}.{micros // 1000:03d}Z"


_YEAR_10000 = 253_402_300_800


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


def dumps_portable(
    doc: Any, *, indent: int | None = 2, separators: tuple[str, str] | None = None
) -> str:
    """JSON text that can always be written as UTF-8.

    Non-ASCII stays readable, except when a string holds lone surrogates (a target whose bytes
    were not UTF-8, a JSON body's `"\\ud800"`): those cannot be encoded, so the document falls
    back to `\\u` escapes, which JSON readers turn back into the same string.
    """
    text = json.dumps(doc, ensure_ascii=False, indent=indent, separators=separators)
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        text = json.dumps(doc, ensure_ascii=True, indent=indent, separators=separators)
    return text
