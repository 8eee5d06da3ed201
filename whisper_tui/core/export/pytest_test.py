"""pytest: a test module that posts each capture to your app and asserts a 2xx answer.

The URL comes from the environment (`WEBHOOK_TARGET_URL`, e.g. http://127.0.0.1:3000), with
the capture's path and query appended, as `--forward` does. Method, headers (in order,
duplicates kept) and the exact body bytes are literals in the file; only the standard library
is used (http.client, which keeps duplicate headers), so the test runs wherever pytest does.
Host and Content-Length are written for the target; hop-by-hop headers are left out.
"""

from __future__ import annotations

from collections.abc import Sequence

from whisper_tui.core.export.registry import AttemptsFor, ExportFormat, register
from whisper_tui.core.models import CapturedRequest
from whisper_tui.core.portable import body_text, connection_headers

ENV_VAR = "WEBHOOK_TARGET_URL"
_NOT_SENT = {b"host", b"content-length", b"transfer-encoding", b"expect"}
"""Written for the target by http.client; hop-by-hop headers are left out too, as replay does."""

_HEADER = f'''"""Replays of deliveries captured by whisper-tui: each is posted to ${ENV_VAR}."""

import http.client
import os
import urllib.parse

import pytest

TARGET = os.environ.get("{ENV_VAR}", "")


def deliver(method, target, headers, body):
    """Send with http.client: headers in order, duplicates kept, the body's exact bytes."""
    if not TARGET:
        pytest.fail("set {ENV_VAR} to your app's base URL, e.g. http://127.0.0.1:3000")
    base = urllib.parse.urlsplit(TARGET)
    connection_class = (
        http.client.HTTPSConnection if base.scheme == "https" else http.client.HTTPConnection
    )
    connection = connection_class(base.netloc, timeout=30)
    try:
        connection.putrequest(method, base.path.rstrip("/") + target, skip_accept_encoding=True)
        for name, value in headers:
            # Text is UTF-8 on the wire; bytes (a value that was not UTF-8) go out as they are.
            connection.putheader(name, value if isinstance(value, bytes) else value.encode())
        connection.putheader("Content-Length", str(len(body)))
        connection.endheaders(body)
        return connection.getresponse().status
    finally:
        connection.close()
'''


def _value_literal(value: bytes) -> str | bytes:
    text = body_text(value)
    return text if text is not None else value


def _test_for(request: CapturedRequest) -> str:
    # Readable text for UTF-8 values ('Zoë'); a bytes literal keeps any other value exact.
    left_out = _NOT_SENT | connection_headers(request.raw_headers)
    headers = [
        (name.decode("latin-1"), _value_literal(value))
        for name, value in request.raw_headers
        if name.lower() not in left_out
    ]
    # Laid out as a formatter would: the call's arguments at 8 spaces, the list's items at
    # 12, its closing bracket back at 8 (an empty list stays on one line).
    header_list = "[]"
    if headers:
        items = "".join(f"            ({n!r}, {v!r}),\n" for n, v in headers)
        header_list = f"[\n{items}        ]"
    return (
        f"\n\ndef test_capture_{request.id}_is_accepted():\n"
        f"    status = deliver(\n"
        f"        {request.method!r},\n"
        f"        {request.target!r},\n"
        f"        {header_list},\n"
        f"        {request.body!r},\n"
        f"    )\n"
        f'    assert 200 <= status < 300, f"answered {{status}}"\n'
    )


def render(
    requests: Sequence[CapturedRequest], base_url: str, attempts_for: AttemptsFor | None
) -> bytes:
    """A test module with one test function per capture."""
    return (_HEADER + "".join(_test_for(r) for r in requests)).encode("utf-8")


FORMAT = register(
    ExportFormat("pytest", "pytest", "py", render, order=25, file_stem="test_whisper_{what}")
)
