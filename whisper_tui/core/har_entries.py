"""One HAR entry -> one capture: each field read back as our files write it (har.py says
how) or as a browser's export has it, and the ids entries are given as they come."""

from __future__ import annotations

import base64
import binascii
import re
from datetime import UTC, datetime
from typing import Any, TypeGuard
from urllib.parse import urlencode, urlsplit

from whisper_tui.core.models import CapturedRequest, RawHeaders, SentAnswer, reason_phrase
from whisper_tui.core.portable import header_bytes
from whisper_tui.core.sent_answers import default_answer, usual_answer

_FORM = "application/x-www-form-urlencoded"
HEADER_FLAG = "_encoding"
"""On a header object: its text is latin-1 decoded bytes (see har.py's conventions)."""
UTF8_HEADERS = "utf-8"
"""_whisper.headerText of entries whose other headers are UTF-8 text."""
_VERSION_RE = re.compile(r"HTTP/(\d+)(?:\.(\d+))?")


class HarError(ValueError):
    """The file is not a HAR document we can read."""


# -- one entry -----------------------------------------------------------------------------------


def _to_bytes(text: str) -> bytes:
    # Our older files held latin-1 decoded bytes; a browser's may hold any Unicode, sent as UTF-8.
    try:
        return text.encode("latin-1")
    except UnicodeEncodeError:
        return text.encode("utf-8", "surrogatepass")


def _parse_version(text: object) -> tuple[int, int]:
    if text == "HTTP/1.1":
        return (1, 1)  # nearly every capture: skip the matching
    value = str(text or "").strip().upper()
    if value in ("H2", "HTTP/2", "HTTP/2.0"):
        return (2, 0)
    if value in ("H3", "HTTP/3", "HTTP/3.0"):
        return (3, 0)
    match = _VERSION_RE.fullmatch(value)
    if match is None:
        return (1, 1)  # unknown or empty: what nearly every webhook sender speaks
    return (int(match.group(1)), int(match.group(2) or 0))


def parse_time(text: object) -> float:
    """A HAR time (ISO 8601; UTC when it names no zone) as a Unix time; 0.0 when unreadable."""
    if not isinstance(text, str) or not text:
        return 0.0
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return 0.0
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.timestamp()


def _target_from_url(url: object) -> str:
    parts = urlsplit(str(url or ""))
    target = parts.path or "/"
    if parts.query:
        target += "?" + parts.query
    return target


def _body(post: object, index: int) -> bytes:
    if not isinstance(post, dict):
        return b""
    text = post.get("text")
    if isinstance(text, str):
        if post.get("_encoding") == "base64" or post.get("encoding") == "base64":
            try:
                return base64.b64decode(text, validate=True)
            except binascii.Error as exc:
                raise HarError(f"entry {index + 1}: postData is not valid base64") from exc
        return text.encode("utf-8", "surrogatepass")
    # Spec-pure HARs may give a form body only as params.
    params = post.get("params")
    mime = str(post.get("mimeType") or "").split(";", 1)[0].strip().lower()
    if isinstance(params, list) and mime == _FORM:
        pairs = [
            (str(p.get("name", "")), str(p.get("value", ""))) for p in params if isinstance(p, dict)
        ]
        return urlencode(pairs).encode("ascii")
    return b""


def is_json_int(value: object) -> TypeGuard[int]:
    # A TypeGuard, so a checked JSON value can be used as the int it is.
    return isinstance(value, int) and not isinstance(value, bool)


def _own_fields(entry: object) -> dict[str, Any]:
    """The entry's `_whisper` fields, or an empty dict (a browser's export has none)."""
    own = entry.get("_whisper") if isinstance(entry, dict) else None
    return own if isinstance(own, dict) else {}


_PAIRS_KEPT = 4096
"""Header lines remembered by `_utf8_headers`; more empties the cache (it only saves work)."""
_pairs: dict[tuple[str, str], tuple[bytes, bytes]] = {}


