"""The idempotency probe: send one capture N times to the app, then say whether it answered alike.

Providers retry a delivery with the same id and body when they saw no 2xx in time, so an app
must answer (and act) the same the second time. The probe sends the capture's exact bytes N
times in a row to the replay target. When a secret for its signature scheme is known each copy
is re-signed as a provider's retry would be (with a fresh timestamp where the scheme signs one;
GitHub's signature, with none, comes out the same each time), and the delivery id (webhook-id,
svix-id, X-GitHub-Delivery...) is kept.

The verdict compares status and body; headers that differ per answer anyway (Date, Server,
Content-Length, request ids) are ignored, and other header differences are reported without
deciding it. An answer that echoes the signature headers it was sent differs by our own
re-signing, not by the app: those values are put back to send 1's before comparing.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal

from whisper_tui.core.models import Attempt, CapturedRequest, display_header_value
from whisper_tui.core.session import Session
from whisper_tui.core.targets import never_connected, target_url

DEFAULT_TIMES = 2
MAX_TIMES = 20
"""More sends than this would be a load test, not a probe."""

ANSWER_VOLATILE_HEADERS = frozenset(
    {"x-runtime", "x-response-time", "x-served-by", "via", "age", "keep-alive"}
)
"""Answer headers that differ between two identical answers (besides diff.VOLATILE_HEADERS)."""

Verdict = Literal["agree", "differ", "failed"]


def is_volatile_answer_header(name: str) -> bool:
    """True for answer headers left out of the comparison (Date, Server, Content-Length...)."""
    # The diff package loads with the first probe, not with the TUI's start (its prompt
    # imports this module for DEFAULT_TIMES and parse_times).
    from whisper_tui.core.diff.headers import is_volatile_header

    return is_volatile_header(name) or name.strip().lower() in ANSWER_VOLATILE_HEADERS


def parse_times(text: str) -> int:
    """'3' -> 3; at least 2 (one answer compares with nothing), at most MAX_TIMES."""
    try:
        times = int(text.strip())
    except ValueError:
        raise ValueError(f"not a whole number: {text.strip()!r}") from None
    if not 2 <= times <= MAX_TIMES:
        raise ValueError(f"send 2 to {MAX_TIMES} times, not {times}")
    return times


@dataclass(slots=True)
class ProbeResult:
    """The answers to N sends of one capture, and whether they agree."""

    request: CapturedRequest
    url: str
    attempts: list[Attempt]
    verdict: Verdict
    reasons: list[str] = field(default_factory=list)
    """One line per difference (or failure), in the order found."""
    notes: list[str] = field(default_factory=list)
    """What doesn't decide the verdict: other header differences, re-signing."""
    pair: tuple[int, int] = (0, 1)
    """Indices of the two answers to show side by side: the first and the first that differs."""

    def summary(self) -> str:
        """One line: 'agree: 3 answers, 200 each' or 'differ: status 200, then 409'."""
        if self.verdict == "agree":
            status = self.attempts[0].status
            return f"agree: {len(self.attempts)} answers, {status} and the same body each time"
        return f"{self.verdict}: {self.reasons[0]}" if self.reasons else self.verdict


async def probe(
    session: Session, request: CapturedRequest, url: str, times: int = DEFAULT_TIMES
) -> ProbeResult:
    """Send `request` `times` times, one after another, to `url` (its target appended).

    Each send is recorded on the capture like a replay. Raises ValueError (one line, never the
    secret) when a copy can't be re-signed.
    """
    attempts: list[Attempt] = []
    resigning = session.signing_scheme(request) is not None
    resigned = ""
    for number in range(1, times + 1):
        note = f"idempotency probe, send {number} of {times}"
        if resigning:
            # Re-signed per send: each copy gets a fresh timestamp, as a provider's retry does.
            copy = session.edited_copy(
                request,
                method=request.method,
                url=target_url(url, request.target),
                headers=request.headers,
                body=request.body,
                changes=[],
                resign=True,
            )
            resigned = copy.resigned
            attempt = await session.replay(request, url, notes=[note], edited=copy)
        else:
            attempt = await session.replay(request, url, notes=[note])
        attempts.append(attempt)
        if never_connected(attempt):
            break  # nothing was delivered: the sends after it would only record the same
    result = compare_answers(request, url, attempts)
    if len(attempts) < times:
        result.reasons[-1] += (
            f"; stopped after send {len(attempts)} of {times}: nothing was delivered, "
            "so there is nothing to compare"
        )
    if resigned:
        # Said as the attempts say it, by what the scheme signs: a GitHub copy is re-signed
        # with no timestamp, so every send carries the same signature.
        result.notes.append(f"each send {resigned}, delivery id kept")
    return result


