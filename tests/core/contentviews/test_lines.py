"""Display lines: long lines split."""

from __future__ import annotations

from tests.core.contentviews.helpers import all_lines
from whisper_tui.core.contentviews import HexLines, lines, stored, view_for
from whisper_tui.core.contentviews.lines import LIMIT_NOTE, LazyLines, hex_line_width
from whisper_tui.core.contentviews.stored import RawLines


def test_long_lines_are_split_for_display():
    view = view_for(b"x" * 10_000, "text/plain")
    assert [len(line) for line in all_lines(view)] == [4096, 4096, 1808]


def test_a_hex_row_holds_16_8_or_4_bytes_and_is_as_wide_as_said():
    data = bytes(range(0x20, 0x7F))
    for per_line, width in ((16, 78), (8, 45), (4, 29)):
        lines = HexLines(data, per_line)
        assert hex_line_width(per_line) == lines.width == width
        assert all(len(lines[n]) == width for n in range(len(lines) - 1))
        assert len(lines) == -(-len(data) // per_line)
    assert HexLines(data, 4)[1] == "00000004  24 25 26 27  |$%&'|"
    assert HexLines(data)[0].startswith("00000000  20 21 22 23 24 25 26 27  28 29")


def test_fitted_hex_lines_pick_the_widest_row_that_fits():
    lines = HexLines(bytes(64))
    assert lines.fitted(200) is lines
    assert [lines.fitted(w).per_line for w in (78, 77, 45, 44, 29, 5)] == [16, 8, 8, 4, 4, 4]


def test_a_text_view_and_a_raw_view_cut_at_the_line_cap_end_in_one_note(monkeypatch):
    monkeypatch.setattr(lines, "MAX_LINES", 3)
    monkeypatch.setattr(stored, "MAX_LINES", 3)
    text, raw = LazyLines(iter(["a"] * 10)), RawLines(b"\n" * 10)
    text.advance(100)
    raw.advance(100)
    assert len(text) == len(raw) == 4
    assert text[3] == raw[3] == LIMIT_NOTE


def test_a_window_of_lines_is_those_lines_as_indexed():
    lazy = LazyLines(iter(str(n) for n in range(1_000)))
    lazy.advance(600)
    assert lazy.window(590, 600) == [lazy[n] for n in range(590, 600)]
    raw = RawLines(b"a\nb\r\nc")
    raw.advance(10)
    assert raw.window(0, 3) == [raw[0], raw[1], raw[2]]
