"""`--headless`: the same server and store, one line per delivery on stdout, no TUI."""

from __future__ import annotations

import asyncio
import base64
import functools
import json
import signal
import sys
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TextIO

from whisper_tui.core.answers import (
    FORWARD_FAILED,
    forward_failed,
    forward_outcome,
    status_of,
    stopped_forward,
)
from whisper_tui.core.autosave import SAVE_INTERVAL
from whisper_tui.core.deliveries import DeliveryJson, repeat_marker
from whisper_tui.core.models import NOT_ANSWERED, Attempt, CapturedRequest
from whisper_tui.core.portable import header_objects, isoformat_utc
from whisper_tui.core.redaction import Redactor, short_secret_warnings, shown_url
from whisper_tui.core.rejections import Rejection
from whisper_tui.core.sanitize import printable
from whisper_tui.core.sent_answers import response_object
from whisper_tui.core.session import Session
from whisper_tui.core.sizes import format_size
from whisper_tui.core.verdicts import Verdicts
from whisper_tui.reader_gone import READER_GONE, ReaderWatch, write_through
from whisper_tui.stopping import EXIT_SAVE_FAILED, HANGUP_AND_TERMINATE, on_stop_signals
from whisper_tui.tuning import freeze_startup_heap

FLUSH_DELAY = 0.02
"""Seconds a printed line may wait in the buffer for others to go out with it: unnoticeable
to a person or a script reading the lines, and it batches them under load."""

_orjson_dumps: Callable[[Any], bytes] | None
try:
    from orjson import dumps as _orjson_dumps
except ImportError:  # not CPython: json alone
    _orjson_dumps = None

TUNNEL_WAIT = 30.0
"""Seconds the first line waits for --tunnel's public URL before it is printed without it."""


def exposure_text(host: str) -> str:
    """The warning for an address reachable beyond this machine (the TUI shows the same)."""
    return (
        f"listening on {host}: captures (with any secrets in them) can be sent and seen "
        "from the network"
    )


@functools.lru_cache(maxsize=4)
def _clock(second: int, zone: tuple[str, str]) -> str:
    # Captures arrive thousands a second under load: format each second once (per time zone,
    # which tzset can change).
    return time.strftime("%H:%M:%S", time.localtime(second))


def human_line(
    request: CapturedRequest,
    verdicts: Verdicts,
    forward: Attempt | None = None,
    delivery: DeliveryJson | None = None,
    redactor: Redactor | None = None,
) -> str:
    """'23:25:05.042 POST /hooks/stripe 529 B application/json 200 ↻2 [signature ...]'.

    A retry (the `delivery` object's `seen` of 2 or more) carries the list's repeat marker
    after the status; a first arrival has none (no later one is known when its line goes).
    Each verdict is worded as the detail words it (Verdict.word): `[signature verified
    (github)]`, `[signature not checked (stripe)]`, and a failed one with the first clause of
    its reason, `[signature failed (stripe): MAC valid but timestamp is 2d old]` (the whole
    reason is in --json).

    A failed --forward marks the status as the list does (`200!`) and ends the line with
    what happened (`[forward failed: connection refused]`, `[forward 503 Service
    Unavailable]`); a forward the app took adds nothing.

    `redactor` masks secrets in the fields that carry text (method, target, content type,
    reasons), never in the time, size or status, so a 5-digit secret leaves `12345 B` alone.
    """
    mask = redactor.redact if redactor else _unchanged
    clock = _clock(int(request.received_at), time.tzname)
    failed = forward_failed(forward)
    millis = int((request.received_at % 1) * 1000)
    parts = [
        f"{clock}.{millis:03d}",
        mask(printable(request.method)),
        mask(printable(request.target)),
        format_size(request.size),
        mask(printable(request.content_type or "-")),
        str(status_of(request)) + (FORWARD_FAILED if failed else ""),
    ]
    seen = delivery.get("seen", 0) if delivery else 0
    if isinstance(seen, int) and seen > 1:
        parts.append(repeat_marker(seen))
    for verdict in verdicts.for_request(request):
        # 'not checked' says it all; its reason ("no secret configured for stripe") on every
        # line would be noise.
        reason = verdict.short_reason() if verdict.status != "no-secret" else ""
        because = f": {mask(printable(reason))}" if reason else ""
        parts.append(f"[signature {verdict.word} ({verdict.scheme}){because}]")
    if failed:
        assert forward is not None
        parts.append(f"[forward {mask(forward_outcome(forward))}]")
    return " ".join(parts)


