"""The detail's head as text: request line, what the sender got, the delivery it is an
arrival of, signatures, attempts, query, headers and the body's title; and the value each
line holds (what `y` copies). An attempt's lines are attempt_lines.py's; the aligned
'name: value' rows of the query and headers, pair_rows.py's.

Everything here is built from sender data as rich Text (never markup), through `printable`.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING
from urllib.parse import unquote

from rich.cells import cell_len
from rich.text import Text

from whisper_tui.core.answers import latest_forward
from whisper_tui.core.contentviews import BodyView
from whisper_tui.core.models import (
    NOT_ANSWERED,
    Attempt,
    CapturedRequest,
    display_header_value,
)
from whisper_tui.core.responses import MODE_STATUS, ResponsePolicy
from whisper_tui.core.sanitize import printable
from whisper_tui.core.signatures import Verdict
from whisper_tui.core.sizes import format_size
from whisper_tui.ui.attempt_lines import attempt_lines
from whisper_tui.ui.delivery_lines import DeliveryHistory, answered_text, delivery_lines
from whisper_tui.ui.highlight import DEFAULT_COLOURS, SyntaxColours
from whisper_tui.ui.keys import name_keys
from whisper_tui.ui.pair_rows import pair_rows
from whisper_tui.ui.palette import status_style
from whisper_tui.ui.request_list import METHOD_STYLES
from whisper_tui.ui.text_flow import Piece, flow, pieces

if TYPE_CHECKING:
    from whisper_tui.ui.detail_copy import Value


@dataclass
class Head:
    """The head's lines, and for some of them (by index) the value `y` copies."""

    lines: list[Text] = field(default_factory=list)
    values: dict[int, Value] = field(default_factory=dict)
    body_at: int = 0
    """The index of the body's title line (0 until there is one)."""

    def add(self, line: Text, value: Value | None = None) -> None:
        if value is not None:
            self.values[len(self.lines)] = value
        self.lines.append(line)

    def extend(self, lines: list[Text]) -> None:
        self.lines.extend(lines)


