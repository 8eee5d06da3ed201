"""One list row: its columns at every width, the answer column, paths shortened in the middle."""

from __future__ import annotations

import pytest
from rich.cells import cell_len, get_character_cell_size

from whisper_tui.core.answers import Answer
from whisper_tui.core.models import Attempt, CapturedRequest
from whisper_tui.ui.list_rows import (
    column_header,
    columns_for,
    compact_size,
    repeat_marker,
    row_pieces,
    row_width_for,
    shape_for,
    short_type,
    shorten_middle,
    shorten_url,
)

pytestmark = pytest.mark.usefixtures("utc")

AT = 1_764_000_000.0  # 2025-11-24 16:00:00 UTC
JSON = ((b"Content-Type", b"application/json"),)


def capture(
    request_id: int = 1,
    target: str = "/hooks/x",
    body: bytes = b"x" * 17,
    method: str = "POST",
    **changes: object,
) -> CapturedRequest:
    return CapturedRequest(
        request_id,
        AT + request_id,
        "127.0.0.1",
        method,
        target,
        (1, 1),
        JSON,
        body,
        **changes,  # type: ignore[arg-type]
    )


def row_text(request: CapturedRequest, width: int = 100, **kwargs: object) -> str:
    return "".join(text for text, _ in row_pieces(request, width, **kwargs))  # type: ignore[arg-type]


def forward(status: int | None = 200, error: str | None = None) -> Attempt:
    return Attempt("http://127.0.0.1:3000/x", 0.0, kind="forward", status=status, error=error)


# -- columns ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("content_type", "shown"),
    [
        ("application/json", "json"),
        ("application/x-www-form-urlencoded", "form"),
        ("application/vnd.github+json", "github+json"),
        ("application/x-ndjson", "ndjson"),
        ("text/plain", "plain"),
        ("", ""),
    ],
)
def test_short_type_keeps_the_telling_part_of_the_media_type(content_type, shown):
    assert short_type(content_type) == shown


def test_a_wide_row_shows_time_method_path_size_answer_and_type():
    assert row_text(capture(), 100).split() == [
        "16:00:01",
        "POST",
        "/hooks/x",
        "17",
        "B",
        "200",
        "json",
    ]


@pytest.mark.parametrize("width", [30, 38, 40, 50, 60, 69, 70, 100, 200])
def test_a_row_is_one_cell_short_of_the_width_it_is_given(width):
    assert cell_len(row_text(capture(1, "/hooks/" + "p" * 300), width)) == width - 1


def test_columns_give_way_to_the_path_type_first_then_the_long_size_then_time():
    wide, middle, narrow, tiny = (columns_for(w) for w in (100, 60, 50, 38))
    assert (wide.time, wide.size_width, wide.type) == (True, 9, True)
    assert (middle.time, middle.size_width, middle.type) == (True, 9, False)
    assert (narrow.time, narrow.size_width, narrow.type) == (True, 4, False)
    assert (tiny.time, tiny.size_width, tiny.type) == (False, 4, False)
    # 80x24 gives the list 38 cells: the path keeps 13 of them (the repeat marker took 3).
    assert tiny.path_width == 13
    assert "16:00:01" not in row_text(capture(), 38)
    assert row_text(capture(), 38).split() == ["POST", "/hooks/x", "17B", "200"]


def test_a_row_that_needs_every_column_and_its_whole_path():
    path = "/hooks/stripe?" + "q" * 60
    width = row_width_for(len(path))
    assert path in row_text(capture(1, path), width)
    assert path not in row_text(capture(1, path), width - 1)
    assert columns_for(width).type


@pytest.mark.parametrize(
    ("size", "shown"),
    [
        (0, "0B"),
        (999, "999B"),
        (3_400, "3.4K"),
        (340_000, "340K"),
        (999_499, "999K"),
        (999_600, "1.0M"),
        (5_000_000, "5.0M"),
        (12_000_000_000, "12G"),
    ],
)
def test_compact_sizes_fit_four_cells(size, shown):
    assert compact_size(size) == shown


@pytest.mark.parametrize("width", [30, 38, 45, 60, 69, 70, 120, 200])
def test_column_titles_line_up_with_the_row_columns(width):
    title = column_header(width).plain
    row = row_text(capture(1, "/h/x"), width)  # a path that fits even 30 cells' 5
    columns = columns_for(width)
    assert ("Time" in title) == columns.time
    if columns.time:
        assert title.index("Time") == row.index("16:00:01")
    assert title.index("Method") == row.index("POST")
    assert title.index("Path") == row.index("/h/x")
    size = "17 B" if columns.size_width == 9 else "17B"
    # Size and the answer are right-aligned: titles and values end in the same cell.
    assert title.index("Size") + len("Size") == row.index(size) + len(size)
    assert title.index("Ans") + len("Ans") == row.index("200") + len("200")
    assert ("Type" in title) == columns.type
    if columns.type:
        assert title.index("Type") == row.index("json")


