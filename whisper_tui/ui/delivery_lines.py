"""The detail's delivery lines: the provider's delivery id, how many times it came, and what
whisper-tui answered each time.

    delivery 72d3…0958 · 3 times · first #12, +1m 02s, +5m 10s  (X-GitHub-Delivery)
      #12  16:00:01  answered 500
      #20  +1m 02s   answered 500
    ▸ #31  +5m 10s   answered 200

Only a window of arrivals around the shown capture is looked up, so a delivery repeated
thousands of times costs what one repeated thrice does. Arrivals go in received order.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from rich.text import Text

from whisper_tui.core.answers import Answer, answer_of
from whisper_tui.core.delivery_index import Delivery
from whisper_tui.core.models import CapturedRequest
from whisper_tui.core.sanitize import printable
from whisper_tui.core.store import RequestStore
from whisper_tui.ui.palette import status_style
from whisper_tui.ui.text_flow import flow

ARRIVALS_SHOWN = 8
"""Arrival lines at most: a window around the shown capture."""
OFFSETS_SHOWN = 4
"""Later arrivals whose delay the summary line gives ('first #12, +1m 02s, +5m 10s')."""
SHORT_ID_ENDS = 4
"""Characters kept at each end of an id shortened for a narrow pane ('72d3…0958')."""

Value = tuple[str, str]


@dataclass(frozen=True, slots=True)
class DeliveryHistory:
    """A capture's delivery and the arrivals of it the detail shows."""

    delivery: Delivery
    first: CapturedRequest | None
    """The first arrival, while it is kept."""
    offsets: tuple[float, ...]
    """Seconds after the first arrival of the next kept ones (OFFSETS_SHOWN at most)."""
    arrivals: tuple[tuple[CapturedRequest, Answer], ...]
    """The window of kept arrivals around the shown capture, oldest first, with the answer
    each got (as the list's Ans column has it)."""
    earlier: int
    """Kept arrivals before the window."""
    later: int
    """Kept arrivals after it."""

    @property
    def key(self) -> tuple[object, ...]:
        """What the lines depend on: a new arrival, a delete or a relayed answer changes it."""
        return (self.delivery, tuple((request.id, answer) for request, answer in self.arrivals))


def history_of(store: RequestStore, request: CapturedRequest) -> DeliveryHistory | None:
    """The delivery `request` is an arrival of, with the arrivals around it (None: no id).

    Reads only what is shown (the window, the first few arrivals): O(log k) in the index and
    O(shown) here for a delivery that came k times, so a redraw costs the same at 100,000
    arrivals of one id as at three."""
    delivery = store.deliveries.of(request, ARRIVALS_SHOWN, OFFSETS_SHOWN + 1)
    if delivery is None:
        return None
    arrivals = []
    for capture_id in delivery.window:
        found = store.get(capture_id)
        if found is not None:
            answer = answer_of(found, store.attempts(capture_id))
            arrivals.append((found, answer))
    # The index keeps arrivals in received order (--load may list them otherwise), so the
    # earliest kept is the first arrival while it is kept, and the delays count from it.
    leading = [r for r in map(store.get, delivery.leading) if r is not None]
    first = leading[0] if leading and leading[0].id == delivery.first else None
    offsets: tuple[float, ...] = ()
    if first is not None:
        offsets = tuple(r.received_at - first.received_at for r in leading[1:])
    return DeliveryHistory(
        delivery,
        first,
        offsets,
        tuple(arrivals),
        earlier=delivery.window_start,
        later=delivery.kept - delivery.window_start - len(delivery.window),
    )


def format_offset(seconds: float) -> str:
    """A delay after the first arrival: '+0.4s', '+12s', '+1m 02s', '+2h 05m', '+3d 04h'."""
    seconds = max(seconds, 0.0)
    if seconds < 10:
        return f"+{seconds:.1f}s"
    whole = int(seconds)
    if whole < 60:
        return f"+{whole}s"
    if whole < 3600:
        return f"+{whole // 60}m {whole % 60:02d}s"
    if whole < 86400:
        return f"+{whole // 3600}h {whole % 3600 // 60:02d}m"
    return f"+{whole // 86400}d {whole % 86400 // 3600:02d}h"


def short_id(value: str) -> str:
    """An id shortened in the middle for a narrow pane: '72d3…0958'."""
    if len(value) <= 2 * SHORT_ID_ENDS + 3:
        return value
    return value[:SHORT_ID_ENDS] + "…" + value[-SHORT_ID_ENDS:]


