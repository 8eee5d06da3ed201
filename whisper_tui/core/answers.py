"""What the sender got for a capture, and whether its live forward (--forward) failed.

One place for the list's `200!`, the arrival lines' 'forward failed' and headless mode's
`200! [forward failed: connection refused]`: a forward failed when it got no answer or an
answer outside 2xx (the app did not take the delivery).
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from whisper_tui.core.models import NOT_ANSWERED, Attempt, CapturedRequest
from whisper_tui.core.sanitize import printable
from whisper_tui.core.targets import target_url

FORWARD_FAILED = "!"
"""After the status when the forward to --forward failed: the list's `200!`, headless lines."""
STOPPED_FORWARD = "whisper-tui stopped before the app answered"
"""The error of a forward the stop cut short: headless lines, the detail and --save say it."""


@dataclass(frozen=True, slots=True)
class Answer:
    """What the sender got: the status (None while a relayed answer is awaited) and
    whether the forward to --forward failed."""

    status: int | None
    forward_failed: bool = False


def latest_forward(attempts: list[Attempt]) -> Attempt | None:
    """The capture's last live forward among its attempts (replays are not forwards)."""
    for attempt in reversed(attempts):
        if attempt.kind == "forward":
            return attempt
    return None


def forward_failed(attempt: Attempt | None) -> bool:
    """No answer, or one outside 2xx; False without a forward."""
    return attempt is not None and (
        attempt.error is not None or attempt.status is None or not 200 <= attempt.status < 300
    )


def forward_outcome(attempt: Attempt) -> str:
    """'failed: connection refused' or '503 Service Unavailable', printable, one line."""
    if attempt.error is not None or attempt.status is None:
        return f"failed: {printable(attempt.error or 'no response')}"
    return printable(f"{attempt.status} {attempt.reason}".strip())


def status_of(request: CapturedRequest) -> int:
    """The status whisper-tui answered the sender with (NOT_ANSWERED while awaited)."""
    return 413 if request.rejected else request.answered_status


def answer_of(request: CapturedRequest, attempts: list[Attempt]) -> Answer:
    """The status the sender was answered with and the latest forward's outcome.

    With --relay-response the capture's status is the target's answer (502 when the forward
    failed); None while it is awaited.
    """
    status = status_of(request)
    if status == NOT_ANSWERED:
        return Answer(None)
    return Answer(status, forward_failed(latest_forward(attempts)))


def stopped_forward(base: str, request: CapturedRequest, error: str = STOPPED_FORWARD) -> Attempt:
    """The forward a stop cut short (fire-and-forget or relayed): failed, with no answer
    (`error` says why when not the stop)."""
    url = target_url(base, request.target)
    return Attempt(target_url=url, started_at=time.time(), kind="forward", error=error)
