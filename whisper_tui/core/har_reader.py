"""Read HAR files entry by entry: our own saves or a browser's export, big or cut short.

A file is read in chunks and each entry of `log.entries` is parsed on its own (the `json`
module's scanner, one value at a time), so the first captures are ready long before the last
byte is read, and 100,000 entries never exist as one parsed document. A file cut short (a crash
mid-save) or an entry that is not valid JSON ends the reading with a one-line `problem`, keeping
every entry before it; an entry that is JSON but no request is skipped and noted the same way.

Our files follow the conventions written down in `har.py` (which re-exports this module's
`HarError`, `from_har` and `load_har`).
"""

from __future__ import annotations

import base64
import binascii
import codecs
import json
import os
import re
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any, TypeGuard
from urllib.parse import urlencode, urlsplit

from whisper_tui.core.fast_json import object_line
from whisper_tui.core.models import CapturedRequest
from whisper_tui.core.portable import header_bytes

CHUNK = 1 << 20
"""Bytes read at a time: the first captures are out after one read, not the whole file."""

_FORM = "application/x-www-form-urlencoded"
HEADER_FLAG = "_encoding"
"""On a header object: its text is latin-1 decoded bytes (see har.py's conventions)."""
UTF8_HEADERS = "utf-8"
"""_whisper.headerText of entries whose other headers are UTF-8 text."""
_VERSION_RE = re.compile(r"HTTP/(\d+)(?:\.(\d+))?")
_SPACE = re.compile(r"[ \t\n\r]*")
_DECODER = json.JSONDecoder()


def response_fields(status: int, status_text: str, version_json: str) -> str:
    """The text our entries hold from `, "response"` to the end of `"timings"`."""
    return (
        f', "response": {{"status": {status}, "statusText": "{status_text}", '
        f'"httpVersion": {version_json}, "cookies": [], "headers": [], '
        '"content": {"size": 0, "mimeType": ""}, "redirectURL": "", "headersSize": -1, '
        '"bodySize": -1}, "cache": {}, "timings": {"send": 0, "wait": 0, "receive": 0}'
    )


_USUAL_RESPONSE = response_fields(200, "OK", '"HTTP/1.1"')
"""Nearly every entry we write has this, which loading ignores. Parsing its five objects was
half the JSON time of an entry (7 of 14 us), so the text is dropped before parsing. It can't
match inside a JSON string (its quotes would be escaped there), only as the entry's fields."""


class HarError(ValueError):
    """The file is not a HAR document we can read."""


class _NeedMore(Exception):
    """The text read so far ends before the value does: read on, unless at the end."""


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


def _own_fields(entry: object) -> dict[str, Any]:
    """The entry's `_whisper` fields, or an empty dict (a browser's export has none)."""
    own = entry.get("_whisper") if isinstance(entry, dict) else None
    return own if isinstance(own, dict) else {}


def _headers(listed: object, extra: dict[str, Any]) -> tuple[tuple[bytes, bytes], ...]:
    utf8 = extra.get("headerText") == UTF8_HEADERS
    if utf8 and isinstance(listed, list):
        try:
            # Our own files: UTF-8 text in name/value objects, a rare one flagged latin-1.
            return tuple(
                [
                    (h["name"].encode(), h["value"].encode())
                    if HEADER_FLAG not in h
                    else header_bytes(h, flag=HEADER_FLAG)
                    for h in listed
                ]
            )
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


def capture_from_entry(entry: object, index: int, given_id: int) -> CapturedRequest:
    """The capture one HAR entry describes (`index` counts from 0, for messages)."""
    request = entry.get("request") if isinstance(entry, dict) else None
    if not isinstance(entry, dict) or not isinstance(request, dict):
        raise HarError(f"entry {index}: no request object")
    extra = _own_fields(entry)
    # Exact type checks first: parsed JSON holds exactly these types, and `type(x) is str` is
    # cheaper than isinstance; anything else takes the careful way (this runs per entry).
    get = extra.get
    target = get("target")
    received_at = get("receivedAt")
    declared = get("declaredLength")
    method = request.get("method")
    remote = get("remote")
    rejected = get("rejected", False)
    answered = get("answered")
    return CapturedRequest(
        given_id,
        received_at
        if type(received_at) is float
        else float(received_at)
        if isinstance(received_at, int | float) and not isinstance(received_at, bool)
        else _parse_time(entry.get("startedDateTime")),
        remote if type(remote) is str else str(remote or ""),
        method if type(method) is str and method else str(method or "GET"),
        target if type(target) is str else _target_from_url(request.get("url")),
        _parse_version(request.get("httpVersion")),
        _headers(request.get("headers"), extra),
        _body(request.get("postData"), index),
        rejected is True or bool(rejected),
        declared if _is_int(declared) else None,
        # What whisper-tui answered (files from before it was written: 413 or 200).
        answered if _is_int(answered) else 413 if rejected else 200,
    )