def build_head(
    request: CapturedRequest | None,
    view: BodyView | None,
    width: int,
    verdicts: list[Verdict] | None = None,
    base_url: str = "http://127.0.0.1:8080",
    attempts: list[Attempt] | None = None,
    policy: ResponsePolicy | None = None,
    syntax: SyntaxColours = DEFAULT_COLOURS,
    history: DeliveryHistory | None = None,
    hidden: tuple[str, int] | None = None,
    hint: str = "",
    body_hint: str = "",
    keymap: Mapping[str, str] | None = None,
) -> Head:
    """Request line, summary, answer, delivery, signatures, attempts, query, headers and
    body title.

    `syntax`: the colours the latest attempt's answer is highlighted in (the theme's).
    `hidden`: with no request, (filter, captures) when a filter hides every capture.
    `hint`: 'T changes the replay target' with the key in effect (see attempt_lines).
    `body_hint`: the body mode and the key that changes it (body_modes.body_hint).
    `keymap`: the [keymap] in effect, for the keys `hidden`'s hint names.
    Every line fits `width`, query and header values too (w wraps only the body): a
    signature's value cut at the pane's edge hid what a user came to see."""
    head = Head()
    if request is None and hidden is not None:
        return nothing_matches(head, *hidden, keymap or {})
    if request is None:
        head.extend(waiting_lines(base_url, width))
        return head
    # In a narrow pane each head line flows onto more rows rather than past the edge.
    request_line = Text(no_wrap=True, end="")
    request_line.append(printable(request.method), METHOD_STYLES.get(request.method, "bold"))
    request_line.append(" ")
    request_line.append(printable(request.target), "bold")
    version = Text(request.version_text, "wt.muted")
    for row in flow(pieces(request_line, version, separator=" "), width):
        head.add(row, ("target", request.target))

    head.extend(summary_lines(request, width))
    if request.rejected:
        head.add(Text("rejected with 413: body over the --max-body limit", "wt.error", end=""))
    else:
        head.extend(flow(answer_pieces(request, policy, attempts or []), width))
    if history is not None:
        for line, value in delivery_lines(history, request, width):
            head.add(line, value)

    if verdicts:
        head.add(Text(""))
        for verdict in verdicts:
            head.extend(verdict_lines(verdict, width))

    if attempts:
        head.add(Text(""))
        head.add(section_title(f"Attempts ({len(attempts)}, latest first)"))
        for number, attempt in enumerate(reversed(attempts)):
            latest = number == 0
            head.extend(attempt_lines(attempt, width, latest, syntax, hint))

    params = request.query_params
    if params:
        head.add(Text(""))
        head.add(section_title(f"Query ({len(params)})"))
        for line, value in pair_rows(params, width, " =", "wt.param"):
            head.add(line, value)

    head.add(Text(""))
    head.add(section_title(f"Headers ({len(request.raw_headers)})"))
    shown = [(display_header_value(n), display_header_value(v)) for n, v in request.raw_headers]
    for line, value in pair_rows(shown, width, ":", "wt.name"):
        head.add(line, value)

    head.add(Text(""))
    title = section_title("Body")
    if request.rejected:  # only the announced size is known: nothing arrived to show
        title.append(
            f"  {format_size(request.size)}  not kept (over the --max-body limit)", "wt.muted"
        )
        head.add(title)
        return head
    if view is None:
        title.append(f"  decoding {format_size(len(request.body))}…", "wt.muted")
    else:
        title.append(f"  {format_size(request.size)}  {view.kind}", "wt.muted")
    shown_as = Text(f"({body_hint})" if body_hint and request.body else "", "wt.muted")
    head.body_at = len(head.lines)
    head.extend(flow(pieces(title, shown_as, separator=" "), width))  # a narrow pane: 2 rows
    if view is not None:
        # Our notes, not the sender's: flowed between words (cut at the pane's edge,
        # 'decoded gzip for display (72 B -> 56' hid the rest).
        for note in view.notes:
            head.extend(flow([("", Text(printable(note), "wt.note", end=""))], width))
        if view.kind == "empty" and not view.notes:
            head.add(Text("(empty)", "wt.muted", end=""))
    return head


# -- what the sender got ------------------------------------------------------------------------


def answer_reason(request: CapturedRequest, policy: ResponsePolicy | None) -> str:
    """Why whisper-tui answered what it did, as far as the settings tell (the capture keeps
    only the status): the --respond rule that matches, --status, or the 500/410/429 answer mode."""
    status = request.answered_status
    if policy is None or status == 200:
        return ""
    path = unquote(request.path)
    for rule in policy.rules:
        if rule.matches(request.method, path) and rule.status == status:
            return f"by --respond rule '{rule.text()}'"
    if status == policy.status:
        return "(--status)"
    if status in MODE_STATUS.values():
        return "(answer mode)"
    return ""


def summary_lines(request: CapturedRequest, width: int, today: float | None = None) -> list[Text]:
    """'#4  2026-12-01 03:24:39.817  from 127.0.0.1  62 B  application/json'; where that
    does not fit, a capture from `today` (default: now) drops its date, then parts flow."""
    at = time.localtime(request.received_at)
    millis = int((request.received_at % 1) * 1000)
    summary = [
        f"#{request.id}  {time.strftime('%Y-%m-%d %H:%M:%S', at)}.{millis:03d}",
        f"from {printable(request.remote)}",
        format_size(request.size),
        printable(request.content_type),
    ]
    same_day = time.localtime(time.time() if today is None else today)[:3] == at[:3]
    if same_day and sum(cell_len(part) + 2 for part in summary if part) - 2 > width:
        summary[0] = f"#{request.id}  {time.strftime('%H:%M:%S', at)}.{millis:03d}"
    return flow(pieces(*(Text(part, "wt.muted") for part in summary)), width)


