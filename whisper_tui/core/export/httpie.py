"""HTTPie (`http`, 3.x): one command per capture, the body piped on stdin."""

from __future__ import annotations

import re
import shlex
from collections.abc import Sequence

from whisper_tui.core.export.registry import AttemptsFor, ExportFormat, register
from whisper_tui.core.export.shell import (
    LINE_JOIN,
    REJECTED_NOTE,
    forwarded_headers,
    has_header,
    join_commands,
    shell_quote_bytes,
    stdin_source,
)
from whisper_tui.core.models import CapturedRequest
from whisper_tui.core.portable import body_text, request_url, target_bytes

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
    return shell_quote_bytes(item.encode("utf-8"))


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
        prefix = stdin_source(body)
    else:
        # HTTPie reads a non-terminal stdin as the body; in scripts that would hang or send junk.
        args.append("--ignore-stdin")
    args += ["--path-as-is", shlex.quote(request.method)]
    args.append(shell_quote_bytes(target_bytes(request_url(base_url, request.target))))

    headers = forwarded_headers(request)
    items = [_httpie_item(n, v) for n, v in headers]
    sent = {name.lower() for name, _ in headers}
    for default in _HTTPIE_DEFAULTS:
        if default.lower() not in sent:  # Connection never is: it is the sender's own
            items.append(_httpie_item(default, None))
    if body and not has_header(request, b"content-type"):
        # With stdin data HTTPie would announce `application/json`.
        items.append(_httpie_item(b"Content-Type", None))

    command = " ".join(args)
    if items:
        command += LINE_JOIN + LINE_JOIN.join(items)
    if request.rejected:
        # Rejected captures have no body, hence no pipeline prefix to put the note in front of.
        return REJECTED_NOTE + command
    return prefix + command


def render(
    requests: Sequence[CapturedRequest], base_url: str, attempts_for: AttemptsFor | None
) -> bytes:
    """One HTTPie command per capture, a blank line between them."""
    return join_commands(to_httpie(r, base_url) for r in requests)


FORMAT = register(
    ExportFormat(
        "httpie",
        "HTTPie",
        "sh",
        render,
        order=20,
        resends=True,
        file_stem="whisper-{what}-httpie",
    )
)
