"""Save captures as HAR 1.2 and load them back, from our own files or a browser's export.

HAR (http://www.softwareishard.com/blog/har-12-spec/) describes requests as text, so a few
conventions make our files exact while staying readable by other HAR tools:

* Header names and values are written as text when their bytes are valid UTF-8 (`Zoë`, as the
  sender meant it). A header that is not UTF-8 is written latin-1 decoded (every byte one
  character) with `"_encoding": "latin-1"` on its object, so loading restores the bytes.
  `_whisper.headerText: "utf-8"` marks entries written this way; older files of ours, without
  it, held every header latin-1 decoded and still load exactly.
* `postData.text` holds the body when it is valid UTF-8. Any other body is base64 in
  `postData.text` with the custom field `"_encoding": "base64"` (the spec allows custom fields
  starting with `_`; browsers only ever put text in postData). For form bodies `params` is also
  filled, as browsers do, but `text` stays the authority.
* `_whisper` on each entry keeps what HAR has no field for: `id`, `receivedAt` (the exact epoch
  float; `startedDateTime` is rounded to milliseconds), `remote`, `target` (the request target
  exactly as received; `url` is rebuilt from the base URL and may be normalised by other tools),
  `rejected`, `declaredLength`, `answered` (the status whisper-tui answered; files without it
  load as 413 for a rejected capture, else 200), and `delivery`: the provider's delivery id as
  headless `--json` writes it (`{"id", "from", "seen", "first"}`, or null;
  core/deliveries.py). It is derived, so loading ignores it and numbers the arrivals again.
* `response` is what the sender got from whisper-tui: status, reason, the headers as sent in
  order (Content-Type, Content-Length, Connection, a rule's own; not the Date and Server lines
  aiohttp or the ack wrote) and the body in `content` (`text`, base64 with `"encoding":
  "base64"` when not UTF-8). A capture keeps it only when it was not the usual ack (a rule's,
  a 413, a relayed answer): the usual ack is rebuilt with the capture's id (sent_answers.py). Files
  written before answers were kept have no headers and `content.size` 0; loading keeps that.
  Replays and forwards, when given, go in `_attempts` on the entry; `--load` puts
  them back on the capture (har_attempts.py).
"""

from __future__ import annotations

import base64
import json
import os
from collections.abc import Callable, Iterable
from typing import Any, BinaryIO
from urllib.parse import parse_qsl

from whisper_tui import __version__
from whisper_tui.core.deliveries import DeliveryJson
from whisper_tui.core.delivery_index import json_view_of
from whisper_tui.core.file_targets import file_replacing
from whisper_tui.core.har_entries import HEADER_FLAG, UTF8_HEADERS, HarError, from_har
from whisper_tui.core.har_reader import load_har
from whisper_tui.core.models import (
    Attempt,
    CapturedRequest,
    RawHeaders,
    first_header,
)
from whisper_tui.core.portable import (
    body_text,
    dumps_portable,
    header_objects,
    header_text,
    isoformat_utc,
    request_url,
)
from whisper_tui.core.sent_answers import (
    response_object,
    response_text,
    sent,
    usual_response_text,
)

__all__ = ["HarError", "from_har", "load_har", "save_har", "to_har"]

DeliveriesFor = Callable[[CapturedRequest], DeliveryJson | None]
"""A capture -> its `_whisper.delivery` object (or None for null)."""

HAR_VERSION = "1.2"
CREATOR = "whisper-tui"


_FORM = "application/x-www-form-urlencoded"


# -- writing -------------------------------------------------------------------------------------


def _name_values(pairs: Iterable[tuple[str, str]]) -> list[dict[str, str]]:
    return [{"name": name, "value": value} for name, value in pairs]


def _headers(raw: RawHeaders) -> list[dict[str, str]]:
    return header_objects(raw, flag=HEADER_FLAG)


def _cookies(request: CapturedRequest) -> list[dict[str, str]]:
    """Name/value pairs from the Cookie headers, for HAR viewers (the headers stay exact)."""
    cookies = []
    for raw_name, raw_value in request.raw_headers:
        if raw_name.lower() != b"cookie":
            continue
        header = header_text(raw_value)[0]
        for part in header.split(";"):
            name, _, value = part.strip().partition("=")
            if name:
                cookies.append({"name": name, "value": value})
    return cookies