def waiting_lines(base_url: str, width: int) -> list[Text]:
    """Before the first capture: a curl command that sends one, flowed as a shell command
    (each row but the last ends with a backslash, so a copied command still runs)."""
    # Options and their values are separate words, so a narrow pane can break between them.
    command = [
        Text("curl"),
        Text("-H"),
        Text("content-type:application/json"),  # no space, no quotes: fits a 38-cell pane
        Text("-d"),
        Text('\'{"hello":"world"}\''),
        Text(f"{base_url}/hooks/test"),
    ]
    lines = [Text(""), Text("  Waiting for requests…", "bold"), Text(""), Text("  Send one with:")]
    for row in flow(pieces(*command, separator=" "), max(width - 2, 20), indent=2, mark=" \\"):
        lines.append(Text("  ", end="") + row)
    return lines


def answer_pieces(
    request: CapturedRequest, policy: ResponsePolicy | None, attempts: list[Attempt]
) -> list[Piece]:
    """'answered 500 (answer mode)', then the latest forward's result when there is one."""
    status = request.answered_status
    answered = answered_text(None if status == NOT_ANSWERED else status)
    answered.no_wrap = True
    if reason := answer_reason(request, policy):
        answered.append(f" {reason}", "wt.muted")
    parts = [("", answered)]
    latest = latest_forward(attempts)
    if latest is not None:
        forward = Text("·  forward ", "wt.muted", end="")
        if latest.error or latest.status is None:
            forward.append("failed", "wt.error")
            forward.append(f": {printable(latest.error or 'no response')}", "wt.error.text")
        else:
            result = f"{latest.status} {printable(latest.reason)}"
            forward.append(result, status_style(latest.status))
        parts.append(("  ", forward))
    return parts


def answer_line(
    request: CapturedRequest, policy: ResponsePolicy | None, attempts: list[Attempt]
) -> Text:
    """The answer on one line (see answer_pieces)."""
    line = Text(no_wrap=True, end="")
    for separator, text in answer_pieces(request, policy, attempts):
        line.append(separator)
        line.append_text(text)
    return line


# -- signatures, the empty filter message, titles -----------------------------------------------


VERDICT_STYLES = {"verified": "wt.ok", "failed": "wt.error", "no-secret": "wt.warn"}


def nothing_matches(
    head: Head, text: str, captures: int, keymap: Mapping[str, str] | None = None
) -> Head:
    """The empty detail while a filter hides every capture: what hides them, how to undo it
    (with the keys `keymap` leaves in effect).

    Short lines, so a narrow pane shows them whole without wrap."""
    title = Text("  Nothing matches ", "bold")
    title.append(f"'{printable(text)}'", "wt.name")
    noun = "capture is" if captures == 1 else "captures are"
    hints = [
        f"  {captures:,} {noun} hidden by",
        name_keys("  the filter: {clear_filter} clears it,", keymap or {}),
        name_keys("  {filter} changes it.", keymap or {}),
    ]
    head.extend([Text(""), title, Text(""), *(Text(hint, "wt.muted") for hint in hints)])
    return head


def verdict_lines(verdict: Verdict, width: int) -> list[Text]:
    """'signature: verified (github)' or 'signature: failed (stripe): <reason>', wrapped."""
    line = Text(no_wrap=True, end="")
    line.append("signature: ", "bold")
    line.append(verdict.word, VERDICT_STYLES.get(verdict.status, "bold"))
    line.append(f" ({verdict.scheme})")
    if not verdict.reason:
        return [line]
    line.append(":")
    # Flowed a word at a time, the first row too: textwrap measured the first row past
    # 'signature: failed (stripe): ' and cut the word that did not fit there ('no v1 si' /
    # 'gnature'). A word wider than a whole row (a URL) is still cut in cells.
    words = [(" ", Text(word)) for word in printable(verdict.reason).split(" ") if word]
    return flow([("", line), *words], width, indent=4)


def section_title(label: str) -> Text:
    return Text(label, "bold underline", no_wrap=True, end="")
