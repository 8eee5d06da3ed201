"""A big body's lines are counted and measured between frames: the sideways extent grows as
they are, and G keeps to the end until all is laid out."""

from __future__ import annotations

import json

import pytest

from tests.helpers import wait_for_screen, wait_until
from tests.ui.test_detail import LONG_LINE, DetailApp, capture, text_capture

pytestmark = pytest.mark.usefixtures("utc")


async def test_the_sideways_extent_grows_as_a_big_bodys_lines_are_measured():
    app = DetailApp()
    async with app.run_test(size=(80, 24)) as pilot:
        lines_ = [f"line {n}" for n in range(3_000)] + [LONG_LINE]
        app.show(text_capture("\n".join(lines_)))
        detail = app.detail
        await wait_until(pilot, lambda: detail.virtual_size.width >= 307, timeout=10)
        detail.scroll_to(y=30_000, x=400, animate=False, immediate=True)
        await wait_for_screen(pilot, app, "END-OF-LINE-307")


async def test_g_reaches_the_end_of_a_body_still_being_laid_out():
    app = DetailApp()
    async with app.run_test(size=(80, 24)) as pilot:
        items = [{"x": n} for n in range(3_000)] + [{"x": "THE-END"}]
        app.show(capture(body=json.dumps(items).encode()))
        detail = app.detail
        # Its lines are counted a few ms every 20 ms from here, done 50-80 ms later: held
        # (Textual's Timer.pause) until G is pressed, so G surely sees a part laid out.
        counter = detail._counter
        counter.pause()
        detail.focus()
        await wait_for_screen(pilot, app, '"x": 0')
        assert not detail.body_view.lines.complete
        await pilot.press("G")
        detail.refresh()  # the frame the counter would draw (a ScrollView's G waits for one)
        await wait_until(pilot, lambda: detail.scroll_y == detail.max_scroll_y > 0)
        assert not detail.body_view.lines.complete
        counter.resume()
        # The end G saw was where counting had got to; the view follows it to the real end.
        await wait_for_screen(pilot, app, '"x": "THE-END"')
        assert detail.scroll_y == detail.max_scroll_y
