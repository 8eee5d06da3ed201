"""The diff of two answers (a replay's or the idempotency probe's), drawn like two captures.

An answer has a status line, headers and a body: the same three sections as a request, so it
is diffed by the same code, with its status line where the request line would be.
"""

from __future__ import annotations

from whisper_tui.core.diff.models import RequestDiff
from whisper_tui.core.diff.request_diff import diff_requests
from whisper_tui.core.models import Attempt, CapturedRequest


def status_line(attempt: Attempt) -> str:
    """'HTTP/1.1 200 OK', or the one-line error when there was no answer."""
    if attempt.status is None:
        return f"no answer: {attempt.error or 'unknown error'}"
    return f"HTTP/1.1 {attempt.status} {attempt.reason}".rstrip()


def answer_message(attempt: Attempt, number: int) -> CapturedRequest:
    """An answer as a capture-shaped message: its headers and body bytes as received."""
    return CapturedRequest(
        id=number,
        received_at=attempt.started_at,
        remote="",
        method="",
        target="",
        http_version=(1, 1),
        raw_headers=attempt.response_headers,
        body=attempt.response_body,
        answered_status=attempt.status or 0,
    )


def diff_answers(
    older: Attempt,
    newer: Attempt,
    *,
    sort_keys: bool = False,
    ignore_volatile: bool = False,
) -> RequestDiff:
    """Side-by-side diff of two answers: status line, headers, body (as diff_requests)."""
    return diff_requests(
        answer_message(older, 1),
        answer_message(newer, 2),
        sort_keys=sort_keys,
        ignore_volatile=ignore_volatile,
        first_lines=(status_line(older), status_line(newer)),
        heading="Status",
    )
