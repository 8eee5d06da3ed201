"""Where body lines fall on screen: widths learnt as lines load, wrapped rows per line."""

from __future__ import annotations

from whisper_tui.core.contentviews import BodyView, HexLines, LazyLines, ListLines
from whisper_tui.core.contentviews.stored import RawLines
from whisper_tui.ui.detail_layout import (
    MARK,
    MARK_CELLS,
    MEASURE_BATCH,
    BodyLayout,
    display_width,
    fit_hex,
    measure,
    row_holding,
    row_start,
    rows_for,
    same_bytes_row,
    unit_row_starts,
)


def test_display_width_counts_cells_as_shown():
    assert display_width("abc") == 3
    assert display_width("a\tb") == len("a\tb".expandtabs(4))
    assert display_width("日本") == 4
    assert display_width("\x1b[2J") == 4  # ESC is one control picture


def test_a_batch_is_measured_as_each_line_alone():
    plain = ["abc", "", "x" * 300]
    assert measure(plain) == [3, 0, 300]
    mixed = [*plain, "a\tb", "日本", "\x1b[2J"]
    assert measure(mixed) == [display_width(line) for line in mixed]


def test_rows_learnt_a_batch_at_a_time_are_those_learnt_line_by_line():
    # Short lines take one row each, a batch at once; any wider line is wrapped alone.
    widths = [0, 5, 10, 11, 30, 3] * 400 + [9] * 2000
    text = ["x" * width for width in widths]
    layout = BodyLayout(ListLines(text))
    layout.set_wrap(10)
    while not layout.advance(1.0):
        pass
    starts = [0]
    for width in widths:
        starts.append(starts[-1] + rows_for(width, 10))
    assert layout.rows == starts[-1]
    assert [layout.row_of(line) for line in range(len(text))] == starts[:-1]


def test_rows_for_a_line_round_up_and_an_empty_line_takes_one():
    # Rows after the first hold 8 of 10 cells: the continuation marker takes two.
    assert [rows_for(w, 10) for w in (0, 1, 10, 11, 18, 19, 30)] == [1, 1, 1, 2, 2, 3, 4]


def test_later_rows_leave_room_for_the_continuation_marker_wherever_rows_are_cut():
    assert MARK == "↪ " and MARK_CELLS == 2
    assert [row_start(row, 10) for row in range(4)] == [0, 10, 18, 26]
    assert [row_holding(cell, 10) for cell in (0, 9, 10, 17, 18, 26)] == [0, 0, 1, 1, 2, 3]
    # A line cut between units (wide characters here) has the same room a row.
    assert unit_row_starts("界" * 13, 10) == [0, 10, 18]


def test_the_longest_line_is_learnt_as_lines_load_without_reading_ahead():
    lines = LazyLines(iter(["a" * n for n in (3, 5, 307, 2)]))
    layout = BodyLayout(lines)
    lines.advance(2)
    layout.advance(1.0)
    assert (layout.longest, layout.measured) == (5, 2)
    lines.advance(10)
    layout.advance(1.0)
    assert (layout.longest, layout.measured, layout.caught_up) == (307, 4, True)


def test_wrapped_rows_locate_each_screen_row_and_rewrap_at_a_new_width():
    layout = BodyLayout(ListLines(["x" * 25, "", "y" * 10]))
    layout.set_wrap(10)
    layout.advance(1.0)
    assert layout.rows == 3 + 1 + 1
    assert [layout.locate(row) for row in range(5)] == [(0, 0), (0, 1), (0, 2), (1, 0), (2, 0)]
    assert [layout.row_of(line) for line in range(3)] == [0, 3, 4]
    layout.set_wrap(5)
    assert layout.row_of(2) is None  # re-learnt in slices
    layout.advance(1.0)
    assert layout.rows == 8 + 1 + 3  # 5 cells, then 3 a row after the marker


def test_a_hex_dump_is_never_measured_line_by_line_nor_wrapped_mid_row():
    layout = BodyLayout(HexLines(bytes(32 * 1024 * 1024)))
    assert layout.caught_up and layout.longest == 78
    layout.set_wrap(40)
    assert layout.unwrapped and layout.rows == 2 * 1024 * 1024
    assert layout.locate(5) == (5, 0) and layout.row_of(7) == 7


