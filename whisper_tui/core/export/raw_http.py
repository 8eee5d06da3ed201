"""Raw HTTP: each capture as the HTTP/1.x message it was, ready for `nc` or a test fixture."""

from __future__ import annotations

from collections.abc import Sequence

from whisper_tui.core.export.registry import AttemptsFor, ExportFormat, register
from whisper_tui.core.models import CapturedRequest
from whisper_tui.core.portable import target_bytes


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


def render(
    requests: Sequence[CapturedRequest], base_url: str, attempts_for: AttemptsFor | None
) -> bytes:
    """The messages one after another, as they would go down a connection."""
    return b"".join(to_raw_http(r) for r in requests)


FORMAT = register(ExportFormat("raw", "raw HTTP", "http", render, order=30))
