"""Aligned 'name: value' rows (the detail's query and headers), each with the pair it shows
(what `y` copies); long values wrap under the value column, measured in cells.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.cells import cell_len, chop_cells
from rich.text import Text

from whisper_tui.core.sanitize import printable
from whisper_tui.ui.text_flow import break_value

if TYPE_CHECKING:
    from whisper_tui.ui.detail_copy import Value

MAX_NAME_WIDTH = 32
MIN_VALUE_WIDTH = 16
"""Cells a header or query value keeps beside the names before the name column narrows."""


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