def compare_answers(request: CapturedRequest, url: str, attempts: Sequence[Attempt]) -> ProbeResult:
    """The verdict on answers to the same request: agree, differ, or failed (no answer)."""
    answered = list(attempts)
    failures = [
        f"send {number}: {attempt.error or 'no answer'}"
        for number, attempt in enumerate(answered, start=1)
        if attempt.error is not None or attempt.status is None
    ]
    if failures:
        return ProbeResult(request, url, answered, "failed", failures)
    reasons: list[str] = []
    notes: list[str] = []
    echoed = False
    first = answered[0]
    differing: int | None = None
    for index, attempt in enumerate(answered[1:], start=1):
        found = []
        if attempt.status != first.status:
            found.append(f"status {first.status}, then {attempt.status} (send {index + 1})")
        if not same_body(first, attempt):
            if same_body(first, attempt, resigning_undone(first, attempt)):
                echoed = True
            else:
                found.append(f"body of send {index + 1} differs from send 1")
        if found and differing is None:
            differing = index
        reasons.extend(found)
        for name in header_differences(first, attempt):
            notes.append(f"header {name} differs in send {index + 1} (not part of the verdict)")
    if echoed:
        notes.append(
            "the app echoed the signature headers each send was re-signed with: "
            "their values were not compared"
        )
    pair = (0, differing if differing is not None else len(answered) - 1)
    verdict: Verdict = "differ" if reasons else "agree"
    return ProbeResult(request, url, answered, verdict, reasons, notes, pair)


def same_body(one: Attempt, other: Attempt, other_body: bytes | None = None) -> bool:
    """Equal bytes, or equal JSON values (key order and spacing aside); `other_body` in place
    of `other`'s answer when given."""
    body = other.response_body if other_body is None else other_body
    if one.response_body == body:
        return True
    try:
        return bool(json.loads(one.response_body) == json.loads(body))
    except (ValueError, RecursionError):
        return False


def resigning_undone(first: Attempt, attempt: Attempt) -> bytes:
    """`attempt`'s answer with the header values its send carried and send 1's did not (our
    own re-signing: a fresh timestamp, the signature over it) put back to send 1's.

    The probe sends the same bytes each time but for those headers, so an app that echoes
    them (scripts/echo_app.py) answers differently because of us, not because it is not
    idempotent. Longer values go first: a Stripe-Signature holds its timestamp."""
    changed = [
        (value, before)
        for (name_before, before), (name, value) in zip(
            first.sent_headers, attempt.sent_headers, strict=False
        )
        if name.lower() == name_before.lower() and value != before and value
    ]
    body = attempt.response_body
    for value, before in sorted(changed, key=lambda pair: -len(pair[0])):
        body = body.replace(value, before)
    return body


def header_differences(one: Attempt, other: Attempt) -> list[str]:
    """Names of the non-volatile answer headers whose values differ, in first-seen order."""

    def compared(attempt: Attempt) -> dict[str, list[str]]:
        kept: dict[str, list[str]] = {}
        for raw_name, raw_value in attempt.response_headers:
            name = display_header_value(raw_name)
            if not is_volatile_answer_header(name):
                kept.setdefault(name.lower(), []).append(display_header_value(raw_value))
        return kept

    left, right = compared(one), compared(other)
    names = list(dict.fromkeys([*left, *right]))
    return [name for name in names if left.get(name) != right.get(name)]