def _times(count: int) -> str:
    return "once" if count == 1 else f"{count:,} times"


def summary_lines(history: DeliveryHistory, width: int) -> list[Text]:
    """'delivery 72d3…0958 · 3 times · first #12, +1m 02s, +5m 10s  (X-GitHub-Delivery)':
    the whole id when the line fits `width`, else shortened; then, while it does not fit,
    without the delays the arrival lines below already show, and flowed onto more rows."""
    delivery = history.delivery
    first = ""
    delays = []
    if delivery.times > 1:
        first = f" · first #{delivery.first}"
        if history.first is None:
            first += " (no longer kept)"
        delays = [format_offset(offset) for offset in history.offsets]
        if delivery.kept > len(history.offsets) + 1 and history.first is not None:
            delays.append("…")
    later = "".join(f", {delay}" for delay in delays)
    source = f"({printable(delivery.source)})" if delivery.source else ""
    shown = printable(delivery.id)
    fixed = len("delivery ") + len(_times(delivery.times)) + 3 + len(first) + len(later)
    if fixed + len(shown) + len(source) + 2 > width:
        shown = short_id(shown)
        # The arrival lines give each arrival's delay too, when their window starts at the
        # first arrival: dropped here, nothing is lost.
        if history.earlier == 0 and fixed + len(shown) + len(source) + 2 > width:
            later = ""
    style = "bold" if delivery.times > 1 else ""
    head = Text(no_wrap=True, end="")
    head.append("delivery ", "bold")
    head.append(shown, "wt.key")
    parts = [
        ("", head),
        (" ", Text(f"· {_times(delivery.times)}", style)),
        (" ", Text(first[1:] + later, style)),
        ("  ", Text(source, "wt.muted")),
    ]
    return flow(parts, width)


def answered_text(status: int | None) -> Text:
    """'answered 503' (the status in its colour), or 'answer awaited (relaying)' for None:
    what the sender got, as the detail and each arrival line say it."""
    text = Text(end="")
    if status is None:
        text.append("answer awaited (relaying)", "wt.muted")
    else:
        text.append("answered ", "wt.muted")
        text.append(str(status), status_style(status))
    return text


def _answer_text(answer: Answer) -> Text:
    text = answered_text(answer.status)
    if answer.status is not None and answer.forward_failed:
        text.append("  forward failed", "wt.error.text")
    return text


def arrival_lines(history: DeliveryHistory, current: CapturedRequest) -> list[Text]:
    """One line per arrival in the window: its capture, when, what it was answered; the shown
    capture marked ▸. Empty when the delivery came once."""
    delivery = history.delivery
    if delivery.times <= 1:
        return []
    lines: list[Text] = []
    if history.earlier:
        lines.append(Text(f"  … {history.earlier:,} earlier", "wt.muted", no_wrap=True, end=""))
    id_width = max((len(f"#{r.id}") for r, _ in history.arrivals), default=0)
    first = history.first
    for request, answer in history.arrivals:
        this = request.id == current.id
        line = Text(no_wrap=True, end="")
        line.append("▸ " if this else "  ", "bold")
        line.append(f"{f'#{request.id}':<{id_width}}", "bold" if this else "")
        if first is not None and request.id != first.id:
            when = format_offset(request.received_at - first.received_at)
        else:
            when = time.strftime("%H:%M:%S", time.localtime(request.received_at))
        line.append(f"  {when:<9} ", "wt.muted")
        line.append_text(_answer_text(answer))
        lines.append(line)
    if history.later:
        lines.append(Text(f"  … {history.later:,} later", "wt.muted", no_wrap=True, end=""))
    gone = delivery.times - delivery.kept
    if gone:
        plural = "s" if gone != 1 else ""
        note = f"  {gone:,} arrival{plural} no longer kept (deleted or evicted)"
        lines.append(Text(note, "wt.muted", no_wrap=True, end=""))
    return lines


def delivery_lines(
    history: DeliveryHistory, current: CapturedRequest, width: int
) -> list[tuple[Text, Value | None]]:
    """The summary line (which `y` copies the whole id from, on each of its rows), then the
    arrival lines."""
    label = history.delivery.source or "delivery id"
    value = (label, history.delivery.id)
    rows: list[tuple[Text, Value | None]] = [
        (line, value) for line in summary_lines(history, width)
    ]
    rows.extend((line, None) for line in arrival_lines(history, current))
    return rows