def _unchanged(text: str) -> str:
    return text


def json_line(
    request: CapturedRequest,
    verdicts: Verdicts,
    delivery: DeliveryJson | None = None,
    forward: Attempt | None = None,
    redactor: Redactor | None = None,
) -> str:
    """One JSON object per capture, body as UTF-8 text or base64, for scripts.

    `delivery` (the index's `json_of`) is written as `"delivery": {"id", "from", "seen",
    "first"}`, else null; `forward` (--forward's attempt) as `"forward": {"url", "status",
    "error", "latency_ms", "failed"}`, else null. `answer` is what the sender got, the
    object a HAR entry's `response` is (sent_answers.response_object).

    `redactor` masks secrets in string values before the line is serialized (keys, numbers
    and structure never), the body in its bytes (so a base64 body can't carry one either);
    `"masked"` lists the fields it changed, so a script knows the text is not what arrived
    (`size` stays the size that arrived).
    """
    raw_body = request.body
    if redactor:
        raw_body = redactor.redact_bytes(raw_body)
    try:
        body, encoding = raw_body.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        body, encoding = base64.b64encode(raw_body).decode("ascii"), "base64"
    record = {
        "id": request.id,
        "received_at": isoformat_utc(request.received_at),
        "remote": request.remote,
        "method": request.method,
        "target": request.target,
        "http_version": request.version_text,
        # Objects, as in the JSON export: {"name": ..., "value": ...}, in arrival order; UTF-8
        # text where valid, else latin-1 decoded with "encoding": "latin-1".
        "headers": header_objects(request.raw_headers, flag="encoding"),
        "size": request.size,
        "content_type": request.content_type,
        "status": status_of(request),
        "rejected": request.rejected,
        "body": body,
        "body_encoding": encoding,
        "signatures": [
            {"scheme": v.scheme, "status": v.status, "reason": v.reason}
            for v in verdicts.for_request(request)
        ],
        "delivery": delivery,
        "forward": None if forward is None else _forward_json(forward),
        "answer": response_object(request, flag="encoding"),
        "masked": [],
    }
    if redactor:
        changed = set(redactor.redact_record(record, skip="body"))  # the body's bytes: done
        if raw_body != request.body:
            changed.add("body")
        if _mask_base64_content(record["answer"], redactor):  # a relayed binary answer
            changed.add("answer")
        record["masked"] = [name for name in record if name in changed]  # in the line's order
    return _encoded(record)


def _mask_base64_content(answer: object, redactor: Redactor) -> bool:
    """Mask secrets in the bytes of a HAR-like object's base64 `content.text` (a value walk
    can't see inside base64); True when it changed."""
    content = answer.get("content") if isinstance(answer, dict) else None
    if not isinstance(content, dict) or content.get("encoding") != "base64":
        return False
    data = base64.b64decode(content["text"])
    masked = redactor.redact_bytes(data)
    if masked == data:
        return False
    content["text"] = base64.b64encode(masked).decode("ascii")
    return True


def _forward_json(forward: Attempt) -> dict[str, object]:
    latency = forward.latency
    return {
        "url": shown_url(forward.target_url),
        "status": forward.status,
        "error": forward.error,
        "latency_ms": None if latency is None else round(latency * 1000, 3),
        "failed": forward_failed(forward),
    }


