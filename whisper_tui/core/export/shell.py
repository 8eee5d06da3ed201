"""Shell quoting and header pass-through shared by the command exports (curl, HTTPie).

Whatever the sender put in the request can never escape its quoting: every argument goes
through `shlex.quote` (or `$'...'` ANSI-C quoting when the bytes are not printable UTF-8), and
bodies that are not plain text travel as base64 through `printf | base64 -d` rather than as a
literal argument. The commands are for bash or zsh: `$'...'` is not POSIX sh, and is only needed
for headers or targets with such bytes.

What the commands leave to the client, because the client computes them itself from the URL
and the data it sends: `Host`, `Content-Length`, `Transfer-Encoding` (the body is sent whole
with a length, never chunked) and `Expect` (100-continue is a transport negotiation, not
content). Hop-by-hop headers (`Connection`, `Keep-Alive`, `TE`, `Upgrade`, ... and any that
`Connection` names) are left out as replay leaves them out: the command is a replay run by
hand, on a connection of its own (a capture sent by `whisper-tui send` carried
`Connection: close`). Every other header is passed in order, duplicates kept, with the
sender's casing.
"""

from __future__ import annotations

import base64
import shlex
from collections.abc import Iterable

from whisper_tui.core.models import CapturedRequest
from whisper_tui.core.portable import body_text, connection_headers
from whisper_tui.core.sanitize import NOT_LITERAL_IN_SHELL

# Headers the client derives from the URL and the body; passing the captured ones would either
# duplicate what the client sends or contradict it (a stale length, chunking that isn't done).
CLIENT_COMPUTED = frozenset({b"host", b"content-length", b"transfer-encoding", b"expect"})

LINE_JOIN = " \\\n  "
"""Between a command's arguments: one per line, continued with a backslash."""

REJECTED_NOTE = "# the body was over the size limit and was not kept\n"
"""Put before the command of a rejected capture (which has no body, so no pipeline prefix)."""


def printable_text(data: bytes) -> str | None:
    """`data` as text when it is UTF-8 without control characters other than tab, CR, LF."""
    text = body_text(data)
    # Control characters are harmless inside single quotes as far as the shell is concerned,
    # but a command pasted into a terminal could have them interpreted by the terminal or line
    # editor (ESC sequences, ^C, ^D), so such content is written as escapes.
    return None if text is None or NOT_LITERAL_IN_SHELL.search(text) else text


def shell_quote_bytes(data: bytes) -> str:
    """Quote arbitrary bytes as one shell word that expands to exactly those bytes."""
    text = printable_text(data)
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


def stdin_source(body: bytes) -> str:
    """A pipeline prefix that writes exactly `body` to the next command's stdin."""
    text = printable_text(body)
    if text is not None:
        # `printf %s` prints its argument verbatim (no escape or % processing in the argument).
        return f"printf %s {shlex.quote(text)} | "
    encoded = base64.b64encode(body).decode("ascii")
    return f"printf %s {encoded} | base64 -d | "


def has_header(request: CapturedRequest, name: bytes) -> bool:
    """Whether the capture has a header called `name` (lowercase bytes), in any casing."""
    return any(n.lower() == name for n, _ in request.raw_headers)


def forwarded_headers(request: CapturedRequest) -> list[tuple[bytes, bytes]]:
    """The capture's headers in order, less those the client computes itself and those of
    the sender's connection (portable.connection_headers), as replay sends them."""
    left_out = CLIENT_COMPUTED | connection_headers(request.raw_headers)
    return [(n, v) for n, v in request.raw_headers if n.lower() not in left_out]


def join_commands(commands: Iterable[str]) -> bytes:
    """One command per capture, a blank line between them, as a UTF-8 script."""
    return "\n\n".join(commands).encode("utf-8") + b"\n"