def _utf8_headers(listed: list[Any]) -> RawHeaders:
    """Our own files' headers: UTF-8 text in name/value objects, a rare one flagged latin-1.

    A sender repeats most of its header lines (Host, Content-Type, User-Agent), so each
    line's bytes are made once and shared: cheaper than encoding, and the captures hold (and
    --load's reading process sends, marshal writing a shared object once) one copy of each.
    Raises what a header that is not such an object raises (KeyError, TypeError, ...)."""
    pairs = _pairs
    headers = []
    for header in listed:
        if HEADER_FLAG in header:
            headers.append(header_bytes(header, flag=HEADER_FLAG))
            continue
        key = (header["name"], header["value"])
        pair = pairs.get(key)
        if pair is None:
            pair = (key[0].encode(), key[1].encode())  # only str pairs get this far
            if len(pairs) >= _PAIRS_KEPT:
                pairs.clear()
            pairs[key] = pair
        headers.append(pair)
    return tuple(headers)


def _headers(listed: object, extra: dict[str, Any]) -> RawHeaders:
    utf8 = extra.get("headerText") == UTF8_HEADERS
    if utf8 and isinstance(listed, list):
        try:
            return _utf8_headers(listed)
        except (KeyError, TypeError, AttributeError, UnicodeEncodeError):
            pass  # edited by hand or by another tool: the careful way below
    headers = []
    for header in listed if isinstance(listed, list) else ():
        if not isinstance(header, dict):
            continue
        name, value = str(header.get("name", "")), str(header.get("value", ""))
        if name.startswith(":") and not extra:
            continue  # HTTP/2 pseudo-header in a browser export, not a header line
        if utf8 or HEADER_FLAG in header:
            headers.append(header_bytes(header, flag=HEADER_FLAG))
        else:
            headers.append((_to_bytes(name), _to_bytes(value)))
    return tuple(headers)


_OLD_OK: SentAnswer = ("OK", (), b"")
"""A 200 entry of ours written before answers were kept (and any browser export's): shared."""


def _unrecorded(status: int) -> SentAnswer:
    """An answer of `status` whose headers and body no entry recorded (as files from before
    answers were kept have it): its status line only, written back so (`bodySize` -1)."""
    return _OLD_OK if status == 200 else (reason_phrase(status), (), b"")


def _answer(
    entry: dict[str, Any],
    extra: dict[str, Any],
    status: int,
    rejected: bool,
    given_id: int,
    index: int,
) -> SentAnswer | None:
    """The capture's `answer` from its entry: None for the usual ack (as the capture keeps it).

    A browser's export holds its server's answer, not ours: only the status line is kept."""
    response = entry.get("response")
    if response is None:
        if status != 200:
            # The reader drops only a 200 ack's text: this entry lost its response some
            # other way (edited by hand). What the sender got is not recorded; claiming an
            # ack would invent one.
            return _unrecorded(status)
        # The usual ack with the entry's own id, dropped by the reader.
        own = extra.get("id")
        return None if own == given_id or type(own) is not int else usual_answer(200, own)
    if type(response) is not dict:  # har_acks.OLD_RESPONSE: from before answers were kept
        return _unrecorded(status)
    reason = response.get("statusText")
    reason = reason if type(reason) is str else str(reason or "")
    if not extra:
        return _OLD_OK if reason == "OK" else (reason, (), b"")
    headers = _headers(response.get("headers"), extra)
    content = response.get("content")
    body = _body(content, index) if isinstance(content, dict) else b""
    answer = (reason, headers, body)
    if answer == default_answer(status, rejected, given_id):
        return None
    return _OLD_OK if answer == _OLD_OK else answer


def capture_from_entry(entry: object, index: int, given_id: int) -> CapturedRequest:
    """The capture one HAR entry describes (`index` counts from 0; messages say `index + 1`,
    the entry's number as a person counts the file's entries and as `send` numbers them)."""
    return CapturedRequest(*capture_fields(entry, index, given_id))


