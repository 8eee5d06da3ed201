"""JSON: a document per capture (an array of them for several), every byte recoverable."""

from __future__ import annotations

import base64
import json
from collections.abc import Sequence
from typing import Any

from whisper_tui.core.export.registry import AttemptsFor, ExportFormat, register
from whisper_tui.core.models import CapturedRequest
from whisper_tui.core.portable import body_text, dumps_portable, header_objects, isoformat_utc


def to_json(request: CapturedRequest) -> str:
    """A JSON document describing the capture.

    Header names and values are text when their bytes are valid UTF-8; a header that is not is
    written latin-1 decoded (every byte one character) with `"encoding": "latin-1"`. The body
    is text when it is valid UTF-8 (`"body_encoding": "utf-8"`), else base64 (`"base64"`).
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
        "headers": header_objects(request.raw_headers, flag="encoding"),
        "body": text if text is not None else base64.b64encode(request.body).decode("ascii"),
        "body_encoding": "utf-8" if text is not None else "base64",
        "rejected": request.rejected,
        "declared_length": request.declared_length,
    }
    return dumps_portable(doc)


def render(
    requests: Sequence[CapturedRequest], base_url: str, attempts_for: AttemptsFor | None
) -> bytes:
    """One capture as its document; several (or none) as an array of them."""
    if len(requests) == 1:
        return to_json(requests[0]).encode("utf-8") + b"\n"
    docs = [json.loads(to_json(r)) for r in requests]
    return dumps_portable(docs).encode("utf-8") + b"\n"


FORMAT = register(ExportFormat("json", "JSON", "json", render, order=40))