Line = tuple[CapturedRequest, DeliveryJson | None, Attempt | None]
"""A capture to print, with its delivery object (for --json) and its --forward attempt."""

HOLD_GRACE = 5.0
"""Seconds past the forward's own timeout that a line may wait for its forward's outcome:
the timeout ends every forward first, unless the loop is that far behind (or a bug)."""


@dataclass(slots=True)
class _Held:
    """A capture whose line waits, in arrival order, with what it is printed with."""

    request: CapturedRequest
    delivery: DeliveryJson | None
    due: float
    """Loop time after which the line goes out without its forward's outcome."""
    forward: Attempt | None = None
    told: bool = True
    """False while its forward is on its way."""


class ArrivalOrder:
    """--forward: lines in the order the captures arrived, each with its forward's outcome.

    A capture whose forward is on its way holds its line and every later one until the
    outcome is told. Forwards run side by side and each ends by its own timeout (10 s),
    counted from its capture's arrival, so a slow app delays a line by at most that, never
    forever: one slow forward holds the lines after it only until its own timeout, by which
    time theirs are nearly done too. A forward that tells nothing `hold` seconds after its
    capture arrived lets the line go, the forward failed with 'no outcome', and the rest follow.
    """

    def __init__(self, emit: Callable[[Line], None], hold: float, forward_url: str) -> None:
        self._emit = emit
        self._hold = hold
        self._forward_url = forward_url
        self.held: deque[_Held] = deque()
        """Lines waiting, in arrival order; the first one's forward is on its way."""
        self._waiting: dict[int, _Held] = {}  # by capture id: told False
        self._timer: asyncio.TimerHandle | None = None
        """Set while a line is held: when the first held one is due."""
        self._timer_for: _Held | None = None

    def add(self, request: CapturedRequest, delivery: DeliveryJson | None, waits: bool) -> None:
        """A capture as it arrives; `waits` when its line needs its forward's outcome."""
        if not waits and not self.held:
            self._emit((request, delivery, None))  # nothing before it waits: at once
            return
        loop = asyncio.get_running_loop()
        held = _Held(request, delivery, loop.time() + self._hold, told=not waits)
        self.held.append(held)
        if waits:
            self._waiting[request.id] = held
        if self._timer is None:
            self._timer, self._timer_for = loop.call_at(held.due, self._overdue), held

    def told(self, request: CapturedRequest, forward: Attempt) -> None:
        """A forward's outcome: its line, and those after it that wait for nothing else, go."""
        held = self._waiting.pop(request.id, None)
        if held is None:  # its line went out already, overdue
            return
        held.forward, held.told = forward, True
        self._release()

    def stop(self) -> None:
        """Every held line now, in order; a forward still on its way was cut short."""
        for held in self.held:
            if not held.told:
                held.forward = stopped_forward(self._forward_url, held.request)
            self._emit((held.request, held.delivery, held.forward))
        self.held.clear()
        self._waiting.clear()
        if self._timer is not None:
            self._timer.cancel()
            self._timer = self._timer_for = None

    def _release(self, now: float | None = None) -> None:
        held_lines = self.held
        while held_lines and (held_lines[0].told or (now is not None and held_lines[0].due <= now)):
            held = held_lines.popleft()
            if not held.told:
                del self._waiting[held.request.id]
                reason = f"no outcome {self._hold:g} s after the capture arrived"
                held.forward = stopped_forward(self._forward_url, held.request, reason)
            self._emit((held.request, held.delivery, held.forward))
        first = held_lines[0] if held_lines else None
        if first is self._timer_for:
            return
        if self._timer is not None:
            self._timer.cancel()
        self._timer, self._timer_for = None, first
        if first is not None:  # it waits for its forward; the lines after it are due later
            self._timer = asyncio.get_running_loop().call_at(first.due, self._overdue)

    def _overdue(self) -> None:
        self._timer = self._timer_for = None
        self._release(asyncio.get_running_loop().time())


