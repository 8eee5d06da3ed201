"""A big body's lines are counted and measured between frames: the sideways extent grows as
they are, and G keeps to the end until all is laid out."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator

import pytest

from tests.helpers import wait_for_screen, wait_until
from tests.ui.test_detail import LONG_LINE, DetailApp, capture, text_capture
from whisper_tui.core.contentviews import LazyLines
from whisper_tui.ui import scrolling

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


def gated(lines: LazyLines) -> threading.Event:
    """Lines whose next ones wait (10 s at most) until the returned event is set."""
    gate, source = threading.Event(), lines._source

    def held() -> Iterator[str]:
        gate.wait(timeout=10)
        yield from source

    lines._source = held()
    return gate


async def test_g_reaches_the_end_of_a_body_still_being_counted(monkeypatch):
    monkeypatch.setattr(scrolling, "SHOW_PART_AFTER", 0)  # the end so far, at once
    app = DetailApp()
    async with app.run_test(size=(80, 24)) as pilot:
        items = [{"x": n} for n in range(3_000)] + [{"x": "THE-END"}]
        app.show(capture(body=json.dumps(items).encode()))
        detail = app.detail
        # The worker counts the lines from the first await on, done a few ms later: held
        # (the body's re-indented lines come only once the gate opens) until G is pressed, so
        # G surely sees a part counted.
        gate = gated(detail.body_view.lines)
        try:
            detail.focus()
            await wait_for_screen(pilot, app, '"x": 0')
            await pilot.press("G")
            await wait_until(pilot, lambda: detail.scroll_y == detail.max_scroll_y > 0)
            assert not detail.body_view.lines.complete
        finally:
            gate.set()
        # The end G saw was where counting had got to; the view follows it to the real end.
        await wait_for_screen(pilot, app, '"x": "THE-END"')
        assert detail.scroll_y == detail.max_scroll_y


async def test_g_waits_for_the_count_rather_than_draw_each_end_on_the_way(monkeypatch):
    # Each end on the way is a screen of lines highlighted: a count that ends soon is
    # waited for (G then draws the body's end once).
    monkeypatch.setattr(scrolling, "SHOW_PART_AFTER", 60)
    app = DetailApp()
    async with app.run_test(size=(80, 24)) as pilot:
        items = [{"x": n} for n in range(3_000)] + [{"x": "THE-END"}]
        app.show(capture(body=json.dumps(items).encode()))
        detail = app.detail
        gate = gated(detail.body_view.lines)
        try:
            detail.focus()
            await wait_for_screen(pilot, app, '"x": 0')
            await pilot.press("G")
            await pilot.pause(0.3)  # the loop's looks at the count go on meanwhile
            assert detail.scroll_y == 0 and detail.still_growing()
        finally:
            gate.set()
        await wait_for_screen(pilot, app, '"x": "THE-END"')
        assert detail.scroll_y == detail.max_scroll_y > 8_900


def big_json() -> bytes:
    """9,006 lines of JSON (kept under the detail's inline limit, so show() sets it up
    before the test's next await), the last item marked, then a line too long for 80 cells."""
    items: list[object] = [{"x": n} for n in range(3_000)] + [{"x": "LAST-ITEM"}]
    return json.dumps([*items, "y" * 100 + "THE-END"]).encode()


def hold_the_loops_slices(detail) -> None:
    """The detail's timer (its looks at the count, its slices of finding) stopped for good:
    whatever is counted from here is counted elsewhere."""
    detail._counter.pause()


def counted(detail) -> bool:
    """Every line of the body produced, measured and (wrap on) given its rows."""
    return detail.body_view.lines.complete and detail._layout.caught_up


async def test_a_big_bodys_lines_are_counted_and_measured_off_the_loop():
    app = DetailApp()
    async with app.run_test(size=(80, 24)) as pilot:
        app.show(capture(body=big_json()))
        detail = app.detail
        hold_the_loops_slices(detail)
        assert not detail.body_view.lines.complete
        await wait_until(pilot, lambda: counted(detail))
        # Every line is counted and measured, the widest (the long string) included.
        assert len(detail.body_view.lines) == 9_006
        assert detail._layout.longest == len('  "' + "y" * 100 + 'THE-END"')


@pytest.mark.parametrize("wrap", [False, True])
async def test_g_lands_on_a_big_bodys_last_line_and_g_goes_back_to_the_top(wrap):
    app = DetailApp()
    async with app.run_test(size=(80, 24)) as pilot:
        app.show(capture(body=big_json()))
        detail = app.detail
        hold_the_loops_slices(detail)
        detail.focus()
        if wrap:
            await pilot.press("w")
        await wait_for_screen(pilot, app, "[")
        await pilot.press("G")
        await wait_until(pilot, lambda: not detail.still_growing())
        text = await wait_for_screen(pilot, app, '"x": "LAST-ITEM"')
        assert detail.scroll_y == detail.max_scroll_y > 8_900
        bottom = detail.render_line(detail.scrollable_content_region.height - 1)
        assert bottom.text.rstrip() == "]"  # the body's last line on the bottom row
        # Wrapped, the long line's end shows above it; unwrapped, it runs off to the right.
        assert ("THE-END" in text) == wrap
        await pilot.press("g")
        await wait_for_screen(pilot, app, "POST /hooks/stripe")
        assert detail.scroll_y == 0


async def test_find_reaches_a_match_at_the_end_of_a_body_counted_off_the_loop():
    app = DetailApp()
    async with app.run_test(size=(80, 24)) as pilot:
        app.show(capture(body=big_json()))
        detail = app.detail
        hold_the_loops_slices(detail)
        detail.focus()
        await pilot.press("w")
        await wait_until(pilot, lambda: counted(detail))
        # The count's end was looked at when the worker said so; the search that f starts
        # runs in slices of a new timer.
        await pilot.press("f", *"the-end", "enter")
        await wait_until(pilot, lambda: detail.find_status == "match 1 of 1")
        await wait_for_screen(pilot, app, "THE-END")
        assert detail.scroll_y > 8_900
