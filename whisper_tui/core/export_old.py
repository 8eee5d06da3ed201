"""Turn a capture into something another tool can use: curl, HTTPie, raw HTTP, JSON.

The shell commands are built so that whatever the sender put in the request can never escape
its quoting: every argument goes through `shlex.quote` (or `$'...'` ANSI-C quoting when the
bytes are not printable UTF-8), and bodies that are not plain text travel as base64 through
`printf | base64 -d` rather than as a literal argument. The commands are for bash or zsh:
`$'...'` is not POSIX sh, and is only needed for headers or targets with such bytes.

What the commands leave to the client, because the client computes them itself from the URL
and the data it sends: `Host`, `Content-Length`, `Transfer-Encoding` (the body is sent whole
with a length, never chunked) and `Expect` (100-continue is a transport negotiation, not
content). Every other header is passed in order, duplicates kept, with the sender's casing.
"""

from __future__ import annotations

import base64
import json
import re
import shlex
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from whisper_tui.core.models import Attempt, CapturedRequest

# Headers the client derives from the URL and the body; passing the captured ones would either
# duplicate what the client sends or contradict it (a stale length, chunking that isn't done).
_CLIENT_COMPUTED = frozenset({b"host", b"content-length", b"transfer-encoding", b"expect"})

# Control characters other than tab/newline/CR. They are harmless inside single quotes as far as
# the shell is concerned, but a command pasted into a terminal could have them interpreted by the
# terminal or line editor (ESC sequences, ^C, ^D), so such content is written as escapes.
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")

# Bodies larger than this are piped through stdin even when they are text: Linux caps a single
# argv string at 128 KiB (MAX_ARG_STRLEN), while `printf` is a shell builtin and has no cap.
_MAX_LITERAL_BODY = 64 * 1024

_LINE_JOIN = " \\\n  "


# -- shared helpers ------------------------------------------------------------------------------


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


def _printable_text(data: bytes) -> str | None:
    """`data` as text when it is UTF-8 without control characters other than tab, CR, LF."""
    text = body_text(data)
    return None if text is None or _CONTROL.search(text) else text


def _shell_quote_bytes(data: bytes) -> str:
    """Quote arbitrary bytes as one shell word that expands to exactly those bytes."""
    text = _printable_text(data)
    if text is not None:
        return shlex.quote(text)
    # Not printable UTF-8: bash/zsh/ksh ANSI-C quoting, where every byte can be spelled out.
    # Only backslash and single quote are special inside $'...', so escaping them (and
    # hex-escaping everything outside printable ASCII) leaves nothing that can end the word.
    out = []
    for byte in data:
        if byte == 0x5C:
            out.append("\\\\")
        elif byte == 0x27:
            out.append("\\'")
        elif 0x20 <= byte < 0x7F:
            out.append(chr(byte))
        else:
            out.append(f"\\x{byte:02x}")
    return "$'" + "".join(out) + "'"


def request_url(base_url: str, target: str) -> str:
    """The absolute URL for a target sent to `base_url` (like `http://127.0.0.1:8080`)."""
    if target.startswith("/"):
        return base_url.rstrip("/") + target  # one slash between them, not two
    if "://" in target:
        return target  # absolute-form, as sent to a proxy
    return base_url.rstrip("/") + "/"  # asterisk-form (`OPTIONS *`) has no path of its own


def _has_header(request: CapturedRequest, name: bytes) -> bool:
    return any(n.lower() == name for n, _ in request.raw_headers)


def _forwarded_headers(request: CapturedRequest) -> list[tuple[bytes, bytes]]:
    return [(n, v) for n, v in request.raw_headers if n.lower() not in _CLIENT_COMPUTED]


def _stdin_source(body: bytes) -> str:
    """A pipeline prefix that writes exactly `body` to the next command's stdin."""
    text = _printable_text(body)
    if text is not None:
        # `printf %s` prints its argument verbatim (no escape or % processing in the argument).
        return f"printf %s {shlex.quote(text)} | "
    encoded = base64.b64encode(body).decode("ascii")
    return f"printf %s {encoded} | base64 -d | "


# -- curl ----------------------------------------------------------------------------------------