def _post_data(body: bytes, content_type_header: str | None) -> dict[str, Any]:
    mime = content_type_header or ""
    text = body_text(body)
    if text is None:
        return {
            "mimeType": mime,
            "text": base64.b64encode(body).decode("ascii"),
            "_encoding": "base64",
        }
    post: dict[str, Any] = {"mimeType": mime, "text": text}
    if mime.split(";", 1)[0].strip().lower() == _FORM:
        post["params"] = _name_values(parse_qsl(text, keep_blank_values=True))
    return post


def _attempt_entry(attempt: Attempt) -> dict[str, Any]:
    """A HAR-shaped record of one replay or forward (custom data: `_attempts`)."""
    sent: dict[str, Any] = {
        "method": attempt.sent_method,
        "url": attempt.target_url,
        "headers": _headers(attempt.sent_headers),
        "bodySize": len(attempt.sent_body),
    }
    if attempt.sent_body:
        sent_type = first_header(attempt.sent_headers, "content-type")
        sent["postData"] = _post_data(attempt.sent_body, sent_type)
    response_text = body_text(attempt.response_body)
    content: dict[str, Any] = {
        "size": len(attempt.response_body),
        "mimeType": first_header(attempt.response_headers, "content-type") or "",
    }
    if response_text is not None:
        content["text"] = response_text
    else:
        # HAR 1.2 has a standard `encoding` field for response content (not for postData).
        content["text"] = base64.b64encode(attempt.response_body).decode("ascii")
        content["encoding"] = "base64"
    return {
        "kind": attempt.kind,
        "startedDateTime": isoformat_utc(attempt.started_at),
        "time": round(attempt.latency * 1000, 3) if attempt.latency is not None else -1,
        # The exact floats (the two above are rounded), for --load (har_attempts.py).
        "startedAt": attempt.started_at,
        "latency": attempt.latency,
        "error": attempt.error,
        "notes": list(attempt.notes),
        "request": sent,
        "response": {
            "status": attempt.status or 0,
            "statusText": attempt.reason,
            "headers": _headers(attempt.response_headers),
            "content": content,
        },
    }


def _entry(
    request: CapturedRequest,
    base_url: str,
    attempts_for: Callable[[int], list[Attempt]] | None,
    deliveries_for: DeliveriesFor,
) -> dict[str, Any]:
    har_request: dict[str, Any] = {
        "method": request.method,
        "url": request_url(base_url, request.target),
        "httpVersion": request.version_text,
        "cookies": _cookies(request),
        "headers": _headers(request.raw_headers),
        "queryString": _name_values(request.query_params),
        "headersSize": -1,
        "bodySize": len(request.body),
    }
    if request.rejected:
        # The body was not kept; what the sender announced is the best size there is.
        declared = request.declared_length
        har_request["bodySize"] = declared if declared is not None else -1
    if request.body:
        har_request["postData"] = _post_data(request.body, request.header("content-type"))
    entry: dict[str, Any] = {
        "startedDateTime": isoformat_utc(request.received_at),
        "time": 0,
        "request": har_request,
        "response": response_object(request, flag=HEADER_FLAG),
        "cache": {},
        "timings": {"send": 0, "wait": 0, "receive": 0},
        "_whisper": {
            "id": request.id,
            "receivedAt": request.received_at,
            "remote": request.remote,
            "target": request.target,
            "rejected": request.rejected,
            "declaredLength": request.declared_length,
            "answered": request.answered_status,
            "headerText": UTF8_HEADERS,
            "delivery": deliveries_for(request),
        },
    }
    if attempts_for is not None:
        attempts = attempts_for(request.id)
        if attempts:
            entry["_attempts"] = [_attempt_entry(a) for a in attempts]
    return entry


def to_har(
    requests: Iterable[CapturedRequest],
    base_url: str,
    attempts_for: Callable[[int], list[Attempt]] | None = None,
    deliveries_for: DeliveriesFor | None = None,
) -> dict[str, Any]:
    """A HAR 1.2 document (`{"log": ...}`) for the captures, in the order given.

    `base_url` (like `http://127.0.0.1:8080`) makes the absolute `url` HAR requires;
    `attempts_for(id)` may supply each capture's replays to include as `_attempts`;
    `deliveries_for` each capture's delivery (the store's `deliveries.json_view()`). Without
    it, arrivals are numbered among the captures given, as loading the file would number them.
    """
    requests = list(requests)
    if deliveries_for is None:
        deliveries_for = json_view_of(requests)
    return {
        "log": {
            "version": HAR_VERSION,
            "creator": {"name": CREATOR, "version": __version__},
            "entries": [_entry(r, base_url, attempts_for, deliveries_for) for r in requests],
        }
    }


