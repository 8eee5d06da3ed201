"""What the sender got and whether the live forward failed, from a capture and its attempts."""

from __future__ import annotations

from whisper_tui.core.answers import Answer, answer_of, forward_failed, forward_outcome
from whisper_tui.core.models import NOT_ANSWERED, Attempt, CapturedRequest


def capture(**changes: object) -> CapturedRequest:
    return CapturedRequest(
        1,
        0.0,
        "127.0.0.1",
        "POST",
        "/a",
        (1, 1),
        (),
        b"x",
        **changes,  # type: ignore[arg-type]
    )


def forward(status: int | None = 200, error: str | None = None, reason: str = "") -> Attempt:
    return Attempt(
        "http://127.0.0.1:3000/a", 0.0, kind="forward", status=status, error=error, reason=reason
    )


def test_answer_of_reads_the_status_the_forward_and_the_relayed_answer():
    request = capture(answered_status=500)
    assert answer_of(request, []) == Answer(500)
    assert answer_of(request, [forward(200)]) == Answer(500)
    assert answer_of(request, [forward(503)]) == Answer(500, True)
    assert answer_of(request, [forward(None, "refused")]) == Answer(500, True)
    assert answer_of(request, [forward(None, "refused"), forward(200)]) == Answer(500)
    # Relaying: the capture holds the target's answer (502 when there was none) once it came.
    assert answer_of(capture(answered_status=NOT_ANSWERED), []) == Answer(None)
    assert answer_of(capture(answered_status=201), [forward(201)]) == Answer(201)
    relayed_failure = capture(answered_status=502)
    assert answer_of(relayed_failure, [forward(None, "refused")]) == Answer(502, True)
    replay = Attempt("http://x", 0.0, kind="replay", status=500)
    assert answer_of(capture(), [replay]) == Answer(200)
    rejected = capture(rejected=True, answered_status=413)
    assert answer_of(rejected, []) == Answer(413)


def test_a_forward_outcome_is_one_printable_line():
    assert forward_outcome(forward(None, "connection refused")) == "failed: connection refused"
    assert forward_outcome(forward(None)) == "failed: no response"
    assert forward_outcome(forward(503, reason="Service Unavailable")) == (
        "503 Service Unavailable"
    )
    assert "\x1b" not in forward_outcome(forward(None, "bad\x1b[2Jthing"))
    assert forward_failed(forward(503)) and not forward_failed(forward(204))
    assert not forward_failed(None)