def lines_of(
    batch: list[Line],
    verdicts: Verdicts,
    *,
    as_json: bool = False,
    redactor: Redactor | None = None,
) -> str:
    """The lines of a batch of captures (each with its delivery object and forward), joined.

    Formatted at the flush, not as each capture arrives: made between two requests, whose
    handling pushes the formatting code and data out of the CPU's caches, a human line cost
    ~12 us of CPU; made here, hundreds in a row, ~5 us (both timed inside the running
    server under the throughput bench's load). A line depends only on its capture, the
    delivery object taken at arrival and the session's secrets, so it reads the same
    whenever it is made. (A capture's `answer`, when not the usual ack, is set once its
    response is prepared, which follows the handler's return without a pause of the loop:
    before any flush runs.)
    """
    if as_json:
        return "".join([json_line(r, verdicts, d, f, redactor) + "\n" for r, d, f in batch])
    return "".join([human_line(r, verdicts, f, d, redactor) + "\n" for r, d, f in batch])


def _encoded(record: dict[str, object]) -> str:
    """`json.dumps(record, ensure_ascii=True, separators=(",", ":"))`, by orjson where it gives
    the same text: when its output is ASCII without DEL (json escapes DEL, orjson does not).

    ensure_ascii keeps control characters escaped: the output is safe on a terminal. orjson
    encodes a capture's line in a fraction of json's time (a 450-byte body alone costs json
    more than the rest of the line); a line that is not ASCII is encoded twice.
    """
    if _orjson_dumps is not None:
        try:
            fast: bytes | None = _orjson_dumps(record)
        except TypeError:  # orjson.JSONEncodeError: a lone surrogate, which json escapes
            fast = None
        if fast is not None and fast.isascii() and b"\x7f" not in fast:
            return fast.decode("ascii")
    return json.dumps(record, ensure_ascii=True, separators=(",", ":"))


