"""The diff's rows on screen: each half wrapped at its width, the two halves kept level.

Long lines wrap rather than being cut: cut at 60-80 columns, a change past the cut (the end
of a long JSON string, a Stripe-Signature's v1) showed only in the summary. Wrapping in each
half is what delta, difftastic and GitHub's split view do: a row takes as many screen lines
as its longer half, the shorter half is padded with blank lines, so the next row starts
level on both sides and every line of a change is read beside its counterpart. Scrolling
sideways (vimdiff, meld) was the other way: it shows one window of every row at once, so
reading the end of one long value moves all the others out of sight, and at 80 columns the
user could not tell that a row goes on. Lines wrap as the detail's header values do, after a
space or a mark (text_flow.break_value), else at any character: the long values here
(signatures, ids, base64) mostly have nowhere better, and then each line's columns stay
where they are on the other side.
"""

from __future__ import annotations

from array import array
from bisect import bisect_right
from collections.abc import Mapping, Sequence

from rich.cells import cell_len
from rich.text import Text

from whisper_tui.core.diff import DiffRow, Folded, inline_changes
from whisper_tui.core.sanitize import printable
from whisper_tui.ui.keys import name_keys
from whisper_tui.ui.text_flow import CONTINUED, break_value

NUMBER_WIDTH = 5
MARK_WIDTH = 1
"""After the line number: '-' on a removed or changed line's left, '+' on its right, so a
change reads without colour (NO_COLOR, 16 colours, colour-blind readers)."""
MARKS = {"left": "-", "right": "+"}
# CONTINUED (text_flow's, the detail's too) is in the number column of a wrapped line's
# second and later screen lines.
DIVIDER = "│"

# Named styles, resolved from the theme (palette.py: tints of its error and success hues, text
# readable on them); the diff view's caches are emptied when the theme changes.
STYLES = {
    "deleted": "wt.deleted",
    "inserted": "wt.inserted",
    "deleted-strong": "wt.deleted-strong",
    "inserted-strong": "wt.inserted-strong",
    "number": "wt.muted",
    "section": "bold underline",
    "fold": "wt.muted italic",
    "cursor": "wt.cursor",
}

Spans = list[tuple[int, int]]
Item = DiffRow | Folded


def half_widths(width: int) -> tuple[int, int]:
    """Cells of the left and the right half of a row `width` cells wide (the divider between)."""
    left = (width - 1) // 2
    return left, width - left - 1


def text_room(half: int) -> int:
    """Cells left for the text in a half, after the line number and the change mark."""
    return max(half - NUMBER_WIDTH - MARK_WIDTH, 1)


def wrap_starts(text: str, room: int) -> list[int]:
    """Where each screen line of `text` (printable) starts when wrapped at `room` cells: after
    a space or a mark where one leaves the line a third full (text_flow.break_value, the
    detail's rule: 'application/json; ' + 'charset=utf-8', not 'c' + 'harset'), else at the
    edge (a signature's hex); a wide character that would straddle the edge starts the next
    line."""
    if len(text) <= room and (text.isascii() or cell_len(text) <= room):
        return [0]  # one line: most rows, measured without splitting
    starts, at = [], 0
    for row in break_value(text, room, room):
        starts.append(at)
        at += len(row)
    return starts


def emphasis(row: DiffRow) -> tuple[Spans, Spans, bool]:
    """Character spans that differ on each side of a changed row, and whether the sides are
    spelled out: sides that differ only in what display leaves out (a skin tone, a joiner)
    would look the same, so the difference is shown spelled out (see printable)."""
    if row.kind != "changed" or row.left is None or row.right is None:
        return [], [], False
    if printable(row.left) == printable(row.right):
        return [], [], True
    left, right = inline_changes(row.left, row.right)
    return left, right, False


def first_change_line(item: Item, width: int) -> int:
    """The screen line within a changed row where its first differing characters are (0 for
    any other item): `n` shows it even when the row is taller than the screen."""
    if not isinstance(item, DiffRow) or item.kind != "changed":
        return 0
    left_spans, right_spans, spell = emphasis(item)
    room = text_room(half_widths(width)[0])
    lines = []
    for text, spans in ((item.left, left_spans), (item.right, right_spans)):
        if text is not None and spans:
            starts = wrap_starts(printable(text, spell_dropped=spell), room)
            lines.append(bisect_right(starts, spans[0][0]) - 1)
    return min(lines, default=0)


def _lines_of(text: str | None, room: int, spell: bool) -> int:
    if text is None:
        return 1
    if len(text) <= room and text.isascii() and text.isprintable():  # printable() keeps it
        return 1
    return len(wrap_starts(printable(text, spell_dropped=spell), room))


