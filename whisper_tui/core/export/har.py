"""HAR 1.2: the captures (and their replays) as one HAR document; the writing is `core.har`'s."""

from __future__ import annotations

from collections.abc import Sequence

from whisper_tui.core.export.registry import AttemptsFor, ExportFormat, register
from whisper_tui.core.har import DeliveriesFor, to_har
from whisper_tui.core.models import CapturedRequest
from whisper_tui.core.portable import dumps_portable


def render(
    requests: Sequence[CapturedRequest], base_url: str, attempts_for: AttemptsFor | None
) -> bytes:
    """The HAR document, with each capture's attempts as `_attempts` when given (arrivals of a
    delivery numbered among these captures: no store to ask)."""
    return render_numbered(requests, base_url, attempts_for, None)


def render_numbered(
    requests: Sequence[CapturedRequest],
    base_url: str,
    attempts_for: AttemptsFor | None,
    deliveries_for: DeliveriesFor | None,
) -> bytes:
    """The HAR document with each capture's `_whisper.delivery` from `deliveries_for`."""
    document = to_har(requests, base_url, attempts_for, deliveries_for)
    return dumps_portable(document).encode("utf-8") + b"\n"


FORMAT = register(
    ExportFormat("har", "HAR 1.2", "har", render, order=50, render_numbered=render_numbered)
)