def file_head() -> bytes:
    """The bytes before the first entry: `{"log": {..., "entries": [`."""
    creator = json.dumps({"name": CREATOR, "version": __version__})
    return f'{{"log": {{"version": "{HAR_VERSION}", "creator": {creator}, "entries": ['.encode()


FILE_TAIL = b"\n]}}\n"
"""The bytes after the last entry. Appending overwrites only these (see autosave.py)."""


def entry_separator(number: int) -> bytes:
    """What goes before entry `number` (from 0): each entry has a line of its own."""
    return b",\n" if number else b"\n"


def entry_bytes(
    request: CapturedRequest,
    base_url: str,
    delivery: DeliveryJson | None = None,
    attempts: list[Attempt] | None = None,
) -> bytes:
    """One entry as the UTF-8 JSON line our files hold (the text `json.dumps` makes).

    Without attempts (nearly always) the line is put together directly, about 5x faster than
    building the dict and dumping it: `--save` serializes every capture under load.
    """
    if attempts:
        entry = _entry(request, base_url, lambda _: attempts, lambda _: delivery)
        return dumps_portable(entry, indent=None).encode()
    try:
        return _fast_entry(request, base_url, delivery).encode("utf-8")
    except UnicodeEncodeError:
        # Lone surrogates (a target that was not UTF-8): escaped, as dumps_portable does.
        entry = _entry(request, base_url, None, lambda _: delivery)
        return json.dumps(entry, ensure_ascii=True).encode()


_quote = json.encoder.encode_basestring


def _pairs(pairs: Iterable[tuple[str, str]]) -> str:
    return ", ".join(f'{{"name": {_quote(n)}, "value": {_quote(v)}}}' for n, v in pairs)


_CACHED = 4096
"""Entries in each of the fragment caches below, at most (each is emptied when full)."""
_CACHED_LENGTH = 512
"""Longer header values and targets are not cached: they are rarely repeated, and a cache of
big ones would hold megabytes."""

_header_fragments: dict[tuple[bytes, bytes], str] = {}
"""A header's `{"name": ..., "value": ...}` text: webhook senders repeat most headers."""

_target_fragments: dict[tuple[str, str], tuple[str, str, str]] = {}
"""(base URL, target) -> its url, target and queryString texts: a sender posts to few."""


def _header_fragment(raw_name: bytes, raw_value: bytes) -> str:
    key = (raw_name, raw_value)
    fragment = _header_fragments.get(key)
    if fragment is None:
        try:
            name, value = raw_name.decode("utf-8"), raw_value.decode("utf-8")
            flag = ""
        except UnicodeDecodeError:
            name, value = raw_name.decode("latin-1"), raw_value.decode("latin-1")
            flag = f', "{HEADER_FLAG}": "latin-1"'
        fragment = f'{{"name": {_quote(name)}, "value": {_quote(value)}{flag}}}'
        if len(raw_value) <= _CACHED_LENGTH:
            if len(_header_fragments) >= _CACHED:
                _header_fragments.clear()
            _header_fragments[key] = fragment
    return fragment


def _target_fragments_of(base_url: str, target: str) -> tuple[str, str, str]:
    key = (base_url, target)
    fragments = _target_fragments.get(key)
    if fragments is None:
        query = ""
        if "?" in target:
            query = _pairs(parse_qsl(target.split("?", 1)[1], keep_blank_values=True))
        fragments = (_quote(request_url(base_url, target)), _quote(target), query)
        if len(target) <= _CACHED_LENGTH:
            if len(_target_fragments) >= _CACHED:
                _target_fragments.clear()
            _target_fragments[key] = fragments
    return fragments


