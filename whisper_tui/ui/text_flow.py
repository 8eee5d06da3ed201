"""Lay a line's pieces into rows of a width, breaking only between pieces.

The detail's head lines (request line, summary, answer, attempts, delivery) are short
pieces side by side; in a narrow pane the pieces that do not fit go on the next row rather
than past the edge, where nobody sees them. A piece wider than a whole row is cut after a
space ('connection refused to ...' never as 'refu' / 'sed'); a word wider than a row (a URL)
fills the row and is cut in cells (a CJK character or an emoji takes two); a shell command's
words always stay whole.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from rich.cells import cell_len, chop_cells
from rich.console import Console, ConsoleOptions, RenderResult
from rich.text import Text

_NUMBER_THEN_UNIT = re.compile(r"\d (?:[KMGT]i?B|B|ms|s)\b")
"""A space that joins a number to its unit ('2.4 MB', '72 B', '15 s'): never a row's end."""

CONTINUED = "↪"
"""What starts a wrapped line's second and later screen rows, wherever lines wrap: the diff's
number column, the detail's wrapped lines (`w`). One marker, so it reads the same in both."""

Piece = tuple[str, Text]
"""(separator, text): the separator goes before the text unless it starts a row."""


def pieces(*texts: Text, separator: str = "  ") -> list[Piece]:
    """Pieces with one separator between each (none before the first)."""
    return [("" if number == 0 else separator, text) for number, text in enumerate(texts)]


def flow(parts: Sequence[Piece], width: int, indent: int = 2, mark: str = "") -> list[Text]:
    """Rows of at most `width` cells; each row after the first starts with `indent` spaces;
    `mark` ends each row that another follows (' \\' for a shell command)."""
    width = max(width, indent + len(mark) + 2)
    rows: list[Text] = []
    row = Text(no_wrap=True, end="")
    for separator, text in parts:
        if not text.plain:
            continue
        if row.plain.strip():
            if row.cell_len + len(separator) + text.cell_len + _marked(parts, text, mark) <= width:
                row.append(separator)
                row.append_text(text)
                continue
            rows.append(_end(row, mark))
            row = Text(" " * indent, no_wrap=True, end="")
        if mark:
            # A shell command's word cut in two with ` \` between is another command (the
            # backslash and newline stay inside quotes): a word wider than a row keeps its
            # row, whole, past the edge.
            chunks = [text]
        else:
            chunks = _chop(text, width - row.cell_len - len(mark), width - indent - len(mark))
        for chunk in chunks[:-1]:
            row.append_text(chunk)
            rows.append(_end(row, mark))
            row = Text(" " * indent, no_wrap=True, end="")
        row.append_text(chunks[-1])
    rows.append(row)
    return rows


def _marked(parts: Sequence[Piece], text: Text, mark: str) -> int:
    # The last piece never needs room for the mark: no row follows it.
    return 0 if text is parts[-1][1] else len(mark)


def _end(row: Text, mark: str) -> Text:
    if mark:
        row.append(mark, "wt.muted")
    return row


def _chop(text: Text, first: int, rest: int) -> list[Text]:
    """`text` cut into a first chunk of at most `first` cells and the rest of at most `rest`
    cells each: after a space when the chunk has one (words stay whole), else in cells."""
    if text.cell_len <= first:
        return [text]
    plain = text.plain
    offsets = []
    at = 0
    limit = max(first, 1)
    while True:
        # A window one character past the limit: as wide as the rest, or wider than a row.
        window = plain[at : at + limit + 1]
        if at + len(window) == len(plain) and cell_len(window) <= limit:
            break
        head = chop_cells(window, limit)[0]
        cut = len(head)
        space = head.rfind(" ")
        while space > 0 and _NUMBER_THEN_UNIT.match(plain, at + space - 1):
            space = head.rfind(" ", 0, space)  # '2.4' at a row's end, 'MB' on the next
        glued = plain[at + cut] == " " and _NUMBER_THEN_UNIT.match(plain, at + cut - 1)
        if (plain[at + cut] != " " or glued) and space > 0:
            # The word cut here goes whole to the next row when a row can hold it (the
            # space ends this row, unseen); a longer one (a URL) fills this row first.
            start = at + space + 1
            following = plain[start : start + rest + 1]  # enough to tell (no scan to the end)
            word = following.split(" ", 1)[0]
            whole = " " in following or start + len(following) == len(plain)
            if whole and cell_len(word) <= rest:
                cut = space + 1
        if cut == len(head) and plain[at + cut] != " ":
            # Inside a word too long to move (a URL): after its last mark, not mid-word
            # ('http://127.0.0.1:18300/app/ho' + 'oks/svix'). Spaces were weighed above.
            marked = mark_cut(head, plain[at + 1 : at + cut + 1], limit, MARK_BREAKS)
            cut = marked if marked > space + 1 else cut
        at += cut
        offsets.append(at)
        limit = max(rest, 1)
    return list(text.divide(offsets))


class Flowed:
    """Pieces flowed at whatever width they are drawn in (a Static's content that lays
    itself out again when the terminal is resized)."""

    def __init__(self, parts: Sequence[Piece], indent: int = 0) -> None:
        self.parts = list(parts)
        self.indent = indent

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        rows = flow(self.parts, options.max_width, self.indent)
        yield Text("\n").join(rows)


VALUE_BREAKS = frozenset(" ,;&/-=|+")
"""A value's row may end after one of these: 'application/x-www-' + 'form-urlencoded',
'Python-urllib/' + '3.11', 't=1714265330,' + 'v1=6c53…' (never after '.': '3.' + '11')."""


MARK_BREAKS = VALUE_BREAKS - {" "}
"""The marks alone: where flow may end a row inside a word it can't move whole."""


def mark_cut(head: str, following: str, limit: int, marks: frozenset[str] = VALUE_BREAKS) -> int:
    """Where a row holding `head` (of a row `limit` cells wide) may end instead of inside a
    word: after its last space or mark (VALUE_BREAKS), never inside a run of marks
    ('https:/' + '/stripe.com'), when that leaves the row at least a third full; else 0.
    `following[i]` is the character after `head[i]`. The one rule for values (break_value)
    and the detail's head lines (flow: an attempt's URL)."""
    breaks = (i for i, c in enumerate(head) if c in marks)
    best = max((i for i in breaks if following[i] not in marks), default=-1) + 1
    return best if best and cell_len(head[:best]) * 3 >= limit else 0


def break_value(value: str, first: int, rest: int) -> list[str]:
    """`value` in rows of at most `first` cells, then `rest`: each row ends after a space
    or a punctuation mark (VALUE_BREAKS) when one leaves it at least a third full, else in
    cells (a signature's hex has nowhere better). The rows joined are the value."""
    rows: list[str] = []
    at = 0
    limit = max(first, 1)
    while cell_len(value[at:]) > limit:
        head = chop_cells(value[at : at + limit + 1], limit)[0]
        cut = len(head)
        if value[at + cut] != " ":
            cut = mark_cut(head, value[at + 1 : at + cut + 1], limit) or cut
        rows.append(value[at : at + cut])
        at += cut
        limit = max(rest, 1)
    rows.append(value[at:])
    return rows