def to_curl(request: CapturedRequest, base_url: str) -> str:
    """A curl command (one shell pipeline) that resends `request` to `base_url` + target.

    The body arrives byte-exact: a printable UTF-8 body is a quoted `--data-binary` literal
    (or piped from `printf` when it starts with `@`, which curl would read as a file name, or
    is too big for one argument); anything else is piped through `base64 -d`. Headers are sent
    in order with duplicates and casing kept, after the request line and curl's own `Host`;
    curl's defaults the sender did not send (`User-Agent`, `Accept`, and the form
    `Content-Type` curl adds to data) are switched off. A rejected capture has no body to send.
    """
    body = b"" if request.rejected else request.body
    method = request.method
    # --path-as-is: don't squash `/../`; --globoff: `[]{}` in a query are not curl URL globs.
    first = ["curl", "--path-as-is", "--globoff"]
    lines: list[str] = []
    prefix = ""

    if request.http_version == (1, 0):
        first.append("--http1.0")
    if method == "HEAD" and not body:
        # `-X HEAD` makes curl wait for a response body that never comes.
        first.append("--head")
    else:
        # Always explicit: with --data-binary curl would otherwise turn every method into POST.
        first += ["-X", shlex.quote(method)]

    for name, value in _forwarded_headers(request):
        if name.startswith(b"@"):
            # `-H @name` makes curl read headers from a file. `@` is not allowed in a header
            # name, so only a hand-edited HAR could carry one; it is left out, not obeyed.
            continue
        if value.strip(b" \t\r\n\v\f"):
            lines.append("-H " + _shell_quote_bytes(name + b": " + value))
        else:
            # curl reads `Name:` with nothing after it as "remove this header"; `Name;` is
            # its spelling for a header sent with an empty value.
            lines.append("-H " + _shell_quote_bytes(name + b";"))

    # curl adds these itself when not given; `Name:` removes them so only what the sender sent
    # goes out. `Expect:` stops the 100-continue round trip curl does for bodies over 1 MiB.
    for default in ("User-Agent", "Accept"):
        if not _has_header(request, default.lower().encode()):
            lines.append("-H " + shlex.quote(default + ":"))
    lines.append("-H " + shlex.quote("Expect:"))

    # A captured Content-Length or chunked encoding means the sender sent a (possibly empty)
    # body; pass empty data then so curl also announces one, with `Content-Length: 0`.
    framed = _has_header(request, b"content-length") or _has_header(request, b"transfer-encoding")
    if body or (framed and not request.rejected):
        if not _has_header(request, b"content-type"):
            # With data curl sends `Content-Type: application/x-www-form-urlencoded` unless told.
            lines.append("-H " + shlex.quote("Content-Type:"))
        text = _printable_text(body)
        if text is not None and len(body) <= _MAX_LITERAL_BODY and not text.startswith("@"):
            lines.append("--data-binary " + shlex.quote(text))
        else:
            prefix = _stdin_source(body)
            lines.append("--data-binary @-")

    target = request.target
    if not target.startswith("/"):
        # Asterisk-form (`OPTIONS *`) or absolute-form: curl puts it on the request line as is.
        lines.append("--request-target " + _shell_quote_bytes(target_bytes(target)))
    lines.append(_shell_quote_bytes(target_bytes(request_url(base_url, target))))

    command = _LINE_JOIN.join([" ".join(first), *lines])
    if request.rejected:
        # Rejected captures have no body, hence no pipeline prefix to put the note in front of.
        return "# the body was over the size limit and was not kept\n" + command
    return prefix + command


# -- HTTPie --------------------------------------------------------------------------------------

# Characters HTTPie's item separators are made of (`:`, `;`, `=`, `@`: `Name:value`, `Name;`,
# `field=value`, `field:=json`, `field@file`, `Name:@file`, ...). A backslash before one makes it
# literal, so escaping every one of them in names and values means no content can turn a header
# into data or a file upload. HTTPie has no escape for the backslash itself: it stays literal
# unless it directly precedes one of these characters (see `to_httpie`).
_HTTPIE_SPECIAL = re.compile(r"([:;=@])")

# Headers HTTPie (via requests) adds when not given; `Name:` with no value removes them.
_HTTPIE_DEFAULTS = (b"User-Agent", b"Accept", b"Accept-Encoding", b"Connection")


def _httpie_text(data: bytes) -> str:
    # HTTPie encodes header values as UTF-8 before sending, so UTF-8 text round-trips. Bytes
    # that are not UTF-8 cannot be expressed at all; latin-1 keeps them visible, approximately.
    text = body_text(data)
    return text if text is not None else data.decode("latin-1")


def _httpie_item(name: bytes, value: bytes | None) -> str:
    escaped_name = _HTTPIE_SPECIAL.sub(r"\\\1", _httpie_text(name))
    if value is None:
        item = escaped_name + ":"
    elif not value.strip():
        item = escaped_name + ";"
    else:
        item = escaped_name + ":" + _HTTPIE_SPECIAL.sub(r"\\\1", _httpie_text(value))
    return _shell_quote_bytes(item.encode("utf-8"))


