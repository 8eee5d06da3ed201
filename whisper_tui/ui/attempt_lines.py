"""An attempt (a forward or replay) in the detail's head: target, status, latency and
notes, and for the latest one the start of the answer's body, highlighted; or the error, and
under a replay that could not reach its target the key that changes it.

Built from sender and target data as rich Text (never markup), through `printable`.
"""

from __future__ import annotations

import textwrap
import time

from rich.cells import cell_len
from rich.text import Text

from whisper_tui.core.contentviews import view_for
from whisper_tui.core.models import Attempt, first_header, header_values
from whisper_tui.core.redaction import shown_url
from whisper_tui.core.sanitize import printable
from whisper_tui.core.targets import unreachable
from whisper_tui.ui.highlight import DEFAULT_COLOURS, SyntaxColours, highlight_line
from whisper_tui.ui.palette import status_style
from whisper_tui.ui.replay_actions import target_hint
from whisper_tui.ui.text_flow import flow, pieces

ATTEMPT_BODY_LINES = 12


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