def capture_fields(entry: object, index: int, given_id: int) -> tuple[Any, ...]:
    """`capture_from_entry`'s capture as CapturedRequest's arguments, in order: what
    --load's reading process sends (har_process.CAPTURE_FIELDS)."""
    # This runs per entry, so exact type checks come first and helpers are called only off
    # the common path: parsed JSON holds exactly these types, `type(x) is str` is cheaper than
    # isinstance, and a call costs as much as the check. Anything else takes the careful way.
    request = entry.get("request") if isinstance(entry, dict) else None
    if not isinstance(entry, dict) or not isinstance(request, dict):
        raise HarError(f"entry {index + 1}: no request object")
    extra = entry.get("_whisper")
    if type(extra) is not dict:
        extra = _own_fields(entry)
    get = extra.get
    target = get("target")
    received_at = get("receivedAt")
    declared = get("declaredLength")
    method = request.get("method")
    remote = get("remote")
    rejected = get("rejected", False)
    answered = get("answered")
    version = request.get("httpVersion")
    listed = request.get("headers")
    headers = None
    if type(listed) is list and get("headerText") == UTF8_HEADERS:
        try:
            headers = _utf8_headers(listed)
        except (KeyError, TypeError, AttributeError, UnicodeEncodeError):
            headers = None  # edited by hand or by another tool: _headers' careful way
    rejected = rejected is True or bool(rejected)
    # What whisper-tui answered (files from before it was written: 413 or 200).
    answered = (
        answered
        if type(answered) is int
        else answered
        if is_json_int(answered)
        else 413
        if rejected
        else 200
    )
    return (
        given_id,
        received_at
        if type(received_at) is float
        else float(received_at)
        if isinstance(received_at, int | float) and not isinstance(received_at, bool)
        else parse_time(entry.get("startedDateTime")),
        remote if type(remote) is str else str(remote or ""),
        method if type(method) is str and method else str(method or "GET"),
        target if type(target) is str else _target_from_url(request.get("url")),
        (1, 1) if version == "HTTP/1.1" else _parse_version(version),
        headers if headers is not None else _headers(listed, extra),
        _body(request.get("postData"), index),
        rejected,
        None if declared is None else declared if is_json_int(declared) else None,
        answered,
        # Nearly always the usual ack with the entry's own id, its text dropped by the reader.
        None
        if "response" not in entry and get("id") == given_id and answered == 200 and not rejected
        else _answer(entry, extra, 413 if rejected else answered, rejected, given_id, index),
    )


class Numbering:
    """Ids as entries come: an entry keeps its `_whisper.id` unless an earlier entry holds it;
    one without (a browser's export) or with a taken one gets the lowest number still free."""

    def __init__(self) -> None:
        self.claimed: set[int] = set()
        self._next_free = 1

    def number(self, entry: object) -> int:
        own = entry.get("_whisper") if isinstance(entry, dict) else None
        wanted = own.get("id") if type(own) is dict else _own_fields(entry).get("id")
        if (type(wanted) is int or is_json_int(wanted)) and wanted not in self.claimed:
            self.claimed.add(wanted)
            return wanted
        while self._next_free in self.claimed:
            self._next_free += 1
        self.claimed.add(self._next_free)
        return self._next_free


def from_har(document: Any) -> list[CapturedRequest]:
    """Captures from a parsed HAR document, in file order (numbered as `Numbering` says).

    Our own `_whisper` fields are used when present; for other HARs the target comes from the
    URL and HTTP/2 pseudo-headers (`:method`, `:path`, ...) are dropped.
    """
    log = document.get("log") if isinstance(document, dict) else None
    entries = log.get("entries") if isinstance(log, dict) else None
    if not isinstance(entries, list):
        raise HarError("not a HAR document: no log.entries list")
    numbering = Numbering()
    return [
        capture_from_entry(entry, index, numbering.number(entry))
        for index, entry in enumerate(entries)
    ]
