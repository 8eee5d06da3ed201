"""Sender text on a terminal: every control character becomes a visible mark, nothing else moves."""

from __future__ import annotations

import ctypes
import ctypes.util
import locale

import pytest
from hypothesis import given
from hypothesis import strategies as st
from rich.cells import cell_len
from rich.text import Text

from whisper_tui.core.sanitize import ControlPictures, clipboard_safe, printable, visible_same_width

C0 = [chr(code) for code in range(0x20)]
C1 = [chr(code) for code in range(0x80, 0xA0)]
DEL = "\x7f"
# Line/paragraph separators, bidi embeddings/overrides/isolates and marks: they reorder or
# split what a terminal shows ("trojan source").
BIDI_AND_SEPARATORS = [
    chr(code)
    for code in (0x2028, 0x2029, *range(0x202A, 0x202F), *range(0x2066, 0x206A), 0x200E, 0x200F)
]
SURROGATES = ["\ud800", "\udbff", "\udc00", "\udc80", "\udcff", "\udfff"]


def is_terminal_control(char: str) -> bool:
    """A character a terminal would act on, reorder by, or could not encode."""
    code = ord(char)
    return (
        code < 0x20
        or code == 0x7F
        or 0x80 <= code <= 0x9F
        or 0xD800 <= code <= 0xDFFF
        or char in BIDI_AND_SEPARATORS
    )


# Any text (lone surrogates included, as surrogateescape decoding produces them), with the
# dangerous characters drawn often enough to meet each other and ordinary text.
hostile_text = st.text(
    alphabet=st.one_of(
        st.characters(exclude_categories=()),
        st.sampled_from([*C0, DEL, *C1, *BIDI_AND_SEPARATORS, *SURROGATES]),
    ),
    max_size=60,
)


# -- printable ---------------------------------------------------------------------------------


def test_c0_controls_become_their_control_pictures():
    assert printable("\x00") == "␀"
    assert printable("\x07") == "␇"
    assert printable("\n") == "␊"
    assert printable("\r") == "␍"
    assert printable("\x1b[2J") == "␛[2J"
    assert printable("\x1f") == "␟"


def test_every_c0_control_but_tab_maps_to_the_picture_at_0x2400_plus_its_code():
    for char in C0:
        if char != "\t":
            assert printable(char) == chr(0x2400 + ord(char))


def test_delete_becomes_its_picture():
    assert printable("a\x7fb") == "a␡b"


def test_c1_controls_are_spelled_out_since_csi_and_osc_act_like_escape_on_some_terminals():
    assert printable("\x9b31m") == "\\x9b31m"
    assert printable("\x9d0;title") == "\\x9d0;title"
    assert printable("\x80\x9f") == "\\x80\\x9f"


def test_bidi_overrides_and_line_separators_are_spelled_out():
    assert printable("abc\u202edcba") == "abc\\u202edcba"
    assert printable("\u2066x\u2069") == "\\u2066x\\u2069"
    assert printable("one\u2028two\u2029") == "one\\u2028two\\u2029"
    assert printable("\u200e\u200f") == "\\u200e\\u200f"


def test_joiners_and_presentation_selectors_are_dropped_so_widths_agree_with_terminals():
    # Rich measures 'a<ZWJ>b' as 1 cell (the joiner swallows b) where a terminal draws 2,
    # and tmux draws '❤<VS16>' in 1 cell where Rich counts 2: without them every terminal
    # draws what Rich (and so Textual's layout) measures.
    assert printable("👩\u200d💻") == "👩💻"
    assert printable("a\u200db") == "ab"
    assert printable("❤\ufe0f ❤\ufe0e") == "❤ ❤"
    assert cell_len(printable("a\u200db")) == 2
    assert cell_len(printable("❤\ufe0f")) == 1


# Real sequences as senders put them in paths and headers: a hand, a person, a family and a
# ZWJ profession with skin tones, a lone modifier, and one after a letter.
SKIN_TONED = [
    "👍🏽",
    "👋🏿x",
    "🧑🏻\u200d💻",
    "👩🏾\u200d❤\ufe0f\u200d👨🏼",
    "🏽",
    "x🏻",
    "/hooks/👍🏽/ok",
]


def terminal_cells_per_character(text: str) -> int | None:
    """Cells as a terminal that measures each code point with the C library's wcwidth draws
    `text` (tmux 3.3: '👍🏽' in 4 cells, checked with the cursor position it reports);
    None where no C library answers."""
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
    except OSError:
        return None
    libc.wcwidth.argtypes = [ctypes.c_wchar]
    saved = locale.setlocale(locale.LC_CTYPE)
    try:
        locale.setlocale(locale.LC_CTYPE, "C.UTF-8")
    except locale.Error:
        return None
    try:
        return sum(max(libc.wcwidth(c), 0) for c in text)
    finally:
        locale.setlocale(locale.LC_CTYPE, saved)