def item_height(item: Item, width: int) -> int:
    """Screen lines an item takes at `width`: a fold or a section title one, a row its
    longer half's."""
    if not isinstance(item, DiffRow) or item.kind == "section":
        return 1
    room = text_room(half_widths(width)[0])
    spell = (
        item.kind == "changed"
        and item.left is not None
        and item.right is not None
        and printable(item.left) == printable(item.right)
    )
    return max(_lines_of(item.left, room, spell), _lines_of(item.right, room, spell))


def item_starts(items: Sequence[Item], width: int) -> array[int]:
    """The first screen line of each item at `width`, then the lines in all."""
    left_room = right_room = text_room(half_widths(width)[0])
    starts = array("q", [0])
    append = starts.append
    total = 0
    for item in items:
        # Inlined for the common row, short printable ASCII on both sides (one line): a
        # megabyte body's 77,000 rows are laid out again at every resize, on the loop.
        if item.__class__ is DiffRow and item.kind != "section":  # type: ignore[union-attr]
            left, right = item.left, item.right  # type: ignore[union-attr]
            if (
                left is None or (len(left) <= left_room and left.isascii() and left.isprintable())
            ) and (
                right is None
                or (len(right) <= right_room and right.isascii() and right.isprintable())
            ):
                total += 1
            else:
                total += item_height(item, width)
        else:
            total += 1
        append(total)
    return starts


def locate(starts: array[int], line: int) -> tuple[int, int]:
    """(item, screen line within it) of screen line `line` (item_starts' starts)."""
    item = bisect_right(starts, line) - 1
    return item, line - starts[item]


def half_lines(
    text: str | None,
    number: int | None,
    width: int,
    side: str,
    spans: Spans,
    kind: str,
    spell: bool = False,
) -> list[Text]:
    """One half of a row, wrapped: the line number (then CONTINUED on later lines), the change
    mark on every line of a change, and the text coloured by kind, each line exactly `width`
    cells. `spell`: what display leaves out is spelled out (see printable)."""
    room = text_room(width)
    changed = text is not None and kind in ("changed", "deleted", "inserted")
    tint = "deleted" if side == "left" else "inserted"
    mark = (MARKS[side], STYLES[f"{tint}-strong"]) if changed else (" ", "")
    if text is None:
        return [blank_half(width)]
    shown = printable(text, spell_dropped=spell)
    body = Text(shown, end="")
    if changed:
        body.stylize(STYLES[tint])
        for start, end in spans:
            body.stylize(STYLES[f"{tint}-strong"], start, end)
    starts = wrap_starts(shown, room)
    lines = []
    for index, piece in enumerate(body.divide(starts[1:])):
        line = Text(no_wrap=True, end="")
        if index:
            line.append(f"{CONTINUED:>{NUMBER_WIDTH - 1}} ", STYLES["number"])
        elif number is not None:
            line.append(f"{number:>{NUMBER_WIDTH - 1}} ", STYLES["number"])
        else:
            line.append(" " * NUMBER_WIDTH)
        line.append(*mark)
        # Padded in cells as Textual measures them (a CJK character or an emoji takes two),
        # so the divider stays in one column whatever the lines hold.
        piece.truncate(room, overflow="ellipsis", pad=True)
        line.append_text(piece)
        lines.append(line)
    return lines


def blank_half(width: int) -> Text:
    """A half with nothing in it: a gap in the other side's run, or under a shorter half."""
    return Text(" " * width, no_wrap=True, end="")


def row_lines(row: DiffRow, width: int) -> list[Text]:
    """A row's screen lines at `width`: both halves wrapped, the shorter padded below.

    Both halves wrap at the same width (an odd cell left over goes after the right one), so
    text the two sides share breaks at the same places and a change stands at the same
    column on both."""
    half, right_width = half_widths(width)
    left_spans, right_spans, spell = emphasis(row)
    left = half_lines(row.left, row.left_number, half, "left", left_spans, row.kind, spell)
    right = half_lines(row.right, row.right_number, half, "right", right_spans, row.kind, spell)
    height = max(len(left), len(right))
    left += [blank_half(half)] * (height - len(left))
    right += [blank_half(half)] * (height - len(right))
    lines = []
    for left_line, right_line in zip(left, right, strict=True):
        line = left_line.copy()
        line.append(DIVIDER, "wt.muted")
        line.append_text(right_line)
        line.pad_right(right_width - half)
        if row.volatile:
            line.stylize("wt.volatile")
        lines.append(line)
    return lines


def item_lines(item: Item, width: int, keymap: Mapping[str, str] | None = None) -> list[Text]:
    """An item's screen lines: a fold's placeholder (naming the key `keymap` leaves to expand
    it), a section's title, or a row's lines."""
    if isinstance(item, Folded):
        expands = name_keys("({diff_expand} expands)", keymap or {})
        return [Text(f"      ⋯ {item.count:,} equal lines {expands}", STYLES["fold"])]
    if item.kind == "section":
        return [Text(printable(item.left or item.right or ""), STYLES["section"])]
    return row_lines(item, width)
