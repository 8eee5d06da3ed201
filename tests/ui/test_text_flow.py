"""Pieces of a head line flowed into rows of a width: nothing past the edge, nothing lost."""

from __future__ import annotations

from itertools import pairwise

import pytest
from rich.cells import cell_len
from rich.console import Console
from rich.text import Text

from whisper_tui.ui.text_flow import Flowed, break_value, flow, pieces


def plain(rows: list[Text]) -> list[str]:
    return [row.plain for row in rows]


def test_pieces_that_fit_stay_on_one_row():
    parts = pieces(Text("answered 200"), Text("·  forward 201 Created"))
    assert plain(flow(parts, 80)) == ["answered 200  ·  forward 201 Created"]


def test_a_piece_that_does_not_fit_starts_the_next_row_without_its_separator():
    parts = pieces(Text("#4  03:24:39.817"), Text("from 127.0.0.1"), Text("62 B"), Text("json"))
    assert plain(flow(parts, 34)) == ["#4  03:24:39.817  from 127.0.0.1", "  62 B  json"]


def test_a_piece_wider_than_a_row_is_cut_in_cells_and_nothing_is_lost():
    target = "/注文/確認済み/🎉/" + "長" * 30
    rows = flow(pieces(Text("POST " + target), Text("HTTP/1.1"), separator=" "), 20)
    assert all(cell_len(row.plain) <= 20 for row in rows)
    joined = rows[0].plain + "".join(row.plain[2:] for row in rows[1:])
    # Each continuation row starts with 2 spaces; the path, wider than a row, fills the first.
    assert joined.replace(" ", "") == f"POST{target}HTTP/1.1"
    assert plain(rows)[0].startswith("POST /注文")


def test_styles_follow_their_characters_across_rows():
    text = Text("abcdef", "bold")
    rows = flow([("", text)], 5, indent=1)
    assert plain(rows) == ["abcde", " f"]
    assert rows[1].spans[0].style == "bold"


def test_a_shell_command_ends_each_continued_row_with_a_backslash():
    url = Text("http://127.0.0.1:8080/hooks/test")
    parts = pieces(Text("curl"), Text("-d 'x=1'"), url, separator=" ")
    rows = plain(flow(parts, 40, indent=2, mark=" \\"))
    assert rows == ["curl -d 'x=1' \\", "  http://127.0.0.1:8080/hooks/test"]


def test_flowed_lays_itself_out_at_the_width_it_is_drawn_in():
    flowed = Flowed(pieces(Text("older #3 POST /a"), Text("newer #4 POST /b"), separator="   "))
    console = Console(width=20, color_system=None, legacy_windows=False)
    with console.capture() as captured:
        console.print(flowed)
    assert captured.get().splitlines() == ["older #3 POST /a", "newer #4 POST /b"]
    console = Console(width=80, color_system=None, legacy_windows=False)
    with console.capture() as captured:
        console.print(flowed)
    assert captured.get().splitlines() == ["older #3 POST /a   newer #4 POST /b"]


def test_a_long_piece_of_words_breaks_between_words():
    answer = Text("answered 200", end="")
    forward = Text("·  forward failed: connection refused to 127.0.0.1:18766", end="")
    rows = plain(flow(pieces(answer, forward), 36))
    assert rows == [
        "answered 200",
        "  ·  forward failed: connection ",
        "  refused to 127.0.0.1:18766",
    ]
    own = Text("forward failed: refusing to send to whisper-tui's own address 127.0.0.1:8080")
    rows = plain(flow([("", own)], 30))
    assert all(cell_len(row) <= 30 for row in rows)
    words = own.plain.split()
    assert [word for row in rows for word in row.split()] == words  # none cut in two


@pytest.mark.parametrize(
    ("value", "width", "rows"),
    [
        ("Python-urllib/3.11", 16, ["Python-urllib/", "3.11"]),  # never '3.' / '11'
        ("application/x-www-form-urlencoded", 20, ["application/x-www-", "form-urlencoded"]),
        ("Stripe/1.0 (+https://s.com/x)", 20, ["Stripe/1.0 (+", "https://s.com/x)"]),
        ("t=17,v1=" + "ab" * 12, 16, ["t=17,v1=", "abababababababab", "abababab"]),
        ("中文中文中文", 5, ["中文", "中文", "中文"]),
        ("short", 20, ["short"]),
    ],
)
def test_a_value_breaks_after_a_space_or_punctuation_else_in_cells(value, width, rows):
    assert break_value(value, width, width) == rows
    assert "".join(rows) == value


@pytest.mark.parametrize("width", range(12, 48))
def test_a_number_and_its_unit_stay_on_one_row(width):
    # Our notes broke '2.4' at a row's end and 'MB' on the next.
    note = "decoded gzip for display (72 B -> 2,400 B), 2.4 MB kept, waited 15 s for 3 KiB"
    rows = [row.plain for row in flow([("", Text(note))], width)]
    assert " ".join(row.strip() for row in rows) == note
    for row, following in pairwise(rows):
        unit = following.split()[0].rstrip(",)")
        assert not (row.rstrip()[-1:].isdigit() and unit in {"B", "MB", "KiB", "s"}), rows


@pytest.mark.parametrize("width", range(30, 60))
def test_a_url_too_long_to_move_breaks_after_a_mark_not_inside_a_word(width):
    # Newcomer E: the Attempts section read 'replay → http://127.0.0.1:18300/app/ho' then
    # 'oks/svix  200 OK'.
    from rich.text import Text

    url = "http://127.0.0.1:18300/app/hooks/svix/deliveries/incoming"
    rows = flow([("", Text(f"replay → {url}")), ("  ", Text("200 OK in 3 ms"))], width)
    plain = [row.plain.rstrip() for row in rows]
    assert "".join(line.strip() for line in plain).replace(" ", "") == (f"replay→{url}200OKin3ms")
    for row, following in pairwise(plain):
        pair = row[-1] + following.lstrip()[0]
        # Two letters or digits either side of a row's end are never the inside of a word.
        assert not (pair.isalnum() and pair in f"{url} 200 OK in 3 ms"), plain