# -- marker columns as wide as the captures need -------------------------------------------------


@pytest.mark.parametrize(
    ("signed", "most_arrivals", "method", "starts"),
    [
        (False, 0, 4, " POST   /h/x"),  # nothing to mark: only the space after the focus bar
        (True, 1, 4, " ? POST   /h/x"),
        (True, 3, 4, " ?↻2 POST   /h/x"),
        (False, 12, 4, " ↻2  POST   /h/x"),
        (True, 100, 7, " ?↻2  POST    /h/x"),  # every column at its widest
    ],
)
def test_marker_columns_are_only_as_wide_as_the_captures_need(
    signed, most_arrivals, method, starts
):
    # Newcomer C: at 80x24 every row began with four blank cells of marker columns.
    shape = shape_for(signed, most_arrivals, method)
    arrival = 2 if most_arrivals > 1 else 0
    row = row_text(
        capture(1, "/h/x"), 40, marker="?" if signed else "", arrival=arrival, shape=shape
    )
    assert row.startswith(starts)
    title = column_header(40, shape).plain
    assert title.index("Method") == row.index("POST")
    assert title.index("Path") == row.index("/h/x")
    assert cell_len(row) == 39


def test_the_method_column_is_never_narrower_than_its_title_nor_wider_than_options():
    assert shape_for(False, 0, 3).method == len("Method")
    assert shape_for(False, 0, 7).method == 7
    assert shape_for(False, 0, 40).method == 7


# -- the repeat marker ------------------------------------------------------------------------


def test_the_repeat_marker_says_which_arrival_of_a_repeated_delivery_a_row_is():
    assert [repeat_marker(n) for n in (0, 1, 2, 9, 10, 99, 100, 5000)] == [
        "",
        "↻1",
        "↻2",
        "↻9",
        "↻10",
        "↻99",
        "99+",
        "99+",
    ]


@pytest.mark.parametrize("width", [38, 60, 100])
def test_a_retry_is_marked_bold_before_the_method_and_every_column_stays_in_place(width):
    once = row_text(capture(), width)
    retry = row_pieces(capture(), width, arrival=2)
    shown = "".join(text for text, _ in retry)
    assert shown.index("↻2") == 2  # after the mark and the signature marker
    assert shown.index("POST") == once.index("POST")
    assert cell_len(shown) == cell_len(once) == width - 1
    [(_, style)] = [piece for piece in retry if "↻" in piece[0]]
    assert style == "wt.warn"
    # The first arrival of a delivery that came again is marked too, quietly.
    [(_, style)] = [piece for piece in row_pieces(capture(), width, arrival=1) if "↻" in piece[0]]
    assert style == "wt.muted"
    assert "↻" not in once


# -- the answer column --------------------------------------------------------------------------


def test_the_answer_column_shows_what_the_sender_got_and_a_failed_forward():
    failed = row_pieces(capture(), 100, answer=Answer(500, forward_failed=True))
    [(_, style)] = [piece for piece in failed if piece[0].strip() == "500"]
    assert style == "wt.error"  # the theme's error colour, bold (palette.py)
    assert "500!" in row_text(capture(), 100, answer=Answer(500, forward_failed=True))
    assert "418 " in row_text(capture(answered_status=418), 100)
    assert "200 " in row_text(capture(), 100)


def test_a_rejected_row_says_413_in_the_answer_column_and_keeps_every_column_in_place():
    rejected = capture(1, body=b"", rejected=True, declared_length=5_000_000, answered_status=413)
    normal = row_text(capture(2), 100)
    shown = row_text(rejected, 100)
    assert shown.split()[3:] == ["5.0", "MB", "413", "json"]
    assert shown.index("json") == normal.index("json")
    assert shown.index("413") == normal.index("200")
    [(_, style)] = [piece for piece in row_pieces(rejected, 100) if "MB" in piece[0]]
    assert style == "wt.error"  # the theme's error colour, bold (palette.py)


def test_a_relayed_answer_still_awaited_shows_an_ellipsis():
    assert row_text(capture(), 100, answer=Answer(None)).split()[5] == "…"


# -- paths ----------------------------------------------------------------------------------