async def serve_headless(
    session: Session,
    *,
    as_json: bool = False,
    out: TextIO = sys.stdout,
    stop: asyncio.Event | None = None,
    freeze_heap: bool = False,
) -> int:
    """Capture with `session` until SIGINT/SIGTERM (or `stop` is set); returns the exit status.

    The caller builds the session (whose redactor it may need before this runs, to mask
    secrets in the streams). `freeze_heap`: hide what is alive once listening from the garbage
    collector (the CLI).
    """
    settings, store = session.settings, session.store
    stop = stop or asyncio.Event()
    # Ctrl-C too: unlike the TUI, nothing reads it as a key.
    remove_signal_handlers = on_stop_signals(stop.set, (signal.SIGINT, *HANGUP_AND_TERMINATE))

    loop = asyncio.get_running_loop()
    # Captures announced since the last flush, with their delivery object for --json (asked
    # at arrival: an eviction before the flush must not change the line); the flush formats
    # and writes them together.
    pending: list[Line] = []

    reader_gone = False

    def flush() -> None:
        nonlocal reader_gone
        batch = pending.copy()
        pending.clear()
        if reader_gone:
            return
        redactor = session.redactor or None
        text = (
            lines_of(batch, session.verdicts, as_json=as_json, redactor=redactor) if batch else ""
        )
        if not write_through(out, text):
            # The reader left (`| head -n1`): stop as a Unix tool does, quietly, once --save
            # is complete.
            reader_gone = True
            stop.set()

    def print_line(line: Line) -> None:
        pending.append(line)
        # Lines go out together FLUSH_DELAY after the first one since the last flush: under
        # load one write system call carries hundreds of them. Kept here rather than in the
        # stream's buffer, which PYTHONUNBUFFERED (set in many containers) turns off: then
        # every line was a write of its own, 8 us of system time a capture (strace).
        if len(pending) == 1:
            loop.call_later(FLUSH_DELAY, flush)

    # --forward: a capture's line waits for the forward's outcome (with --relay-response the
    # target's answer, which is the sender's), and later lines wait for it, in arrival order.
    # The capture itself is held, not its id: the store may evict it before the forward
    # finishes, and its line is printed all the same.
    hold = HOLD_GRACE + (session.sender.timeout if settings.forward_url else 0.0)
    order = ArrivalOrder(print_line, hold, settings.forward_url or "")
    held = order.held

    def delivery_of(request: CapturedRequest) -> DeliveryJson | None:
        # The store numbered the arrival before telling its listeners. Plain lines want it
        # too: a retry's line carries the repeat marker (its `seen`).
        return store.deliveries.json_of(request.id)

    def announce(request: CapturedRequest) -> None:
        forwarding = session.forwarding
        # The line gives the status the sender got (with --relay-response the target's, not
        # known yet) and whether the app got the delivery: it waits for the forward, which
        # the forward's timeout bounds (--relay-response makes the sender wait too).
        waits = request.answered_status == NOT_ANSWERED or (
            forwarding is not None and request.id in forwarding.in_flight
        )
        if not waits and not held:  # what add() does first, without the call: per capture
            print_line((request, delivery_of(request), None))
        else:
            order.add(request, delivery_of(request), waits)

    store.subscribe(announce)
    session.subscribe_forwards(order.told)

    def left() -> None:  # the reader left between two lines: no line is needed to tell
        nonlocal reader_gone
        reader_gone = True
        stop.set()

    def refused(rejection: Rejection) -> None:
        # Not a capture (stdout stays one line per capture): a note on stderr, as it happens.
        note(f"rejected {rejection.describe()} ({rejection.cause()})")

    store.rejections.subscribe(refused)
    if session.autosave is not None:
        session.autosave.watch_errors(functools.partial(save_changed, session.autosave.path))
    await session.start()
    await session.until_started()  # --load first (its captures are not announced)
    if session.loading is not None:
        # On stderr, as every note: stdout stays one line per capture (--json's JSON lines).
        for line in (*session.loading.summary(), *session.loading.new_problems()):
            note(line)
    if freeze_heap:
        freeze_startup_heap()
    if session.tunnel is not None:  # its URL goes in the first line (captures arrive meanwhile)
        await session.tunnel.wait_settled(TUNNEL_WAIT, stop)
    note(f"listening on {session.base_url}{session.public_note()} (Ctrl-C to stop)")
    for warning in short_secret_warnings(settings.secrets):
        note(f"warning: {warning}")
    session.watch_tunnel(note)
    if not settings.is_loopback:
        note(f"warning: {exposure_text(settings.host)}")
    watch = ReaderWatch(out, loop, left)
    try:
        await stop.wait()
    finally:
        await session.stop()
        # Forwards still on their way were cancelled by the stop: the app never answered, which
        # their lines must say (a bare '200' would read as delivered).
        order.stop()
        flush()  # the lines of the last captures, before the pending flush would run
        if session.save_failure is not None:
            note(f"error: {session.save_failure}")
        elif session.autosave is not None:
            note(f"saved {len(store):,} capture(s) to {session.autosave.path}")
        remove_signal_handlers()
        watch.close()
    if session.save_failure is not None:  # captures lost outweigh a reader gone
        return EXIT_SAVE_FAILED
    return READER_GONE if reader_gone else 0


def save_changed(path: str, error: str | None) -> None:
    """--save started failing (one line; capture goes on, each save retries) or works again."""
    if error is not None:
        note(f"--save failing: {error}; capturing goes on, retrying every {SAVE_INTERVAL:g} s")
    else:
        note(f"--save working again: {path} is up to date")


def note(text: str) -> None:
    """'whisper-tui: text' on stderr; nothing once stderr's reader has left (`|& head`)."""
    write_through(sys.stderr, f"whisper-tui: {text}\n")
