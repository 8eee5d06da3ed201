"""`--headless`: the same server and store, one line per delivery on stdout, no TUI."""

from __future__ import annotations

import asyncio
import base64
import functools
import json
import signal
import sys
import time
from collections.abc import Callable
from typing import Any, TextIO

from whisper_tui.core.deliveries import DeliveryJson
from whisper_tui.core.filtering import status_of
from whisper_tui.core.models import NOT_ANSWERED, CapturedRequest
from whisper_tui.core.portable import header_objects, isoformat_utc
from whisper_tui.core.rejections import Rejection
from whisper_tui.core.sanitize import printable
from whisper_tui.core.session import Session
from whisper_tui.core.sizes import format_size
from whisper_tui.core.verdicts import Verdicts
from whisper_tui.reader_gone import READER_GONE, write_through
from whisper_tui.stopping import HANGUP_AND_TERMINATE, on_stop_signals
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


def human_line(request: CapturedRequest, verdicts: Verdicts) -> str:
    """'23:25:05.042 POST /hooks/stripe 529 B application/json 200 [signature ...]'."""
    clock = _clock(int(request.received_at), time.tzname)
    millis = int((request.received_at % 1) * 1000)
    parts = [
        f"{clock}.{millis:03d}",
        printable(request.method),
        printable(request.target),
        format_size(request.size),
        printable(request.content_type or "-"),
        str(status_of(request)),
    ]
    for verdict in verdicts.for_request(request):
        parts.append(f"[signature {verdict.status} ({verdict.scheme})]")
    return " ".join(parts)


def json_line(
    request: CapturedRequest, verdicts: Verdicts, delivery: DeliveryJson | None = None
) -> str:
    """One JSON object per capture, body as UTF-8 text or base64, for scripts.

    `delivery` (the index's `json_of`) is written as `"delivery": {"id", "from", "seen",
    "first"}`, else null.
    """
    try:
        body, encoding = request.body.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        body, encoding = base64.b64encode(request.body).decode("ascii"), "base64"
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
    }
    return _encoded(record)


def lines_of(
    batch: list[tuple[CapturedRequest, DeliveryJson | None]],
    verdicts: Verdicts,
    *,
    as_json: bool = False,
) -> str:
    """The lines of a batch of captures (each with its delivery object for --json), joined.

    Formatted at the flush, not as each capture arrives: made between two requests, whose
    handling pushes the formatting code and data out of the CPU's caches, a human line cost
    ~12 us of CPU; made here, hundreds in a row, ~5 us (both timed inside the running
    server under the throughput bench's load). A line depends only on its frozen capture,
    the delivery object taken at arrival and the session's secrets, so it reads the same
    whenever it is made.
    """
    if as_json:
        return "".join([json_line(r, verdicts, delivery) + "\n" for r, delivery in batch])
    return "".join([human_line(r, verdicts) + "\n" for r, _ in batch])


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
    pending: list[tuple[CapturedRequest, DeliveryJson | None]] = []

    reader_gone = False

    def flush() -> None:
        nonlocal reader_gone
        batch = pending.copy()
        pending.clear()
        if reader_gone:
            return
        text = lines_of(batch, session.verdicts, as_json=as_json) if batch else ""
        if not write_through(out, text):
            # The reader left (`| head -n1`): stop as a Unix tool does, quietly, once --save
            # is complete.
            reader_gone = True
            stop.set()

    # --relay-response: captures whose line waits for the target's answer, with the delivery
    # object they arrived with. The capture itself, not its id: the store may evict it before
    # the answer comes, and its line is printed all the same.
    relayed: dict[int, tuple[CapturedRequest, DeliveryJson | None]] = {}

    def delivery_of(request: CapturedRequest) -> DeliveryJson | None:
        # The store numbered the arrival before telling its listeners.
        return store.deliveries.json_of(request.id) if as_json else None

    def announce(request: CapturedRequest) -> None:
        if request.answered_status == NOT_ANSWERED:
            # The line gives the status the sender got: the target's, not known yet.
            relayed[request.id] = (request, delivery_of(request))
            return
        print_line(request, delivery_of(request))

    def answered(request: CapturedRequest) -> None:
        if (waiting := relayed.pop(request.id, None)) is not None:
            print_line(*waiting)

    def print_line(request: CapturedRequest, delivery: DeliveryJson | None) -> None:
        pending.append((request, delivery))
        # Lines go out together FLUSH_DELAY after the first one since the last flush: under
        # load one write system call carries hundreds of them. Kept here rather than in the
        # stream's buffer, which PYTHONUNBUFFERED (set in many containers) turns off: then
        # every line was a write of its own, 8 us of system time a capture (strace).
        if len(pending) == 1:
            loop.call_later(FLUSH_DELAY, flush)

    store.subscribe(announce)
    store.subscribe_answers(answered)

    def refused(rejection: Rejection) -> None:
        # Not a capture (stdout stays one line per capture): a note on stderr, as it happens.
        note(f"rejected {rejection.describe()} (refused by the HTTP parser)")

    store.rejections.subscribe(refused)
    await session.start()
    await session.until_started()  # --load first (its captures are not announced)
    if session.loading is not None:
        for problem in session.loading.new_problems():
            note(problem)
    if freeze_heap:
        freeze_startup_heap()
    if session.tunnel is not None:  # its URL goes in the first line (captures arrive meanwhile)
        await session.tunnel.wait_settled(TUNNEL_WAIT, stop)
    note(f"listening on {session.base_url}{session.public_note()} (Ctrl-C to stop)")
    session.watch_tunnel(note)
    if not settings.is_loopback:
        note(f"warning: {exposure_text(settings.host)}")
    try:
        await stop.wait()
    finally:
        await session.stop()
        for request_id in sorted(relayed):  # whisper-tui stopped first: no answer (status 0)
            print_line(*relayed[request_id])
        flush()  # the lines of the last captures, before the pending flush would run
        if session.autosave is not None:
            note(f"saved {len(store):,} capture(s) to {session.autosave.path}")
        remove_signal_handlers()
    return READER_GONE if reader_gone else 0


def note(text: str) -> None:
    """'whisper-tui: text' on stderr; nothing once stderr's reader has left (`|& head`)."""
    write_through(sys.stderr, f"whisper-tui: {text}\n")
