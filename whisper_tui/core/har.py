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
  `rejected`, `declaredLength`, and `delivery`: the provider's delivery id as headless `--json`
  writes it (`{"id", "from", "seen", "first"}`, or null; core/deliveries.py). It is derived, so
  loading ignores it and numbers the arrivals again.
* `response` is the capture server's answer (413 for a rejected capture, else 200); its headers
  and body are not recorded. Replays and forwards, when given, go in `_attempts` on the entry;
  loading ignores them.
"""

from __future__ import annotations

import base64
import binascii
import json
import os
import re
import tempfile
from collections.abc import Callable, Iterable
from contextlib import suppress
from datetime import UTC, datetime
from typing import Any, TypeGuard
from urllib.parse import parse_qsl, urlencode, urlsplit

from whisper_tui import __version__
from whisper_tui.core.deliveries import DeliveryJson, json_view_of
from whisper_tui.core.models import Attempt, CapturedRequest, RawHeaders, first_header
from whisper_tui.core.portable import (
    body_text,
    dumps_portable,
    header_bytes,
    header_objects,
    header_text,
    isoformat_utc,
    request_url,
)

DeliveriesFor = Callable[[CapturedRequest], DeliveryJson | None]
"""A capture -> its `_whisper.delivery` object (or None for null)."""

HAR_VERSION = "1.2"
CREATOR = "whisper-tui"

# What the capture server answers. It does not record its own response, so the HAR says what it
# always sends: 413 when the body was over the limit, 200 otherwise.
_ACCEPTED = (200, "OK")
_REJECTED = (413, "Payload Too Large")

_FORM = "application/x-www-form-urlencoded"
_HEADER_FLAG = "_encoding"  # on a header object: its text is latin-1 decoded bytes
_UTF8_HEADERS = "utf-8"  # _whisper.headerText of entries whose other headers are UTF-8 text
_VERSION_RE = re.compile(r"HTTP/(\d+)(?:\.(\d+))?")


class HarError(ValueError):
    """The file is not a HAR document we can read."""


# -- writing -------------------------------------------------------------------------------------


def _name_values(pairs: Iterable[tuple[str, str]]) -> list[dict[str, str]]:
    return [{"name": name, "value": value} for name, value in pairs]


def _headers(raw: RawHeaders) -> list[dict[str, str]]:
    return header_objects(raw, flag=_HEADER_FLAG)


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
        sent["postData"] = _post_data(attempt.sent_body, None)
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
    status, status_text = _REJECTED if request.rejected else _ACCEPTED
    entry: dict[str, Any] = {
        "startedDateTime": isoformat_utc(request.received_at),
        "time": 0,
        "request": har_request,
        "response": {
            "status": status,
            "statusText": status_text,
            "httpVersion": request.version_text,
            "cookies": [],
            "headers": [],
            "content": {"size": 0, "mimeType": ""},
            "redirectURL": "",
            "headersSize": -1,
            "bodySize": -1,
        },
        "cache": {},
        "timings": {"send": 0, "wait": 0, "receive": 0},
        "_whisper": {
            "id": request.id,
            "receivedAt": request.received_at,
            "remote": request.remote,
            "target": request.target,
            "rejected": request.rejected,
            "declaredLength": request.declared_length,
            "headerText": _UTF8_HEADERS,
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


def save_har(
    path: str | os.PathLike[str],
    requests: Iterable[CapturedRequest],
    base_url: str,
    attempts_for: Callable[[int], list[Attempt]] | None = None,
    deliveries_for: DeliveriesFor | None = None,
) -> None:
    """Write the captures to `path` as HAR, atomically: readers see the old file or the new one.

    `attempts_for` and `deliveries_for` as for `to_har`.

    The temporary file is created next to the target (os.replace is only atomic within one
    file system) with mode 0600, which the saved file keeps: captures carry secrets.
    """
    target = os.fspath(path)
    if deliveries_for is None:
        requests = list(requests)
        deliveries_for = json_view_of(requests)
    directory = os.path.dirname(os.path.abspath(target))
    fd, temp = tempfile.mkstemp(
        prefix="." + os.path.basename(target) + ".", suffix=".tmp", dir=directory
    )
    try:
        with os.fdopen(fd, "wb") as out:
            # Entry by entry: 100k captures never exist as one document or one string.
            empty = to_har([], base_url)
            head, _, tail = dumps_portable(empty).partition('"entries": []')
            out.write(head.encode("utf-8") + b'"entries": [')
            for number, request in enumerate(requests):
                entry = dumps_portable(_entry(request, base_url, attempts_for, deliveries_for))
                out.write((",\n" if number else "\n").encode() + entry.encode("utf-8"))
            out.write(b"\n]" + tail.encode("utf-8"))
            out.flush()
            # Make the content durable before the rename publishes it.
            os.fsync(out.fileno())
        os.replace(temp, target)
    except BaseException:
        with suppress(FileNotFoundError):
            os.unlink(temp)
        raise


# -- reading -------------------------------------------------------------------------------------


def _to_bytes(text: str) -> bytes:
    # Our older files held latin-1 decoded bytes; a browser's may hold any Unicode, sent as UTF-8.
    try:
        return text.encode("latin-1")
    except UnicodeEncodeError:
        return text.encode("utf-8", "surrogatepass")


def _parse_version(text: object) -> tuple[int, int]:
    value = str(text or "").strip().upper()
    if value in ("H2", "HTTP/2", "HTTP/2.0"):
        return (2, 0)
    if value in ("H3", "HTTP/3", "HTTP/3.0"):
        return (3, 0)
    match = _VERSION_RE.fullmatch(value)
    if match is None:
        return (1, 1)  # unknown or empty: what nearly every webhook sender speaks
    return (int(match.group(1)), int(match.group(2) or 0))


def _parse_time(text: object) -> float:
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
                raise HarError(f"entry {index}: postData is not valid base64") from exc
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


def _is_int(value: object) -> TypeGuard[int]:
    # A TypeGuard, so a checked JSON value can be used as the int it is.
    return isinstance(value, int) and not isinstance(value, bool)


def from_har(document: Any) -> list[CapturedRequest]:
    """Captures from a parsed HAR document, in file order.

    Our own `_whisper` fields are used when present; for other HARs the target comes from the
    URL, HTTP/2 pseudo-headers (`:method`, `:path`, ...) are dropped, and ids are numbered from 1.
    """
    log = document.get("log") if isinstance(document, dict) else None
    entries = log.get("entries") if isinstance(log, dict) else None
    if not isinstance(entries, list):
        raise HarError("not a HAR document: no log.entries list")

    # Our own fields, or an empty dict for an entry without them (a browser's export).
    extras: list[dict[str, Any]] = []
    for entry in entries:
        own = entry.get("_whisper") if isinstance(entry, dict) else None
        extras.append(own if isinstance(own, dict) else {})
    # First holder of an id keeps it; missing or repeated ids get the lowest free numbers.
    claimed: set[int] = set()
    ids: list[int | None] = []
    for extra in extras:
        wanted = extra.get("id")
        if _is_int(wanted) and wanted not in claimed:
            claimed.add(wanted)
            ids.append(wanted)
        else:
            ids.append(None)
    next_free = 1

    captures = []
    for index, (entry, extra, given_id) in enumerate(zip(entries, extras, ids, strict=True)):
        request = entry.get("request") if isinstance(entry, dict) else None
        if not isinstance(request, dict):
            raise HarError(f"entry {index}: no request object")
        if given_id is None:
            while next_free in claimed:
                next_free += 1
            given_id = next_free
            claimed.add(given_id)

        utf8_headers = extra.get("headerText") == _UTF8_HEADERS
        headers = []
        for header in request.get("headers") or []:
            if not isinstance(header, dict):
                continue
            name, value = str(header.get("name", "")), str(header.get("value", ""))
            if name.startswith(":") and not extra:
                continue  # HTTP/2 pseudo-header in a browser export, not a header line
            if utf8_headers or _HEADER_FLAG in header:
                headers.append(header_bytes(header, flag=_HEADER_FLAG))
            else:
                headers.append((_to_bytes(name), _to_bytes(value)))

        target = extra.get("target")
        received_at = extra.get("receivedAt")
        declared = extra.get("declaredLength")
        captures.append(
            CapturedRequest(
                id=given_id,
                received_at=(
                    float(received_at)
                    if isinstance(received_at, int | float) and not isinstance(received_at, bool)
                    else _parse_time(entry.get("startedDateTime"))
                ),
                remote=str(extra.get("remote") or ""),
                method=str(request.get("method") or "GET"),
                target=target if isinstance(target, str) else _target_from_url(request.get("url")),
                http_version=_parse_version(request.get("httpVersion")),
                raw_headers=tuple(headers),
                body=_body(request.get("postData"), index),
                rejected=bool(extra.get("rejected", False)),
                declared_length=declared if _is_int(declared) else None,
            )
        )
    return captures


def load_har(path: str | os.PathLike[str]) -> list[CapturedRequest]:
    """Captures from a HAR file: one saved by whisper-tui or exported by a browser."""
    with open(path, "rb") as source:
        raw = source.read()
    try:
        document = json.loads(raw.decode("utf-8-sig"))  # some tools write a BOM
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise HarError(f"not a HAR document: {exc}") from exc
    return from_har(document)