def to_httpie(request: CapturedRequest, base_url: str) -> str:
    """An HTTPie (`http`, 3.x) command that resends `request` to `base_url` + target.

    The body is piped on stdin (base64-decoded when it is not printable text), so it arrives
    byte-exact. HTTPie cannot reproduce everything curl can: header order and the casing of
    headers it also sets itself follow requests' merging, surrounding whitespace in values is
    stripped, values are sent as UTF-8 (non-UTF-8 bytes are approximated), the method is
    upper-cased, the HTTP version is not selectable, requests re-quotes some URL characters
    (`[1]` goes out as `%5B1%5D`), a backslash directly before `:;=@` in a value is sent doubled
    (HTTPie's item syntax has no way to write it), and a header name starting with `-` would be
    read as an option. Duplicate headers are kept (HTTPie >= 3.0), grouped by name.
    """
    body = b"" if request.rejected else request.body
    args: list[str] = ["http"]
    prefix = ""
    if body:
        prefix = _stdin_source(body)
    else:
        # HTTPie reads a non-terminal stdin as the body; in scripts that would hang or send junk.
        args.append("--ignore-stdin")
    args += ["--path-as-is", shlex.quote(request.method)]
    args.append(_shell_quote_bytes(target_bytes(request_url(base_url, request.target))))

    items = [_httpie_item(n, v) for n, v in _forwarded_headers(request)]
    for default in _HTTPIE_DEFAULTS:
        if not _has_header(request, default.lower()):
            items.append(_httpie_item(default, None))
    if body and not _has_header(request, b"content-type"):
        # With stdin data HTTPie would announce `application/json`.
        items.append(_httpie_item(b"Content-Type", None))

    command = " ".join(args)
    if items:
        command += _LINE_JOIN + _LINE_JOIN.join(items)
    if request.rejected:
        # Rejected captures have no body, hence no pipeline prefix to put the note in front of.
        return "# the body was over the size limit and was not kept\n" + command
    return prefix + command


# -- raw HTTP and JSON ---------------------------------------------------------------------------


def to_raw_http(request: CapturedRequest) -> bytes:
    """The request as an HTTP/1.x message: request line, headers as stored, blank line, body.

    Headers keep their order, duplicates and bytes; a rejected capture has its headers (including
    the announced Content-Length) but no body.
    """
    major, minor = request.http_version
    lines = [
        request.method.encode("latin-1")
        + b" "
        + target_bytes(request.target)
        + f" HTTP/{major}.{minor}".encode("ascii")
    ]
    # `Name:` rather than `Name: ` for an empty value, so no byte is added that wasn't there.
    lines += [name + (b": " + value if value else b":") for name, value in request.raw_headers]
    return b"\r\n".join(lines) + b"\r\n\r\n" + request.body


def to_json(request: CapturedRequest) -> str:
    """A JSON document describing the capture.

    Header names and values are latin-1 decoded so every byte maps to one character. The body is
    text when it is valid UTF-8 (`"body_encoding": "utf-8"`), else base64 (`"base64"`).
    """
    text = body_text(request.body)
    doc: dict[str, Any] = {
        "id": request.id,
        "received_at": isoformat_utc(request.received_at),
        "received_at_epoch": request.received_at,
        "remote": request.remote,
        "method": request.method,
        "target": request.target,
        "http_version": request.version_text,
        "headers": [{"name": n, "value": v} for n, v in request.headers],
        "body": text if text is not None else base64.b64encode(request.body).decode("ascii"),
        "body_encoding": "utf-8" if text is not None else "base64",
        "rejected": request.rejected,
        "declared_length": request.declared_length,
    }
    return dumps_portable(doc)


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


# -- one entry point for the UI's export screen ----------------------------------------------

FORMATS: dict[str, tuple[str, str]] = {
    # key: (label, file extension)
    "curl": ("curl", "sh"),
    "httpie": ("HTTPie", "sh"),
    "raw": ("raw HTTP", "http"),
    "json": ("JSON", "json"),
    "har": ("HAR 1.2", "har"),
}


def render_export(
    fmt: str,
    requests: list[CapturedRequest],
    base_url: str,
    attempts_for: Callable[[int], list[Attempt]] | None = None,
) -> bytes:
    """The exported bytes of one or many captures in a format of FORMATS."""
    if fmt == "curl":
        return "\n\n".join(to_curl(r, base_url) for r in requests).encode("utf-8") + b"\n"
    if fmt == "httpie":
        return "\n\n".join(to_httpie(r, base_url) for r in requests).encode("utf-8") + b"\n"
    if fmt == "raw":
        # Requests one after another, as they would go down a connection.
        return b"".join(to_raw_http(r) for r in requests)
    if fmt == "json":
        if len(requests) == 1:
            return to_json(requests[0]).encode("utf-8") + b"\n"
        docs = [json.loads(to_json(r)) for r in requests]
        return dumps_portable(docs).encode("utf-8") + b"\n"
    if fmt == "har":
        from whisper_tui.core.har import to_har  # har imports this module

        return dumps_portable(to_har(requests, base_url, attempts_for)).encode("utf-8") + b"\n"
    raise ValueError(f"unknown export format {fmt!r}; known: {', '.join(FORMATS)}")
