"""The diff's rows laid out: each half wrapped at its width, the halves level, nothing lost."""

from __future__ import annotations

from itertools import pairwise

from hypothesis import given, settings
from hypothesis import strategies as st
from rich.cells import cell_len

from whisper_tui.core.diff import DiffRow, Folded
from whisper_tui.core.sanitize import printable
from whisper_tui.ui.diff_layout import (
    CONTINUED,
    DIVIDER,
    NUMBER_WIDTH,
    first_change_line,
    half_widths,
    item_height,
    item_lines,
    item_starts,
    locate,
    text_room,
    wrap_starts,
)

SIGNATURE = "t=1714265330,v1=6c53645ddbab28a3d8edb63f3a90bf96af64bebcf734783a2fe04afc42bedddf"


def halves(line: str, width: int) -> tuple[str, str]:
    """The text of each half of a screen line, after the number and the mark."""
    half = half_widths(width)[0]
    assert line[half] == DIVIDER
    return line[NUMBER_WIDTH + 1 : half], line[half + 1 + NUMBER_WIDTH + 1 : 2 * half + 1]


def test_a_long_changed_header_wraps_in_both_halves_and_the_change_at_its_end_shows():
    row = DiffRow(
        "changed",
        f"Stripe-Signature: {SIGNATURE},v0=deadaaaa",
        f"Stripe-Signature: {SIGNATURE},v0=deadbbbb",
        5,
        5,
    )
    lines = [line.plain for line in item_lines(row, 80)]
    assert len(lines) == item_height(row, 80) > 1
    assert lines[0].startswith("   5 -Stripe-Signature")
    assert all(line.startswith(f"   {CONTINUED} -") for line in lines[1:])
    left = "".join(halves(line, 80)[0].rstrip() for line in lines)
    right = "".join(halves(line, 80)[1].rstrip() for line in lines)
    assert left == row.left and right == row.right
    # Both halves break at the same columns: the change stands on one screen line.
    [changed] = [line for line in lines if "deadaaaa" in line]
    assert "deadbbbb" in changed


def test_the_shorter_half_is_padded_so_the_next_row_starts_level():
    row = DiffRow("changed", "short", "x" * 100, 3, 3)
    lines = [line.plain for line in item_lines(row, 60)]
    assert len(lines) == -(-100 // text_room(half_widths(60)[0]))
    assert all(halves(line, 60)[0].strip() == "" for line in lines[1:])
    assert {cell_len(line) for line in lines} == {60}


def test_folds_and_sections_take_one_line_and_locate_finds_each_screen_line():
    items = [
        DiffRow("section", "Headers", "Headers"),
        DiffRow("changed", "a" * 70, "b" * 70, 1, 1),
        Folded(0, 40),
        DiffRow("equal", "{", "{", 2, 2),
    ]
    starts = item_starts(items, 80)
    room = text_room(half_widths(80)[0])
    assert list(starts) == [0, 1, 1 + -(-70 // room), 2 + -(-70 // room), 3 + -(-70 // room)]
    assert locate(starts, 0) == (0, 0)
    assert locate(starts, 2) == (1, 1)
    assert locate(starts, starts[-1] - 1) == (3, 0)


def test_wide_characters_never_straddle_the_edge():
    assert wrap_starts("ab日本", 3) == [0, 2, 3]
    assert wrap_starts("", 10) == [0]
    assert wrap_starts("x" * 25, 10) == [0, 10, 20]


TEXTS = st.one_of(
    st.none(),
    st.text(
        st.characters(codec="utf-8", exclude_categories=("Cs",)).filter(lambda c: c not in "\n│"),
        max_size=120,
    ),
    st.text("abc 日本🎉👍🏽\t\x1b\u200d", max_size=80),
)


@settings(max_examples=300, deadline=None)
@given(
    left=TEXTS,
    right=TEXTS,
    kind=st.sampled_from(["equal", "changed", "deleted", "inserted"]),
    width=st.integers(20, 200),
)
def test_every_row_is_as_tall_as_laid_out_exactly_as_wide_and_keeps_all_its_text(
    left, right, kind, width
):
    row = DiffRow(kind, left, right, 1 if left is not None else None, 1)
    lines = item_lines(row, width)
    assert len(lines) == item_height(row, width) == item_starts([row], width)[-1]
    half, right_width = half_widths(width)
    for line in lines:
        assert line.cell_len == width
        assert cell_len(line.plain[: line.plain.index(DIVIDER)]) == half
    spell = (
        kind == "changed"
        and None not in (left, right)
        and printable(left or "") == printable(right or "")
    )
    room = text_room(half)
    for text, side in ((left, 0), (right, 1)):
        if text is None:
            continue
        shown = printable(text, spell_dropped=spell)
        starts = [*wrap_starts(shown, room), len(shown)]
        expected = [shown[a:b] for a, b in pairwise(starts)] or [""]
        for number, line in enumerate(lines):
            plain = line.plain
            cut = plain.index(DIVIDER)
            # The right half wraps at the left's width; an odd cell left over follows it.
            part = plain[:cut] if side == 0 else plain[cut + 1 : len(plain) - right_width + half]
            piece = expected[number] if number < len(expected) else ""
            assert part[NUMBER_WIDTH + 1 :] == piece + " " * (room - cell_len(piece))


def test_the_first_change_line_is_where_the_sides_first_differ():
    row = DiffRow("changed", "x" * 200 + "aaaa", "x" * 200 + "bbbb", 1, 1)
    room = text_room(half_widths(80)[0])
    assert first_change_line(row, 80) == 200 // room
    assert "aaaa" in item_lines(row, 80)[200 // room].plain
    assert first_change_line(DiffRow("equal", "a" * 300, "a" * 300, 1, 1), 80) == 0


def test_a_fold_names_the_key_that_expands_it_as_a_keymap_put_it():
    [default] = item_lines(Folded(0, 40), 80)
    [remapped] = item_lines(Folded(0, 40), 80, {"diff_expand": "x"})
    assert default.plain.endswith(" equal lines (Enter expands)")
    assert remapped.plain.endswith(" equal lines (x expands)")


def test_a_header_value_wraps_after_a_mark_as_in_the_detail_not_inside_a_word():
    # Newcomer E: 'application/json; c' then '↪ harset=utf-8'.
    row = DiffRow(
        "changed", "Content-Type: application/json; charset=utf-8", "Content-Type: text/plain", 2, 2
    )
    lines = [halves(line.plain, 60)[0].rstrip() for line in item_lines(row, 60)]
    assert lines == ["Content-Type:", "application/json;", "charset=utf-8"]
    # A value with nowhere to break (a signature's hex) still wraps at the edge.
    assert wrap_starts("x" * 25, 10) == [0, 10, 20]