class Numbering:
    """Ids as entries come: an entry keeps its `_whisper.id` unless an earlier entry holds it;
    one without (a browser's export) or with a taken one gets the lowest number still free."""

    def __init__(self) -> None:
        self.claimed: set[int] = set()
        self._next_free = 1

    def number(self, entry: object) -> int:
        wanted = _own_fields(entry).get("id")
        if _is_int(wanted) and wanted not in self.claimed:
            self.claimed.add(wanted)
            return wanted
        while self._next_free in self.claimed:
            self._next_free += 1
        self.claimed.add(self._next_free)
        return self._next_free


# -- whole documents -----------------------------------------------------------------------------


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


def read_har(path: str | os.PathLike[str]) -> tuple[list[CapturedRequest], str | None]:
    """Every capture a HAR file holds up to its first problem, and that problem in one line.

    As `--load` reads: a file cut short or a bad entry keeps what came before it (the problem
    says where). Raises OSError, or HarError when the file is no HAR document at all.
    """
    with open(path, "rb") as source:
        reader = HarReader(source)
        captures = list(reader.captures())
    return captures, reader.problem


def load_har(path: str | os.PathLike[str]) -> list[CapturedRequest]:
    """Captures from a HAR file: one saved by whisper-tui or exported by a browser.

    Strict: any problem (a damaged or cut-short file, a bad entry) raises HarError. `--load`
    and `send` read with `read_har` / HarReader instead, which keep what comes before a problem.
    """
    captures, problem = read_har(path)
    if problem:
        raise HarError(problem)
    return captures


# -- streaming -----------------------------------------------------------------------------------


def open_har(path: str | os.PathLike[str]) -> HarReader:
    """The HAR file at `path`, opened and read up to its first entry, ready for `captures()`.

    Use it in a `with` (or call `close()`): it owns the file. Raises HarError whose text says
    in one line why the file can't be read (not found, no permission, no HAR document).
    """
    try:
        source = open(path, "rb")  # noqa: SIM115 - the reader owns it, closed by close()
    except OSError as error:
        raise HarError(str(error.strerror or error)) from None
    reader = HarReader(source)
    try:
        reader.start()
    except BaseException:
        source.close()
        raise
    return reader