def test_a_long_path_is_shortened_in_the_middle_keeping_its_first_and_last_segments():
    path = "/hooks/stripe/events/invoice.paid"
    assert shorten_middle(path, 21) == "/hooks/…/invoice.paid"
    assert shorten_middle(path, 28) == "/hooks/…/events/invoice.paid"
    assert shorten_middle(path, len(path)) == path
    # Narrower: still the first segment, then as much of the end as fits.
    assert shorten_middle(path, 16) == "/hooks/…ice.paid"


def test_a_long_last_segment_keeps_its_end():
    path = "/hooks/stripe?id=evt_" + "0" * 60 + "LAST"
    short = shorten_middle(path, 30)
    assert cell_len(short) == 30
    assert short.startswith("/hooks/…") and short.endswith("0LAST")


@pytest.mark.parametrize(
    ("path", "short"),
    [
        # Seen at 80x24 (14 cells): '…ipe?attempt=1' lost /hooks/, '/hea…verbose=1' did not.
        ("/hooks/stripe?attempt=1", "/hooks/…empt=1"),
        ("/health?verbose=1", "/health…bose=1"),
        ("/a-very-long-first-segment/x", "/a-very…ment/x"),
    ],
)
def test_every_path_keeps_its_start_and_its_end_by_one_rule(path, short):
    assert shorten_middle(path, 14) == short


def test_one_long_segment_keeps_both_ends_the_end_getting_more():
    path = "/stripe?id=evt_" + "0" * 60 + "LAST"
    short = shorten_middle(path, 30)
    assert cell_len(short) == 30
    assert short.startswith("/stripe") and short.endswith("0LAST") and "…" in short


@pytest.mark.parametrize("width", [0, 1, 2, 5, 9])
def test_tiny_widths_still_fit(width):
    assert cell_len(shorten_middle("/hooks/stripe/events/invoice.paid", width)) <= width


def test_wide_characters_are_measured_in_cells():
    path = "/注文/確認済み/🎉/" + "長" * 30
    for width in range(4, 40):
        short = shorten_middle(path, width)
        assert cell_len(short) <= width
        assert width - cell_len(short) <= 1  # at most the half of a wide character left over


@pytest.mark.parametrize("width", [40, 45, 60, 90])
def test_a_zwj_emoji_sequence_in_a_path_leaves_the_row_as_wide_as_every_terminal_draws_it(width):
    # Rich joins '👩<ZWJ>💻' into 2 cells (and 'a<ZWJ>b' into 1) where many terminals draw
    # the parts: shown without the joiner, Rich's measure and a per-character one agree.
    # Skin tones too: tmux 3.3 draws '👍🏽' in 4 cells where Rich counts 2.
    path = "/hooks/👩\u200d💻/a\u200db/❤\ufe0f/👍🏽/" + "👨\u200d👩\u200d👧🏿" * 12
    pieces = [text for text, _ in row_pieces(capture(target=path), width)]
    assert not any(c in text for text in pieces for c in "\u200d\ufe0f\U0001f3fd\U0001f3ff")
    assert sum(cell_len(text) for text in pieces) == width - 1
    per_character = sum(get_character_cell_size(c) for text in pieces for c in text)
    assert per_character == width - 1


def test_paths_that_differ_at_the_end_stay_distinguishable_in_an_80_column_list():
    paths = [
        "/hooks/stripe/events/invoice.paid",
        "/hooks/stripe/events/invoice.payment_failed",
        "/hooks/github/push?delivery=1",
        "/hooks/github/push?delivery=2",
    ]
    rows = [row_text(capture(1, path), 38) for path in paths]
    assert len(set(rows)) == len(rows)
    # Each keeps its start and its end, by the one rule (13 cells here).
    assert "/hooks…e.paid" in rows[0] and "/hooks…very=2" in rows[3]


def test_a_row_as_wide_as_a_short_path_needs_still_shows_every_column():
    columns = columns_for(row_width_for(len("/a")))
    assert columns.time and columns.type and columns.size_width == 9


def test_a_url_keeps_its_origin_whole_and_loses_the_middle_of_its_path():
    url = "https://mycompany.com/myapp.php?foo=1&bar=2&" + "x" * 40 + "=end"
    for width in (40, 50, 60):
        short = shorten_url(url, width)
        assert cell_len(short) == width
        assert short.startswith("https://mycompany.com/my") and short.endswith("=end")
    assert shorten_url(url, len(url)) == url
    # No room for a path worth reading beside the origin: both ends of the whole URL.
    tight = shorten_url(url, 20)
    assert cell_len(tight) == 20 and tight.startswith("https://") and tight.endswith("=end")
