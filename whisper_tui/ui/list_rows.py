"""One row of the request list as (text, style) pieces, and the columns it is laid out in.

Columns: mark, signature, repeat (`↻2`: the second arrival of one delivery), time, method,
path, size, answer (what the sender got, and `!` when the forward to --forward failed), type.
The marker columns are as wide as the session's captures need (RowShape). The path takes
what the others leave; the optional columns (time, the long size, type)
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
TIME_WIDTH = 8
METHOD_WIDTH = 7
"""OPTIONS, the longest method the list has a colour for; a longer one is cut to it."""
METHOD_TITLE_WIDTH = len("Method")
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


@dataclass(frozen=True, slots=True)
class RowShape:
    """How wide the columns before the path are, from what the session's captures need.

    A marker column is only as wide as its widest marker so far: none for signatures until
    a signed capture came, none for repeats until a delivery came twice, two cells up to
    `↻9`. At 80 columns the list had four blank cells before every method. The mark
    column (`●`) is always there: unmarked, it is the space after the focus bar.
    """

    signed: bool = True
    repeat: int = REPEAT_WIDTH
    method: int = METHOD_WIDTH

    @property
    def lead(self) -> int:
        """Mark, signature, repeat, and a space when either marker column is there."""
        markers = int(self.signed) + self.repeat
        return 1 + markers + (1 if markers else 0)

    @property
    def base(self) -> int:
        """Every row: lead, method and space, the space after the path, compact size, answer."""
        return self.lead + self.method + 1 + 1 + COMPACT_SIZE_WIDTH + 1 + ANSWER_WIDTH

    @property
    def full(self) -> int:
        """A row with every column, its path excluded."""
        return self.base + TIME_WIDTH + 1 + (SIZE_WIDTH - COMPACT_SIZE_WIDTH) + TYPE_WIDTH


WIDEST = RowShape()
"""Every marker column at its widest (for rows laid out without a session: tests, tools)."""


def shape_for(signed: bool, most_arrivals: int, longest_method: int) -> RowShape:
    """The columns a session's captures need: any signed, the most arrivals of a delivery,
    the longest method (never narrower than its title)."""
    repeat = 0 if most_arrivals < 2 else cell_len(repeat_marker(most_arrivals))
    method = min(max(longest_method, METHOD_TITLE_WIDTH), METHOD_WIDTH)
    return RowShape(signed, repeat, method)


@dataclass(frozen=True, slots=True)
class Columns:
    """Which columns a row of a given width shows, and how wide its path is."""

    time: bool
    size_width: int
    type: bool
    path_width: int


def columns_for(width: int, shape: RowShape = WIDEST) -> Columns:
    """The layout of a row drawn in `width` cells (rows leave the last cell blank)."""
    room = width - 1 - shape.base
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


def row_width_for(path_cells: int, shape: RowShape = WIDEST) -> int:
    """Cells a row needs to show every column and a path this long whole."""
    return shape.full + max(path_cells, PATH_ROOM_FOR_TYPE) + 1


LIST_CHROME = 1
"""Cells beside the rows: the list's left border (app.tcss). The vertical scrollbar takes
the blank cell that ends every row (RequestList.row_layout_width)."""

DETAIL_KEEPS = 42
"""Cells the detail keeps at least (or 40% of the screen, whichever is more). At 80 columns
the list takes 38, its marker columns narrower (RowShape) so '/hooks/shopify'
still fits: 40 left the detail 36 cells of text."""
LIST_LEAST = 32


def list_width(screen_width: int, longest_path: int, shape: RowShape = WIDEST) -> int:
    """The list's width: what its rows need, within a share of the screen.

    The detail keeps at least DETAIL_KEEPS cells or 40% of the screen, whichever is more;
    the list never shrinks below LIST_LEAST cells (or half a narrow screen) however short
    its paths.
    """
    needed = row_width_for(longest_path, shape) + LIST_CHROME
    most = screen_width - max(DETAIL_KEEPS, screen_width * 2 // 5)
    least = min(LIST_LEAST, screen_width // 2)
    return max(least, min(needed, most))


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
    shape: RowShape = WIDEST,
) -> list[tuple[str, str]]:
    """One list row as (text, style) pieces: mark, signature, repeat, time, method, path,
    size, answer, type. One cell short of `width`.

    `arrival`: which arrival of its delivery this capture is, when the delivery came more
    than once (0 otherwise): retries stand out, the first arrival is dim.
    """
    columns = columns_for(width, shape)
    answer = answer or Answer(413 if request.rejected else request.answered_status)
    method = printable(request.method)[: shape.method]
    if columns.size_width == SIZE_WIDTH:
        size = format_size(request.size)
    else:
        size = compact_size(request.size)
    # Measured in cells, not characters: a CJK character or an emoji takes two.
    path = shorten_middle(printable(request.target), columns.path_width)
    status = "…" if answer.status is None else str(answer.status)[:3]
    pieces = [("●" if marked else " ", "wt.mark")]
    if shape.signed:
        pieces.append((marker or " ", SIGNATURE_STYLES.get(marker, "")))
    if shape.repeat:
        repeat = f"{repeat_marker(arrival):<{shape.repeat}}"[: shape.repeat]
        pieces.append((repeat, "wt.warn" if arrival > 1 else "wt.muted"))
    if shape.signed or shape.repeat:
        pieces.append((" ", ""))
    if columns.time:
        pieces.append((time.strftime("%H:%M:%S", time.localtime(request.received_at)), "wt.muted"))
        pieces.append((" ", ""))
    pieces += [
        (f"{method:<{shape.method}}", METHOD_STYLES.get(request.method, "bold")),
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


def column_header(width: int, shape: RowShape = WIDEST) -> Text:
    """Column titles aligned with row_pieces' layout."""
    columns = columns_for(width, shape)
    title = " " * shape.lead
    if columns.time:
        title += f"{'Time':<{TIME_WIDTH}} "
    title += f"{'Method':<{shape.method}} {'Path':<{columns.path_width}} "
    title += f"{'Size':>{columns.size_width}} {'Ans':>3} "
    if columns.type:
        title += f" {'Type':<{TYPE_WIDTH - 1}}"
    return Text(title, no_wrap=True, overflow="crop")
