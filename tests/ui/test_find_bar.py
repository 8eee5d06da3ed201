"""Find in a capture: matches counted in slices, stepped through, and the bar's words."""

from __future__ import annotations

from rich.text import Text

from whisper_tui.core.contentviews import LazyLines, ListLines
from whisper_tui.ui.find_bar import CURRENT_MATCH_STYLE, MATCH_STYLE, MAX_MATCHES, BodyFind


def test_matches_are_case_insensitive_head_first_then_body():
    find = BodyFind("paid", ["POST /paid", "x"], ListLines(['"PAID"', "no", "paid paid"]))
    find.advance(1.0)
    assert [find.match(n) for n in range(find.count)] == [
        (0, 6, 10),
        (2, 1, 5),
        (4, 0, 4),
        (4, 5, 9),
    ]
    assert find.status() == "4 matches"


def test_stepping_wraps_around_both_ways_and_the_status_counts():
    find = BodyFind("a", [], ListLines(["a", "a", "a"]))
    find.advance(1.0)
    assert find.step(-1) == (2, 0, 1)
    assert find.status() == "match 3 of 3"
    assert find.step(1) == (0, 0, 1)
    assert find.status() == "match 1 of 3"


def test_no_match_and_still_searching_say_so():
    lines = LazyLines(iter(["x"] * 10))
    find = BodyFind("zzz", [], lines)
    assert find.status().startswith("searching…")
    lines.advance(100)
    find.advance(1.0)
    assert find.status() == "no match"


def test_searching_stops_at_the_budget_and_resumes():
    lines = ListLines(["needle"] * 200_000)
    find = BodyFind("needle", [], lines)
    assert not find.advance(0.0001)
    assert 0 < find.searched < 200_000
    while not find.advance(0.01):
        pass
    assert find.count == min(200_000, MAX_MATCHES)
    assert find.status() == f"{MAX_MATCHES:,}+ matches"


def test_positions_are_in_the_displayed_line_control_pictures_included():
    find = BodyFind("b", [], ListLines(["\tb"]))
    find.advance(1.0)
    assert find.match(0) == (0, 4, 5)  # the tab is shown as four spaces


def test_highlight_marks_matches_and_the_current_one_apart():
    find = BodyFind("ab", ["ab ab"], None)
    find.step(1)
    text = find.highlight(0, Text("ab ab"))
    styles = [(span.start, span.style) for span in text.spans]
    assert styles == [(0, CURRENT_MATCH_STYLE), (3, MATCH_STYLE)]
