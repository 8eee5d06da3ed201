"""What the list's columns need: the signature column from the first signed capture, the
width long paths ask for, rows laid out for the scrollbar's column so titles stay over them."""

from __future__ import annotations

import pytest

from tests.helpers import (
    screen_text,
    wait_for_list,
    wait_for_screen,
    wait_until,
    wait_until_settled,
)
from tests.ui.test_request_list import (
    JSON,
    app_with,
    capture,
    left_width,
    list_row,
    list_screen_line,
    screen_line,
)
from whisper_tui.ui.list_rows import columns_for

pytestmark = pytest.mark.usefixtures("utc")


async def test_the_signature_column_appears_with_the_first_signed_capture_titles_and_all():
    app = app_with(capture(1, "/plain"))
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for_screen(pilot, app, "Method", "/plain")
        titles = screen_line(app, "Method")
        assert list_row(app, "/plain").startswith(" POST")  # no blank marker columns
        signed = (*JSON, (b"Stripe-Signature", b"t=1,v1=00"))
        app.store.add(capture(2, "/signed", headers=signed))
        await wait_for_screen(pilot, app, "/signed")
        await wait_until_settled(pilot)
        assert list_row(app, "/signed").startswith(" ? POST")
        assert list_row(app, "/plain").startswith("   POST")
        moved = screen_line(app, "Method")
        assert moved.index("Method") == titles.index("Method") + 2
        assert moved.index("Path") == list_screen_line(app, "/signed").index("/signed")


async def test_the_list_widens_for_long_paths_and_leaves_the_detail_its_share():
    query = "/hooks/stripe?account=acct_1&event=invoice.paid&attempt=3"
    app = app_with(capture(1, query), capture(2, "/hooks/short"))
    async with app.run_test(size=(200, 50)) as pilot:
        await wait_for_list(pilot, app, 2)
        await wait_until(pilot, lambda: f" {query} " in screen_text(app))
        assert 90 < left_width(app) <= 120
        assert app.detail.size.width >= 80
    app = app_with(capture(1, query))
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for_list(pilot, app, 1)
        # The detail keeps 42 cells at 80 columns (40 left it 36 cells of text).
        assert left_width(app) == 38
        assert app.detail.region.width == 42
    app = app_with(capture(1, "/a"))
    async with app.run_test(size=(200, 50)) as pilot:
        await wait_for_list(pilot, app, 1)
        await pilot.pause()
        assert left_width(app) < 90  # short paths: the detail gets the room


async def test_the_column_titles_follow_the_rows_when_the_scrollbar_appears_and_goes():
    # The bar takes a column from the rows without a resize: the titles stayed laid out for
    # the width before it, a column right of the rows, until the next resize.
    app = app_with(capture(1, "/n/1"))
    async with app.run_test(size=(140, 24)) as pilot:
        await wait_for_screen(pilot, app, "Method", "/n/1")

        async def lined_up(newest: int, bar: bool) -> None:
            await wait_until(pilot, lambda: app.request_list.show_vertical_scrollbar == bar)
            await wait_until_settled(pilot)
            titles = screen_line(app, "Method")
            row = screen_line(app, f"16:00:{newest:02} POST")  # its row, not the detail's
            assert titles.index("Size") + len("Size") == row.index("17 B") + len("17 B")
            assert titles.index("Ans") + len("Ans") == row.index("200") + len("200")

        await lined_up(1, bar=False)
        for n in range(2, 41):  # past the pane's height: the scrollbar appears
            app.store.add(capture(n, f"/n/{n}"))
        await wait_for_list(pilot, app, 40)
        await lined_up(40, bar=True)
        await pilot.press("X")  # all gone: the bar goes, and the titles follow it back
        app.store.add(capture(41, "/n/41"))
        await wait_for_list(pilot, app, 1)
        await lined_up(41, bar=False)


async def test_a_path_that_fit_still_fits_once_the_scrollbar_appears_and_titles_stay_over_it():
    # Newcomer C: past a screenful, '/hooks/shopify' became '/hooks…hopify' (the scrollbar
    # took a column from the path), and the titles stayed laid out for the wider rows.
    app = app_with()
    async with app.run_test(size=(80, 24)) as pilot:
        shown = app.request_list
        path_width = columns_for(shown.row_layout_width, shown.shape).path_width
        fitting = "/" + "p" * (path_width - 1)
        app.store.add(capture(1, fitting))
        await wait_for_list(pilot, app, 1)
        assert not shown.show_vertical_scrollbar
        assert fitting in list_row(app, fitting)
        for number in range(2, 40):
            app.store.add(capture(number, "/n"))
        await wait_for_list(pilot, app, 39)
        await wait_until(pilot, lambda: shown.show_vertical_scrollbar)
        await pilot.press("g")
        await wait_until_settled(pilot)
        assert fitting in list_row(app, fitting)
        row = list_screen_line(app, fitting)
        titles = screen_line(app, "Method")
        assert titles.index("Path") == row.index(fitting)
        assert titles.index("Ans") + 3 == row.index(" 200") + 4