def test_fit_hex_takes_the_widest_rows_that_fit_and_keeps_the_same_bytes_on_top():
    view = BodyView("hex", HexLines(bytes(100)), "hexdump")
    assert fit_hex(view, 78) is view  # 16 bytes a row already
    eight, four = fit_hex(view, 77), fit_hex(view, 44)
    assert (eight.lines.per_line, four.lines.per_line) == (8, 4)
    assert fit_hex(view, 12).lines.per_line == 4  # the narrowest when none fit (sideways)
    assert eight.lines[0] == "00000000  00 00 00 00 00 00 00 00  |........|"
    assert same_bytes_row(3, view, four) == 12 and same_bytes_row(12, four, view) == 3
    text = BodyView("text", ListLines(["x" * 100]))
    assert fit_hex(text, 10) is text


def test_a_raw_line_wraps_between_escapes_never_inside_one():
    line = "-.NMQ\\xb2R()*M\\u200b\\\\x"
    # Wrapped at 8: the first row holds 8 cells, later ones 6 (the marker takes two).
    assert unit_row_starts(line, 8) == [0, 5, 11, 14, 20]  # -.NMQ / \xb2R( / )*M / \u200b / \\x
    assert unit_row_starts("abcdefghijk", 5) == [0, 5, 8]  # no escapes: 5 cells, then 3
    assert unit_row_starts("\\U0001f3fd", 6) == [0, 6]  # wider than a row: cut, all shown
    lines = RawLines(b"a" * 5 + b"\xff" * 3 + b"\nshort\n")
    layout = BodyLayout(lines)
    lines.advance(10)
    layout.set_wrap(8)
    layout.advance(1.0)
    assert layout.row_cells(0) == [0, 5, 9, 13]  # aaaaa / \xff (x3) / ␊
    assert layout.row_cells(1) is None and layout.row_cells(-1) is None
    assert layout.rows == 5 and layout.locate(4) == (1, 0)
    assert layout.row_within(0, 10) == 2


def test_a_crlfs_two_pictures_wrap_together():
    # Seen at 80x24 (wrap 36): 35 a's then '␍' ended one row and '␊' sat alone on the next.
    lines = RawLines(b"a" * 5 + b"\r\n" + b"b" * 4 + b"\r\n")
    lines.advance(10)
    assert lines[0] == "aaaaa␍␊"
    layout = BodyLayout(lines)
    layout.set_wrap(6)
    layout.advance(1.0)
    assert layout.row_cells(0) == [0, 5]  # aaaaa / ␍␊
    assert layout.row_cells(1) is None  # bbbb␍␊ fits
    assert layout.rows == 3
    assert unit_row_starts("abcd␍␊", 4) == [0, 4]  # a pair exactly a later row wide: one row
    assert unit_row_starts("a␍␊", 1) == [0, 1, 2]  # a row narrower than the pair: cut


def test_a_text_lines_spelled_escape_wraps_whole_as_in_raw_view():
    # Seen at 80x24 with wrap on: a text/plain body's U+202E, drawn \u202e, ended one row
    # 'bidi:\u202' and began the next 'e reversed'.
    lines = ListLines(["abcde bidi:\u202e reversed"])
    layout = BodyLayout(lines)
    layout.set_wrap(14)
    layout.advance(1.0)
    assert layout.row_cells(0) == [0, 11, 23]  # "abcde bidi:" / "\u202e rever" / "sed"
    assert layout.rows == 3
    assert layout.row_within(0, 13) == 1
    assert BodyLayout(ListLines(["a" * 30])).row_cells(0) is None  # ASCII: rows 14 apart


def test_a_slice_of_wrapping_raw_binary_lines_stops_at_its_deadline():
    # Each wide binary line costs ~1 ms to wrap between escapes: a slice used to index 256 of
    # them (a quarter second) before looking at the clock.
    lines = RawLines(bytes(range(128, 256)) * 8 * 300)  # 300 lines of 4 KB \xNN escapes
    lines.advance(10**6)
    layout = BodyLayout(lines)
    layout.set_wrap(38)
    layout.advance(0.0)  # a budget already spent: the least the slice can do
    assert 0 < layout.indexed <= 8 < layout.measured
    while not layout.advance(1.0):
        pass
    assert layout.rows == sum(len(unit_row_starts(lines[i], 38)) for i in range(len(lines)))


def test_a_slice_measures_a_few_lines_before_it_looks_at_the_clock():
    # A raw line of \xNN escapes costs ~0.3 ms to fetch: 256 of them a slice held the loop
    # ~80 ms whatever the budget, wrap on or off.
    lines = RawLines(bytes(range(128, 256)) * 8 * 300)
    lines.advance(10**6)
    layout = BodyLayout(lines)
    layout.advance(0.0)  # a spent budget: one batch, then back to the loop
    assert 0 < layout.measured <= MEASURE_BATCH < len(lines)
