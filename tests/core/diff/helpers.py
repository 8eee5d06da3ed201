"""Captures and row pickers shared by the diff tests."""

from __future__ import annotations

import json

from whisper_tui.core.diff import (
    DiffRow,
)
from whisper_tui.core.models import CapturedRequest


def capture(
    body: bytes | str | dict | list = b"",
    content_type: str | None = "application/json",
    headers: list[tuple[str, str]] | None = None,
    *,
    method: str = "POST",
    target: str = "/hooks/test",
    request_id: int = 1,
) -> CapturedRequest:
    if isinstance(body, dict | list):
        body = json.dumps(body, separators=(",", ":"))
    if isinstance(body, str):
        body = body.encode()
    pairs = [("Content-Type", content_type)] if content_type else []
    pairs += headers or []
    return CapturedRequest(
        id=request_id,
        received_at=1_764_000_000.0 + request_id,
        remote="127.0.0.1",
        method=method,
        target=target,
        http_version=(1, 1),
        raw_headers=tuple((n.encode("latin-1"), v.encode("latin-1")) for n, v in pairs),
        body=body,
    )


def body_rows(result) -> list[DiffRow]:
    return [row for row in result.rows if row.section == "body" and row.kind != "section"]


def header_rows(result) -> list[DiffRow]:
    return [row for row in result.rows if row.section == "headers" and row.kind != "section"]


def texts(result) -> list[str]:
    return [change.text() for change in result.changes]


def event(status: str = "pending", **extra) -> dict:
    return {
        "id": "evt_1",
        "type": "payment_intent.updated",
        "data": {
            "object": {
                "id": "pi_1",
                "amount": 2000,
                "status": status,
                "items": [{"id": "a"}, {"id": "b"}, {"id": "c"}],
                **extra,
            }
        },
        "livemode": False,
    }