class HarReader:
    """The captures of a HAR file, parsed entry by entry as its chunks are read.

    `problem` says, in one line, why reading stopped early or which entries were skipped
    (None when every entry loaded); `read_bytes` and `size` tell how far it is.
    """

    def __init__(
        self, source: Any, size: int | None = None, chunk: int = CHUNK, *, fast: bool = True
    ) -> None:
        self._source = source
        self._fast = fast
        """Entries alone on a line go to orjson where it is installed (fast_json.py)."""
        self._decoder = codecs.getincrementaldecoder("utf-8-sig")()
        self._text = ""
        self._at = 0
        self._eof = False
        self.size = size if size is not None else _size_of(source)
        self.read_bytes = 0
        self.entries = 0
        """Entries read so far, loaded or skipped."""
        self.skipped = 0
        self.problem: str | None = None
        self.not_utf8: str | None = None
        self._kept = 0
        """Characters of text read so far, after dropping (for done_bytes)."""
        self._base_chunk = self._chunk = chunk

    def close(self) -> None:
        """Close the file being read."""
        self._source.close()

    def __enter__(self) -> HarReader:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    @property
    def done_bytes(self) -> int:
        """About how many bytes of the file are parsed (text not yet parsed counted out)."""
        # The text left holds fewer characters than the bytes it came from (the usual response
        # fields are dropped): scale it back up by what was kept of what was read.
        unparsed = (len(self._text) - self._at) * self.read_bytes / max(self._kept, 1)
        return max(0, self.read_bytes - round(unparsed))

    def _read_more(self) -> None:
        if self._eof:
            raise _NeedMore
        data = self._source.read(self._chunk)
        self.read_bytes += len(data)
        state = self._decoder.getstate()
        try:
            text = self._decoder.decode(data, final=not data)
        except UnicodeDecodeError:
            text = self._valid_part(state[0] + data)
        self._eof = self._eof or not data
        text = text.replace(_USUAL_RESPONSE, "")
        self._kept += len(text)
        self._text = self._text[self._at :] + text
        self._at = 0

    def _valid_part(self, data: bytes) -> str:
        """The text before the first byte that is not UTF-8; reading ends there."""
        text = data.decode("utf-8", "surrogateescape")
        if self.read_bytes == len(data):
            text = text.removeprefix("\ufeff")  # the BOM utf-8-sig would have dropped
        bad = next(i for i, char in enumerate(text) if "\udc80" <= char <= "\udcff")
        self._eof = True
        self.not_utf8 = f"not UTF-8 text near byte {self.read_bytes - len(data) + bad:,}"
        return text[:bad]

    def _skip_space(self) -> int:
        text, at = self._text, self._at
        if at < len(text) and text[at] not in " \t\n\r":
            return at  # most calls: no space to skip, so no regular expression to run
        end = _SPACE.match(text, at)
        assert end is not None  # the pattern matches the empty string
        self._at = end.end()
        return self._at

    def _peek(self) -> str:
        """The next non-space character, reading on as needed ('' at the end of the file)."""
        while True:
            at = self._skip_space()
            if at < len(self._text):
                return self._text[at]
            if self._eof:
                return ""
            self._read_more()

    def _expect(self, char: str, what: str) -> None:
        if self._peek() != char:
            raise HarError(f"not a HAR document: expected {what}")
        self._at += 1

    def _value(self) -> Any:
        """The next JSON value, reading on until it is complete."""
        self._peek()
        while True:
            try:
                value, end = _DECODER.raw_decode(self._text, self._at)
            except json.JSONDecodeError:
                if self._eof:
                    raise
                # Probably cut by the chunk's end: read on (growing, so a value that really is
                # broken costs a few reads, not one per chunk of the rest of the file).
                self._read_more()
                self._chunk = min(self._chunk * 2, 64 * CHUNK)
                continue
            self._chunk = self._base_chunk
            self._at = end
            return value

    def _entry(self) -> Any:
        """The next entry: orjson's when it stands alone on its line (our files), else json's."""
        if self._fast and self._peek() == "{":
            parsed = object_line(self._text, self._at)
            if parsed is not None:
                value, self._at = parsed
                return value
        return self._value()

    def _keys(self, what: str) -> Iterator[str]:
        """The keys of the object starting here; the caller reads or skips each value."""
        self._expect("{", what)
        if self._peek() == "}":
            self._at += 1
            return
        while True:
            key = self._value()
            if not isinstance(key, str):
                raise HarError(f"not a HAR document: {what} is not an object")
            self._expect(":", "':'")
            yield key
            following = self._peek()
            self._at += 1
            if following == "}":
                return
            if following != ",":
                raise HarError(f"not a HAR document: {what} is not an object")

    def _find_entries(self) -> None:
        """Read up to the `[` that starts log.entries, skipping whatever comes before it."""
        try:
            for key in self._keys("a JSON object"):
                if key != "log":
                    self._value()
                    continue
                for field in self._keys("log"):
                    if field == "entries" and self._peek() == "[":
                        self._at += 1
                        return
                    self._value()
                break
        except (json.JSONDecodeError, _NeedMore) as error:
            raise HarError(f"not a HAR document: {error}") from None
        raise HarError("not a HAR document: no log.entries list")

    def start(self) -> None:
        """Check the file is a HAR document, reading up to its first entry (HarError if not)."""
        if self.read_bytes == 0:
            self._find_entries()

    def entry_values(self) -> Iterator[Any]:
        """Each entry of log.entries as parsed JSON; stops at `]` or at a problem."""
        self.start()
        if self._peek() == "]":
            return
        while True:
            try:
                value = self._entry()
            except (json.JSONDecodeError, _NeedMore) as error:
                self.problem = self._cut(error)
                return
            self.entries += 1
            yield value
            following = self._peek()
            if following == "]":
                return
            if following != ",":
                self.problem = self._cut(None)
                return
            self._at += 1

    def _cut(self, error: json.JSONDecodeError | _NeedMore | None) -> str:
        where = f"entry {self.entries} (near byte {self.done_bytes:,})"
        if self.not_utf8:
            return f"entry {self.entries}: {self.not_utf8}; the rest of the file is not read"
        if self._eof and (error is None or isinstance(error, _NeedMore) or self._at_end(error)):
            return f"{where}: the file ends before it does (cut short, e.g. by a crash mid-save)"
        reason = error.msg if isinstance(error, json.JSONDecodeError) else "expected ',' or ']'"
        return f"{where}: not valid JSON ({reason}); the rest of the file is not read"

    def _at_end(self, error: json.JSONDecodeError) -> bool:
        # Unterminated strings point at their start; anything else cut short, at the end.
        return error.pos >= len(self._text) or error.msg.startswith("Unterminated string")

    def captures(self) -> Iterator[CapturedRequest]:
        """The captures, numbered as `Numbering` says; a bad entry is skipped and noted."""
        numbering = Numbering()
        for index, entry in enumerate(self.entry_values()):
            try:
                yield capture_from_entry(entry, index, numbering.number(entry))
            except HarError as error:
                self.skipped += 1
                if self.problem is None:
                    self.problem = f"{error} (skipped)"
        if self.skipped > 1 and self.problem and "(skipped)" in self.problem:
            self.problem += f"; {self.skipped:,} entries skipped in all"

    def estimated_total(self) -> int:
        """About how many entries the file holds, from the bytes each one has taken so far."""
        done = self.done_bytes
        if not self.entries or not done or not self.size:
            return self.entries
        return max(self.entries, round(self.entries * self.size / done))


def _size_of(source: Any) -> int:
    try:
        return os.fstat(source.fileno()).st_size
    except (AttributeError, OSError, ValueError):
        return 0
