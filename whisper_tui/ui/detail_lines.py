"""The detail's head as text: request line, what the sender got, the delivery it is an
arrival of, signatures, attempts, query, headers and the body's title; and the value each
line holds (what `y` copies).

Everything here is built from sender data as rich Text (never markup), through `printable`.
"""

from __future__ import annotations

import json
import re
import textwrap
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from urllib.parse import unquote

from rich.cells import cell_len, chop_cells
from rich.text import Text

from whisper_tui.core.answers import latest_forward
from whisper_tui.core.contentviews import BodyView, view_for
from whisper_tui.core.models import (
    NOT_ANSWERED,
    Attempt,
    CapturedRequest,
    display_header_value,
    first_header,
    header_values,
)
from whisper_tui.core.redaction import shown_url
from whisper_tui.core.responses import MODE_STATUS, ResponsePolicy
from whisper_tui.core.sanitize import printable
from whisper_tui.core.signatures import Verdict
from whisper_tui.core.sizes import format_size
from whisper_tui.core.targets import unreachable
from whisper_tui.ui.delivery_lines import DeliveryHistory, answered_text, delivery_lines
from whisper_tui.ui.highlight import DEFAULT_COLOURS, SyntaxColours, highlight_line
from whisper_tui.ui.keys import name_keys
from whisper_tui.ui.palette import status_style
from whisper_tui.ui.replay_actions import target_hint
from whisper_tui.ui.request_list import METHOD_STYLES
from whisper_tui.ui.text_flow import Piece, break_value, flow, pieces

MAX_NAME_WIDTH = 32
MIN_VALUE_WIDTH = 16
"""Cells a header or query value keeps beside the names before the name column narrows."""
ATTEMPT_BODY_LINES = 12

Value = tuple[str, str]
"""What a line holds for copying: (what it is, e.g. a header's name; the value)."""


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


# -- attempts, signatures, pairs ----------------------------------------------------------------


def indented_words(text: str, width: int, style: str) -> list[Text]:
    """`text` in rows of `width` indented by 4, broken between words only ('whisper-tui'
    stays whole)."""
    rows = textwrap.wrap(text, max(width - 4, 24), break_on_hyphens=False)
    return [Text("    " + row, style, no_wrap=True, end="") for row in rows]


def attempt_lines(
    attempt: Attempt,
    width: int,
    with_body: bool,
    syntax: SyntaxColours = DEFAULT_COLOURS,
    hint: str = "",
) -> list[Text]:
    """'replay -> URL  201 Created  12 ms', then (for the latest) the answer's body; in a
    narrow pane the status goes on the next row rather than past the edge.

    `hint`: under the latest replay when it could not reach its target, which key changes
    the target: the app's (replay_actions.target_hint(app), a keymap may move it), else the
    default key's."""
    line = Text(no_wrap=True, end="")
    line.append(f"{attempt.kind} ", "bold")
    line.append("→ ", "wt.muted")
    line.append(printable(shown_url(attempt.target_url)))
    if attempt.error:
        lines = flow(pieces(line, Text("failed", "wt.error")), width)
        lines.extend(indented_words(printable(attempt.error), width, "wt.error.text"))
        if with_body and attempt.kind == "replay" and unreachable(attempt):  # the latest
            lines.extend(indented_words(hint or target_hint(), width, "wt.muted"))
        return lines
    status = attempt.status or 0
    result = Text(f"{status} {printable(attempt.reason)}", status_style(status), end="")
    if attempt.latency is not None:
        result.append(f"  {attempt.latency * 1000:.0f} ms", "wt.muted")
    clock = Text(time.strftime("%H:%M:%S", time.localtime(attempt.started_at)), "wt.muted")
    lines = flow(pieces(line, result, clock), width)
    for note in attempt.notes:  # wrapped between words: cut at the edge, they said half
        lines.extend(indented_words(printable(note), width, "wt.note"))
    if not with_body:
        return lines
    content_type = first_header(attempt.response_headers, "content-type") or ""
    answer = view_for(
        attempt.response_body,
        content_type,
        header_values(attempt.response_headers, "content-encoding"),
    )
    kind = content_type or answer.kind
    lines.extend(answer_kind_lines(len(attempt.response_body), printable(kind), width))
    answer.lines.advance(ATTEMPT_BODY_LINES + 1)
    shown = min(len(answer.lines), ATTEMPT_BODY_LINES)
    for index in range(shown):
        text = Text("    ", end="")
        text.append_text(highlight_line(answer.lines[index], answer.lexer, *syntax))
        lines.append(text)
    if len(answer.lines) > shown or not answer.lines.complete:
        lines.append(Text("    … (answer continues; export the attempt to see it all)", "wt.muted"))
    return lines


