"""curl: one bash pipeline per capture that resends it byte-exact (see `shell` for the quoting)."""

from __future__ import annotations

import shlex
from collections.abc import Sequence

from whisper_tui.core.export.registry import AttemptsFor, ExportFormat, register
from whisper_tui.core.export.shell import (
    LINE_JOIN,
    REJECTED_NOTE,
    forwarded_headers,
    has_header,
    join_commands,
    printable_text,
    shell_quote_bytes,
    stdin_source,
)
from whisper_tui.core.models import CapturedRequest
from whisper_tui.core.portable import request_url, target_bytes

# Bodies larger than this are piped through stdin even when they are text: Linux caps a single
# argv string at 128 KiB (MAX_ARG_STRLEN), while `printf` is a shell builtin and has no cap.
_MAX_LITERAL_BODY = 64 * 1024


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
    # -sS: no progress meter mixed into the answer when it is piped or saved, but errors still
    # said; --path-as-is: don't squash `/../`; --globoff: `[]{}` in a query are not URL globs.
    first = ["curl", "-sS", "--path-as-is", "--globoff"]
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

    for name, value in forwarded_headers(request):
        if name.startswith(b"@"):
            # `-H @name` makes curl read headers from a file. `@` is not allowed in a header
            # name, so only a hand-edited HAR could carry one; it is left out, not obeyed.
            continue
        if value.strip(b" \t\r\n\v\f"):
            lines.append("-H " + shell_quote_bytes(name + b": " + value))
        else:
            # curl reads `Name:` with nothing after it as "remove this header"; `Name;` is
            # its spelling for a header sent with an empty value.
            lines.append("-H " + shell_quote_bytes(name + b";"))

    # curl adds these itself when not given; `Name:` removes them so only what the sender sent
    # goes out. `Expect:` stops the 100-continue round trip curl does for bodies over 1 MiB.
    for default in ("User-Agent", "Accept"):
        if not has_header(request, default.lower().encode()):
            lines.append("-H " + shlex.quote(default + ":"))
    lines.append("-H " + shlex.quote("Expect:"))

    # A captured Content-Length or chunked encoding means the sender sent a (possibly empty)
    # body; pass empty data then so curl also announces one, with `Content-Length: 0`.
    framed = has_header(request, b"content-length") or has_header(request, b"transfer-encoding")
    if body or (framed and not request.rejected):
        if not has_header(request, b"content-type"):
            # With data curl sends `Content-Type: application/x-www-form-urlencoded` unless told.
            lines.append("-H " + shlex.quote("Content-Type:"))
        text = printable_text(body)
        if text is not None and len(body) <= _MAX_LITERAL_BODY and not text.startswith("@"):
            lines.append("--data-binary " + shlex.quote(text))
        else:
            prefix = stdin_source(body)
            lines.append("--data-binary @-")

    target = request.target
    if not target.startswith("/"):
        # Asterisk-form (`OPTIONS *`) or absolute-form: curl puts it on the request line as is.
        lines.append("--request-target " + shell_quote_bytes(target_bytes(target)))
    lines.append(shell_quote_bytes(target_bytes(request_url(base_url, target))))

    command = LINE_JOIN.join([" ".join(first), *lines])
    if request.rejected:
        # Rejected captures have no body, hence no pipeline prefix to put the note in front of.
        return REJECTED_NOTE + command
    return prefix + command


def render(
    requests: Sequence[CapturedRequest], base_url: str, attempts_for: AttemptsFor | None
) -> bytes:
    """One curl command per capture, a blank line between them."""
    return join_commands(to_curl(r, base_url) for r in requests)


FORMAT = register(
    ExportFormat(
        "curl", "curl", "sh", render, order=10, resends=True, file_stem="whisper-{what}-curl"
    )
)