def _fast_entry(request: CapturedRequest, base_url: str, delivery: DeliveryJson | None) -> str:
    """`dumps_portable(_entry(request, base_url, None, ...), indent=None)`, put together directly
    (tests/core/test_har.py checks they agree). One pass over the headers finds the
    Content-Type and any Cookie header too."""
    quote = _quote
    headers = []
    content_type: str | None = None
    cookie_headers = []
    for raw_name, raw_value in request.raw_headers:
        headers.append(_header_fragment(raw_name, raw_value))
        if len(raw_name) in (6, 12):  # only then can it be Cookie or Content-Type
            lower = raw_name.lower()
            if lower == b"content-type" and content_type is None:
                content_type = raw_value.decode("latin-1")
            elif lower == b"cookie":
                cookie_headers.append(header_text(raw_value)[0])
    target = request.target
    url_text, target_text, query = _target_fragments_of(base_url, target)
    cookies = ""
    if cookie_headers:
        cookies = _pairs(
            (name, value)
            for header in cookie_headers
            for name, _, value in (part.strip().partition("=") for part in header.split(";"))
            if name
        )
    body = request.body
    size = len(body)
    if request.rejected:
        declared = request.declared_length
        size = declared if declared is not None else -1
    post = ""
    if body:
        text = body_text(body)
        mime = quote(content_type or "")
        if text is None:
            encoded = base64.b64encode(body).decode("ascii")
            post = (
                f', "postData": {{"mimeType": {mime}, "text": "{encoded}", "_encoding": "base64"}}'
            )
        elif (content_type or "").split(";", 1)[0].strip().lower() == _FORM:
            params = _pairs(parse_qsl(text, keep_blank_values=True))
            post = (
                f', "postData": {{"mimeType": {mime}, "text": {quote(text)}, "params": [{params}]}}'
            )
        else:
            post = f', "postData": {{"mimeType": {mime}, "text": {quote(text)}}}'
    if request.answer is None and not request.rejected and request.answered_status:
        response = usual_response_text(
            request.answered_status, request.id, request.http_version, _header_fragment
        )
    else:
        status, answer = sent(request)
        response = response_text(status, answer, f'"{request.version_text}"', _header_fragment)
    declared_text = "null" if request.declared_length is None else str(request.declared_length)
    delivery_text = "null" if delivery is None else json.dumps(delivery, ensure_ascii=False)
    major, minor = request.http_version
    version = f'"HTTP/{major}.{minor}"'
    return (
        f'{{"startedDateTime": "{isoformat_utc(request.received_at)}", "time": 0, '
        f'"request": {{"method": {quote(request.method)}, '
        f'"url": {url_text}, "httpVersion": {version}, '
        f'"cookies": [{cookies}], "headers": [{", ".join(headers)}], "queryString": [{query}], '
        f'"headersSize": -1, "bodySize": {size}{post}}}'
        + response
        + f', "_whisper": {{"id": {request.id}, "receivedAt": {request.received_at!r}, '
        f'"remote": {quote(request.remote)}, "target": {target_text}, '
        f'"rejected": {"true" if request.rejected else "false"}, '
        f'"declaredLength": {declared_text}, "answered": {request.answered_status}, '
        f'"headerText": "{UTF8_HEADERS}", '
        f'"delivery": {delivery_text}}}}}'
    )


def write_entries(
    out: BinaryIO,
    requests: Iterable[CapturedRequest],
    base_url: str,
    attempts_for: Callable[[int], list[Attempt]] | None,
    deliveries_for: DeliveriesFor,
) -> int:
    """Write a file's entries with their separators; returns how many."""
    count = 0
    for request in requests:
        attempts = attempts_for(request.id) if attempts_for is not None else None
        line = entry_bytes(request, base_url, deliveries_for(request), attempts)
        out.write(entry_separator(count) + line)
        count += 1
    return count


def save_har(
    path: str | os.PathLike[str],
    requests: Iterable[CapturedRequest],
    base_url: str,
    attempts_for: Callable[[int], list[Attempt]] | None = None,
    deliveries_for: DeliveriesFor | None = None,
) -> int:
    """Write the captures to `path` as HAR, atomically: readers see the old file or the new one.

    `attempts_for` and `deliveries_for` as for `to_har`.

    One entry per line, between `file_head()` and `FILE_TAIL`, so `--save` can then append
    (autosave.py). The temporary file is created next to the target (os.replace is only
    atomic within one file system) with mode 0600, which the saved file keeps: captures carry
    secrets. Returns how many entries were written.
    """
    if deliveries_for is None:
        requests = list(requests)
        deliveries_for = json_view_of(requests)
    with file_replacing(path) as (fd, _):
        with os.fdopen(fd, "wb") as out:
            # Entry by entry: 100k captures never exist as one document or one string.
            out.write(file_head())
            written = write_entries(out, requests, base_url, attempts_for, deliveries_for)
            out.write(FILE_TAIL)
            out.flush()
            # Make the content durable before the rename publishes it.
            os.fsync(out.fileno())
    return written
