"""One row of the request list as (text, style) pieces, and the columns it is laid out in.

Columns: mark, signature, repeat (`↻2`: the second arrival of one delivery), time, method,
path, size, answer (what the sender got, and `!` when the forward to --forward failed), type.
The path takes what the others leave; the optional columns (time, the long size, type)
appear only while the path keeps room to stay readable, and a path too long for its column
is shortened in the middle, in cells.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from rich.cells import cell_len, get_character_cell_size, set_cell_size
from rich.text import Text

from whisper_tui.core.answers import FORWARD_FAILED, Answer
from whisper_tui.core.deliveries import repeat_marker
from whisper_tui.core.models import CapturedRequest
from whisper_tui.core.sanitize import printable
from whisper_tui.core.sizes import format_size

# Styles are names from palette.py (the theme's colours, made readable), never colours.
METHOD_STYLES = {
    "GET": "wt.method.get",
    "POST": "wt.method.post",
    "PUT": "wt.method.put",
    "PATCH": "wt.method.patch",
    "DELETE": "wt.method.delete",
    "HEAD": "wt.method.other",
    "OPTIONS": "wt.method.other",
}
SIGNATURE_STYLES = {"✓": "wt.ok", "✗": "wt.error", "?": "wt.warn"}
REPEAT_WIDTH = 3
"""The repeat marker: `↻` and the arrival's number up to 99 (`99+` past it)."""
LEAD_WIDTH = 3 + REPEAT_WIDTH
"""Mark, signature marker, repeat marker, space."""
TIME_WIDTH = 8
METHOD_WIDTH = 7
SIZE_WIDTH = 9
COMPACT_SIZE_WIDTH = 4
ANSWER_WIDTH = 4
"""Three digits and the failed-forward mark."""
TYPE_WIDTH = 18
ELLIPSIS = "…"

# The path keeps at least this many cells before each optional column is given room.
PATH_ROOM_FOR_TIME = 16
PATH_ROOM_FOR_LONG_SIZE = 20
PATH_ROOM_FOR_TYPE = 24

_BASE_WIDTH = LEAD_WIDTH + METHOD_WIDTH + 1 + 1 + COMPACT_SIZE_WIDTH + 1 + ANSWER_WIDTH
"""Every row: lead, method and space, the space after the path, compact size, answer."""
FULL_WIDTH = _BASE_WIDTH + TIME_WIDTH + 1 + (SIZE_WIDTH - COMPACT_SIZE_WIDTH) + TYPE_WIDTH
"""A row with every column, its path excluded."""


@dataclass(frozen=True, slots=True)
class Columns:
    """Which columns a row of a given width shows, and how wide its path is."""

    time: bool
    size_width: int
    type: bool
    path_width: int


def columns_for(width: int) -> Columns:
    """The layout of a row drawn in `width` cells (rows leave the last cell blank)."""
    room = width - 1 - _BASE_WIDTH
    show_time = room - (TIME_WIDTH + 1) >= PATH_ROOM_FOR_TIME
    if show_time:
        room -= TIME_WIDTH + 1
    long_size = room - (SIZE_WIDTH - COMPACT_SIZE_WIDTH) >= PATH_ROOM_FOR_LONG_SIZE
    if long_size:
        room -= SIZE_WIDTH - COMPACT_SIZE_WIDTH
    show_type = room - TYPE_WIDTH >= PATH_ROOM_FOR_TYPE
    if show_type:
        room -= TYPE_WIDTH
    size_width = SIZE_WIDTH if long_size else COMPACT_SIZE_WIDTH
    return Columns(show_time, size_width, show_type, max(room, 1))


def row_width_for(path_cells: int) -> int:
    """Cells a row needs to show every column and a path this long whole."""
    return FULL_WIDTH + max(path_cells, PATH_ROOM_FOR_TYPE) + 1


def short_type(content_type: str) -> str:
    """'application/json' -> 'json', 'application/x-www-form-urlencoded' -> 'form'."""
    if not content_type:
        return ""
    if content_type == "application/x-www-form-urlencoded":
        return "form"
    kind = content_type.split("/", 1)[-1]
    return kind.removeprefix("vnd.").removeprefix("x-")


def compact_size(size: int) -> str:
    """Four cells at most: '512B', '3.4K', '340K', '5.0M', '12G'."""
    if size < 1000:
        return f"{size}B"
    value = float(size)
    for unit in "KMG":
        value /= 1000
        if value < 999.5 or unit == "G":
            return f"{value:.1f}{unit}" if value < 9.95 else f"{value:.0f}{unit}"
    return f"{size}B"  # pragma: no cover - the loop always returns


def tail_cells(text: str, cells: int) -> str:
    """The end of text that fits in `cells` (a wide character that would not fit is left out)."""
    used = 0
    start = len(text)
    while start > 0:
        size = get_character_cell_size(text[start - 1])
        if used + size > cells:
            break
        used += size
        start -= 1
    return text[start:]


def head_cells(text: str, cells: int) -> str:
    """The start of text that fits in `cells`, never half a wide character."""
    used = 0
    for index, character in enumerate(text):
        size = get_character_cell_size(character)
        if used + size > cells:
            return text[:index]
        used += size
    return text


