"""`f` in the hex view searches the body's bytes: a match across rows is found and marked."""

from __future__ import annotations

import pytest
from rich.text import Text

from tests.helpers import wait_for_screen, wait_until
from tests.ui.test_body_modes import capture_one
from whisper_tui.core.contentviews import HexLines
from whisper_tui.core.settings import Settings
from whisper_tui.ui.app import WhisperApp
from whisper_tui.ui.find_bar import CURRENT_MATCH_STYLE, MATCH_STYLE
from whisper_tui.ui.hex_find import CHUNK, HexFind, needles

pytestmark = pytest.mark.usefixtures("utc")


def marked(find: HexFind, lines: HexLines, row: int) -> list[str]:
    text = find.highlight(row, Text(lines[row]))
    return [text.plain[span.start : span.end] for span in text.spans]


def test_hex_pairs_and_text_are_both_looked_for():
    assert needles("65 64") == [(b"ed", False), (b"65 64", True)]
    assert needles("Ed") == [(b"\xed", False), (b"ed", True)]  # both: a byte, two letters
    assert needles("Hi") == [(b"hi", True)]  # not hex pairs: text, any case
    assert needles("6") == [(b"6", True)]


def test_a_match_across_rows_is_found_and_marked_on_each_row():
    lines = HexLines(b"abcdefgh", per_line=4)  # rows: abcd / efgh
    find = HexFind("64 65", [], lines)
    find.advance(1.0)
    assert find.status() == "1 match"
    assert marked(find, lines, 0) == ["64", "d"]
    assert marked(find, lines, 1) == ["65", "e"]
    find.step(1)
    assert find.match(0) == (0, 19, 21)  # its first byte's pair, for scrolling
    assert {str(s.style) for s in find.highlight(1, Text(lines[1])).spans} == {CURRENT_MATCH_STYLE}
    text = HexFind("CDEF", [], lines)  # as text, any case, across the row too
    text.advance(1.0)
    assert marked(text, lines, 0) == ["63 64", "cd"] and marked(text, lines, 1) == ["65 66", "ef"]
    assert {str(s.style) for s in text.highlight(0, Text(lines[0])).spans} == {MATCH_STYLE}


async def test_find_in_hex_at_80x24_finds_bytes_that_straddle_two_rows():
    app = WhisperApp(Settings(port=0))
    async with app.run_test(size=(80, 24)) as pilot:
        await capture_one(pilot, app, b"xxxed", b"Content-Type: application/octet-stream")
        await pilot.press("v", "v")
        await wait_for_screen(pilot, app, "|xxxe|")  # 4 bytes a row: e ends it, d starts the next
        app.detail.find("65 64")
        await wait_until(pilot, lambda: app.detail.find_status == "1 match")
        app.detail.find("6564")
        await wait_until(pilot, lambda: app.detail.find_status == "1 match")


def test_one_slice_of_a_body_where_every_byte_matches_is_small():
    # The budget is checked between chunks: a 256 KiB chunk of zeros searched for `00` made
    # ~130,000 matches in one call, about half a second on the loop the server shares.
    find = HexFind("00", [], HexLines(b"\x00" * (1 << 20), 4))
    find.advance(0.0)  # a spent budget: one chunk, then back to the loop
    assert 0 < len(find._spans) <= CHUNK and not find.done