@pytest.mark.parametrize("text", SKIN_TONED)
def test_skin_tone_modifiers_are_dropped_so_every_terminal_draws_what_rich_measures(text):
    # Rich counts a modifier as 0 cells (as kitty or WezTerm draw '👍🏽': 2 cells); tmux 3.3,
    # xterm and VTE draw it as a 2-cell swatch after the hand: the row after it moved by 2.
    shown = printable(text)
    assert not any(0x1F3FB <= ord(c) <= 0x1F3FF for c in shown)
    assert cell_len(shown) == sum(cell_len(c) for c in shown)
    per_character = terminal_cells_per_character(shown)
    if per_character is not None:
        assert per_character == cell_len(shown)


def test_a_skin_toned_emoji_keeps_its_base():
    assert printable("👍🏽 ok") == "👍 ok"
    assert printable("🧑🏻\u200d💻") == "🧑💻"


def test_what_display_leaves_out_can_be_spelled_out_where_a_difference_must_show():
    assert printable("👍🏽 ok", spell_dropped=True) == "👍\\U0001f3fd ok"
    assert printable("👩\u200d💻 ❤\ufe0f", spell_dropped=True) == "👩\\u200d💻 ❤\\ufe0f"
    assert printable("a\x1bb", spell_dropped=True) == "a␛b"  # controls as ever


def test_lone_surrogates_from_undecodable_bytes_show_the_byte_they_stand_for():
    # surrogateescape turns byte 0xe9 into U+DCE9; the mark shows the original byte.
    assert printable(b"caf\xe9".decode("utf-8", "surrogateescape")) == "caf\\xe9"
    assert printable("\ud800") == "\\ud800"
    assert printable("\udc00") == "\\udc00"


def test_tabs_become_spaces_to_the_next_stop_of_four():
    assert printable("\tx") == "    x"
    assert printable("ab\tc") == "ab  c"
    assert printable("abcd\te") == "abcd    e"


def test_ordinary_text_is_unchanged():
    text = "POST /hooks/注文 🎉 café [bold]markup[/bold] \\x1b ␛ ü"
    assert printable(text) == text


def test_the_whole_hostile_escape_sequence_is_shown_literally():
    assert printable("\x1b]0;title\x07\x1b[2J") == "␛]0;title␇␛[2J"


@given(hostile_text)
def test_printable_output_never_contains_a_control_character(text):
    shown = printable(text)
    assert not any(is_terminal_control(char) for char in shown)
    shown.encode("utf-8")  # no lone surrogate left to break the terminal's encoding


def width_disputed(char: str) -> bool:
    """Joiners, presentation selectors, skin tones: terminals disagree on their width."""
    return char in "\u200d\ufe0e\ufe0f" or 0x1F3FB <= ord(char) <= 0x1F3FF


@given(hostile_text)
def test_printable_changes_only_control_characters(text):
    if not any(is_terminal_control(char) or width_disputed(char) for char in text):
        assert printable(text) == text


# -- visible_same_width -------------------------------------------------------------------------


def test_same_width_marks_keep_one_character_per_character_for_editors():
    assert visible_same_width("a\tb") == "a␉b"  # not expanded: the cursor stays in step
    assert visible_same_width("\x1b[31m") == "␛[31m"
    assert visible_same_width("\x7f") == "␡"
    assert visible_same_width("\x9b") == "\ufffd"
    assert visible_same_width("\udce9") == "\ufffd"


@given(hostile_text)
def test_same_width_output_has_no_c0_c1_del_or_surrogate_and_the_same_length(text):
    shown = visible_same_width(text)
    assert len(shown) == len(text)
    assert not any(
        ord(c) < 0x20 or ord(c) == 0x7F or 0x80 <= ord(c) <= 0x9F or 0xD800 <= ord(c) <= 0xDFFF
        for c in shown
    )


# -- ControlPictures ---------------------------------------------------------------------------


def test_control_pictures_highlighter_draws_marks_and_leaves_the_typed_value_alone():
    typed = Text("ab\x1b[2Jc")
    typed.stylize("bold", 0, 2)
    shown = ControlPictures()(typed)
    assert shown.plain == "ab␛[2Jc"
    assert typed.plain == "ab\x1b[2Jc"  # the Input's value is what was typed
    assert [(span.start, span.end, span.style) for span in shown.spans] == [(0, 2, "bold")]


def test_clipboard_safe_draws_what_a_terminal_acts_on_and_keeps_tabs_and_line_ends():
    text = "a\tb\r\nc\x1b]0;title\x07 \x9b2J \x7f\x00 é"
    assert clipboard_safe(text) == "a\tb\r\nc␛]0;title␇ \\x9b2J ␡␀ é"
    assert clipboard_safe("plain\ttext\n") == "plain\ttext\n"