def shorten_middle(path: str, width: int) -> str:
    """A path that fits `width` cells, shortened in the middle: '/hooks/…/invoice.paid'.

    One rule for every path: its start, '…', then its end (where deliveries differ most: the
    last segment, the query). The start is the first segment ('/hooks/', '/health' before a
    query) given at most half the room; the end takes the rest. '/hooks/stripe?attempt=1'
    lost its '/hooks/' while '/health?verbose=1' kept its start, by two rules.
    """
    if cell_len(path) <= width:
        return path
    if width <= 1:
        return ELLIPSIS[:width]
    keep = width - 1
    head = head_cells(path[: _first_segment_end(path)], (keep + 1) // 2)
    return head + ELLIPSIS + tail_cells(path[len(head) :], keep - cell_len(head))


def shorten_url(url: str, width: int) -> str:
    """A URL that fits `width` cells: its origin kept whole where it leaves room, and the rest
    shortened by the paths' rule ('https://pub.example/myapp…bar=2'); an origin that
    doesn't fit is shortened with the rest as one text."""
    if cell_len(url) <= width or width <= 1:
        return url if cell_len(url) <= width else ELLIPSIS[:width]
    scheme, sep, rest = url.partition("://")
    origin = scheme + sep + rest.split("/", 1)[0].split("?", 1)[0] if sep else ""
    room = width - cell_len(origin)
    if not origin or room < 8:  # a path cut to a few cells says nothing: keep both ends
        return head_cells(url, (width + 1) // 2) + ELLIPSIS + tail_cells(url, (width - 2) // 2)
    return origin + shorten_middle(url[len(origin) :], room)


def _first_segment_end(path: str) -> int:
    """Where the first segment ends: after the slash that follows it, or before its query."""
    for index, character in enumerate(path):
        if index > 0 and character == "/":
            return index + 1
        if character == "?":
            return index
    return len(path)


def _answer_style(answer: Answer) -> str:
    status = answer.status
    if status is None:
        return "wt.muted"
    if status >= 500 or status == 413:
        return "wt.error"
    if status >= 400:
        return "wt.warn"
    return "wt.muted" if 200 <= status < 300 else "bold"


def row_pieces(
    request: CapturedRequest,
    width: int,
    marker: str = "",
    marked: bool = False,
    answer: Answer | None = None,
    arrival: int = 0,
) -> list[tuple[str, str]]:
    """One list row as (text, style) pieces: mark, signature, repeat, time, method, path,
    size, answer, type. One cell short of `width`.

    `arrival`: which arrival of its delivery this capture is, when the delivery came more
    than once (0 otherwise): retries stand out, the first arrival is dim.
    """
    columns = columns_for(width)
    answer = answer or Answer(413 if request.rejected else request.answered_status)
    method = printable(request.method)[:METHOD_WIDTH]
    if columns.size_width == SIZE_WIDTH:
        size = format_size(request.size)
    else:
        size = compact_size(request.size)
    # Measured in cells, not characters: a CJK character or an emoji takes two.
    path = shorten_middle(printable(request.target), columns.path_width)
    status = "…" if answer.status is None else str(answer.status)[:3]
    pieces = [
        ("●" if marked else " ", "wt.mark"),
        (marker or " ", SIGNATURE_STYLES.get(marker, "")),
        (f"{repeat_marker(arrival):<{REPEAT_WIDTH}}", "wt.warn" if arrival > 1 else "wt.muted"),
        (" ", ""),
    ]
    if columns.time:
        pieces.append((time.strftime("%H:%M:%S", time.localtime(request.received_at)), "wt.muted"))
        pieces.append((" ", ""))
    pieces += [
        (f"{method:<{METHOD_WIDTH}}", METHOD_STYLES.get(request.method, "bold")),
        (" ", ""),
        (set_cell_size(path, columns.path_width), ""),
        (" ", ""),
        (f"{size:>{columns.size_width}}", "wt.error" if request.rejected else ""),
        (" ", ""),
        (f"{status:>3}", _answer_style(answer)),
        (FORWARD_FAILED if answer.forward_failed else " ", "wt.error"),
    ]
    if columns.type:
        kind = printable(short_type(request.content_type))[: TYPE_WIDTH - 1]
        pieces.append((" ", ""))
        pieces.append((f"{kind:<{TYPE_WIDTH - 1}}", "wt.muted"))
    return pieces


def column_header(width: int) -> Text:
    """Column titles aligned with row_pieces' layout."""
    columns = columns_for(width)
    title = " " * LEAD_WIDTH
    if columns.time:
        title += f"{'Time':<{TIME_WIDTH}} "
    title += f"{'Method':<{METHOD_WIDTH}} {'Path':<{columns.path_width}} "
    title += f"{'Size':>{columns.size_width}} {'Ans':>3} "
    if columns.type:
        title += f" {'Type':<{TYPE_WIDTH - 1}}"
    return Text(title, no_wrap=True, overflow="crop")