def answer_kind_lines(size: int, kind: str, width: int) -> list[Text]:
    """'    answer: 334 B  application/json;' with what doesn't fit broken between words onto
    rows indented under the type ('charset=utf-8' under 'application'), not at column 1."""
    label = f"    answer: {size:,} B  "
    room = max(width - cell_len(label), 12)
    rows = textwrap.wrap(kind, room, break_on_hyphens=False) or [""]
    under = " " * cell_len(label)
    return [
        Text((label if number == 0 else under) + row, "wt.muted", no_wrap=True, end="")
        for number, row in enumerate(rows)
    ]


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


def pair_rows(
    pairs: list[tuple[str, str]],
    width: int,
    separator: str,
    name_style: str,
) -> list[tuple[Text, Value]]:
    """Aligned 'name: value' lines, each with the pair it shows; long values wrap under the
    value column (every piece of a wrapped value copies the whole value).

    Measured and wrapped in cells as the terminal draws them (a CJK character takes two).
    Values wrap after a space or a punctuation mark (text_flow.break_value), not mid-word.
    The name column takes at most a third of the pane and leaves values MIN_VALUE_WIDTH
    cells; a longer name whose value does not fit beside it gets a line of its own.
    """
    shown = [(printable(name), printable(value)) for name, value in pairs]
    longest = max((cell_len(name) for name, _ in shown), default=0)
    # Four cells besides the name: the separator, the space after it and a spare one.
    name_width = min(
        longest, MAX_NAME_WIDTH, max(width - 4 - MIN_VALUE_WIDTH, 1), max(width // 3, 1)
    )
    indent = " " * (name_width + len(separator) + 1)
    value_width = max(width - name_width - 4, 1)
    rows: list[tuple[Text, Value]] = []
    for pair, (shown_name, shown_value) in zip(pairs, shown, strict=True):
        name_cells = cell_len(shown_name)
        beside = name_cells <= name_width or (
            name_cells + len(separator) + 1 + cell_len(shown_value) <= width
        )
        if beside:
            line = _pair_line(shown_name, "", name_width, separator, name_style)
            room = value_width if name_cells <= name_width else width
        else:
            for piece in chop_cells(shown_name, max(width - len(separator), 1)):
                line = Text(piece, name_style, no_wrap=True, end="")
                rows.append((line, pair))
            line.append(separator, "wt.muted")
            line = Text(indent, no_wrap=True, end="")
            room = value_width
        chunks = break_value(shown_value, room, room) if shown_value else [""]
        if len(chunks) > 1 and room != value_width:
            chunks = break_value(shown_value, value_width, value_width)
        for number, chunk in enumerate(chunks):
            if number:
                line = Text(indent, no_wrap=True, end="")
            line.append(chunk)
            rows.append((line, pair))
    return rows


def _pair_line(name: str, value: str, name_width: int, separator: str, style: str) -> Text:
    """'name: value' with the value at the value column (after a longer name, a space)."""
    line = Text(no_wrap=True, end="")
    line.append(name, style)
    line.append(separator, "wt.muted")
    line.append(" " * (max(name_width - cell_len(name), 0) + 1))
    line.append(value)
    return line


def pair_lines(
    pairs: list[tuple[str, str]], width: int, separator: str, name_style: str
) -> list[Text]:
    """Aligned 'name: value' lines; long values wrap under the value column."""
    return [line for line, _ in pair_rows(pairs, width, separator, name_style)]


COPIED_SHOWN = 60
"""Characters of a copied value the notification shows."""


def copied_note(label: str, value: str) -> tuple[str, str]:
    """The notification (message, title) for a copied value: sanitized and cut short."""
    shown = printable(value)
    if len(shown) > COPIED_SHOWN:
        shown = shown[: COPIED_SHOWN - 1] + "…"
    return f"{printable(label)[:COPIED_SHOWN]}: {shown}", f"Copied {len(value):,} characters"


# -- the value on a body line -------------------------------------------------------------------

_JSON_MEMBER = re.compile(r'\s*(?:"((?:[^"\\]|\\.)*)"\s*:\s*)?(.*?),?\s*')


def body_line_value(line: str, lexer: str | None, kind: str) -> Value | None:
    """What `y` copies from a body line: a JSON line's value (strings unquoted), a form field's
    value, or else the line itself; None for a line that only opens an object or array."""
    if lexer == "json":
        match = _JSON_MEMBER.fullmatch(line)
        if match:
            key, literal = match.groups()
            label = _json_string(key) if key is not None else "value"
            if literal in ("{", "[", "}", "]"):
                return None
            try:
                value = json.loads(literal)
            except ValueError:
                return (label, literal) if key is not None else ("line", line.strip())
            return (label, value if isinstance(value, str) else literal)
    if kind == "form" and " = " in line:
        name, value = line.split(" = ", 1)
        return (name, value)
    stripped = line.strip()
    return ("line", stripped) if stripped else None


def _json_string(escaped: str) -> str:
    try:
        decoded = json.loads(f'"{escaped}"')
    except ValueError:
        return escaped
    return decoded if isinstance(decoded, str) else escaped
