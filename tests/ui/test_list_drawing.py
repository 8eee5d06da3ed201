"""The list's rows drawn: methods coloured, the cursor's row standing out, wide characters
measured in cells, an empty filter result said where the rows would be."""

from __future__ import annotations

import pytest
from rich.cells import cell_len

from tests.helpers import wait_for_list, wait_for_screen, wait_until
from tests.ui.test_request_list import app_with, capture
from whisper_tui.core.models import CapturedRequest

pytestmark = pytest.mark.usefixtures("utc")


async def test_the_method_is_coloured_and_the_cursor_row_stands_out():
    app = app_with(capture(1, "/a", method="GET"), capture(2, "/b", method="DELETE"))
    async with app.run_test(size=(140, 30)) as pilot:
        await wait_for_list(pilot, app, 2)
        shown = app.request_list

        def method_colour(y: int, method: str) -> str:
            [segment] = [s for s in shown.render_line(y) if s.text.strip() == method]
            return segment.style.color.name

        # The theme's success and error colours (made readable by palette.py) off the cursor
        # row (on it they are moved to read on its ground: tests/ui/test_selection.py).
        assert method_colour(0, "GET") == app.theme_variables["text-success"].lower()
        await pilot.press("k")
        await wait_until(pilot, lambda: shown.cursor == 0)
        assert method_colour(1, "DELETE") == app.theme_variables["text-error"].lower()
        await pilot.press("j")
        await wait_until(pilot, lambda: shown.cursor == 1)

        def background(y: int):
            return {s.style.bgcolor for s in shown.render_line(y) if s.style}

        # The cursor is on the newest row; its background differs from the other row's, and
        # again when the list loses focus (the cursor dims but stays visible).
        focused = background(1)
        assert focused != background(0)
        await pilot.press("tab")
        await wait_until(pilot, lambda: background(1) not in (focused, background(0)))


async def test_rows_with_wide_characters_keep_every_column_in_place():
    # aiohttp's parser refuses raw UTF-8 in a request target, but a HAR file (--load) can
    # carry one; each CJK character and the emoji take two cells. A row measured in
    # characters would push the size column right, past the pane.
    app = app_with()
    async with app.run_test(size=(120, 30)) as pilot:
        plain = CapturedRequest(1, 1.0, "127.0.0.1", "POST", "/plain", (1, 1), (), b"x" * 17)
        wide = CapturedRequest(
            2, 2.0, "127.0.0.1", "POST", "/注文/確認済み/🎉/" + "長" * 60, (1, 1), (), b"y" * 17
        )
        app.store.add(plain)
        app.store.add(wide)
        await wait_for_list(pilot, app, 2)
        shown = app.request_list
        width = shown.scrollable_content_region.width
        rows = [shown.render_line(y) for y in range(2)]
        assert [row.cell_length for row in rows] == [width, width]
        texts = [row.text for row in rows]
        assert "/plain" in texts[0]
        # Shortened in the middle: its first segment, then its end.
        assert texts[1].split()[2].startswith("/注文/…長長")
        # The size column ends at the same cell in both rows.
        ends = [cell_len(text[: text.index("17 B") + len("17 B")]) for text in texts]
        assert ends[0] == ends[1]


async def test_a_filter_with_no_match_says_so():
    app = app_with(capture(1, "/a"), capture(2, "/b"))
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for_list(pilot, app, 2)
        await pilot.press("slash", *"xyz", "enter")
        await wait_for_screen(pilot, app, "no capture matches 'xyz'", "showing 0 of 2")
