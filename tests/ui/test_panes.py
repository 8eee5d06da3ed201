"""The panes: side by side from 80 columns, stacked below; the column titles fit the list."""

from __future__ import annotations

import pytest
from textual.widgets import Static

from tests.helpers import (
    screen_text,
    wait_for_list,
    wait_for_screen,
    wait_until,
    wait_until_settled,
)
from whisper_tui.core.models import CapturedRequest
from whisper_tui.core.settings import Settings
from whisper_tui.core.store import RequestStore
from whisper_tui.ui.app import WhisperApp
from whisper_tui.ui.diff_screen import DiffScreen
from whisper_tui.ui.list_rows import column_header

JSON_BODY = b'{"type":"invoice.paid","data":{"object":{"id":"in_1","amount_paid":4200}}}'


# -- small screens (issue 19) --------------------------------------------------------------------


def stored_app() -> WhisperApp:
    store = RequestStore()
    for number in range(1, 31):
        store.add(
            CapturedRequest(
                number,
                1_764_000_000.0 + number,
                "127.0.0.1",
                "POST",
                f"/hooks/n/{number}",
                (1, 1),
                ((b"Content-Type", b"application/json"),),
                JSON_BODY,
            )
        )
    return WhisperApp(Settings(port=8080), store=store, serve=False)


@pytest.mark.parametrize("size", [(40, 15), (60, 20), (79, 24)])
async def test_below_80_columns_the_list_sits_above_the_detail_both_full_width(size):
    app = stored_app()
    async with app.run_test(size=size) as pilot:
        await wait_for_list(pilot, app, 30)
        await wait_for_screen(pilot, app, "/hooks/n/30", "Headers (1)")
        await wait_until_settled(pilot)
        listed, detail = app.request_list.region, app.detail.region
        assert listed.width >= size[0] - 1 and detail.width >= size[0] - 1
        assert listed.bottom <= detail.y and listed.height >= 3 and detail.height >= 5
        assert "/hooks/n/30" in screen_text(app) and "Headers (1)" in screen_text(app)
        for _ in range(2):  # Tab reaches only panes that are on screen, never an empty one
            await pilot.press("tab")
            focused = app.focused
            assert focused is not None and focused.region.width and focused.region.height


@pytest.mark.parametrize("size", [(80, 24), (200, 50)])
async def test_from_80_columns_the_panes_stand_side_by_side(size):
    app = stored_app()
    async with app.run_test(size=size) as pilot:
        await wait_for_list(pilot, app, 30)
        await wait_until_settled(pilot)
        listed, detail = app.request_list.region, app.detail.region
        assert listed.right <= detail.x and listed.y - 1 == detail.y  # the column titles
        assert listed.width >= 32 and detail.width >= 42


async def test_resizing_across_80_columns_stacks_and_unstacks_the_panes():
    app = stored_app()
    async with app.run_test(size=(120, 30)) as pilot:
        await wait_for_list(pilot, app, 30)
        await pilot.resize_terminal(60, 20)
        await wait_until(pilot, lambda: app.request_list.region.bottom <= app.detail.region.y)
        await pilot.resize_terminal(120, 30)
        await wait_until(pilot, lambda: app.request_list.region.right <= app.detail.region.x)
        assert app.detail.region.width >= 40


async def test_the_column_titles_fit_the_list_after_a_resize_under_the_diff_screen():
    """Resized while the diff covered it: the titles were laid out for the size the covered
    list had before (the app's resize came before the covered screen's layout), so the list
    came back with titles for another width ('Time Method Path' over rows without a time,
    Size and Ans cut off) until the next resize."""
    app = stored_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for_list(pilot, app, 30)
        for size in ((200, 50), (80, 24)):
            await pilot.press("m", "k", "d")  # the marked capture against the one above it
            await wait_until(pilot, lambda: isinstance(app.screen, DiffScreen))
            await pilot.resize_terminal(*size)
            await wait_until_settled(pilot)
            await pilot.press("escape")
            await wait_until(pilot, lambda: not isinstance(app.screen, DiffScreen))
            await wait_until_settled(pilot)
            titles = str(app.query_one("#list-columns", Static).render())
            width = app.request_list.row_layout_width
            assert app.size.width == size[0]
            assert titles.rstrip() == column_header(width, app.request_list.shape).plain.rstrip()


# -- Tab switches panes --------------------------------------------------------------------------


async def test_tab_and_shift_tab_switch_panes_and_never_enter_an_applied_filter():
    """With a filter applied, Tab went into the filter field with its text selected: the next
    keys replaced the filter ('Tab k k' left 'showing 0 of 15 for kk')."""
    app = stored_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for_list(pilot, app, 30)
        await pilot.press("slash", *"n/1", "enter")
        await wait_until(pilot, lambda: len(app.request_list.view) == 11)  # 1, 10..19
        assert app.focused is app.request_list
        for key in ("tab", "shift+tab", "shift+tab", "tab", "tab", "k", "k"):
            before = app.focused
            await pilot.press(key)
            if key in ("tab", "shift+tab"):
                assert app.focused is (
                    app.detail if before is app.request_list else app.request_list
                )
        field = app.screen.query_one("#filter")
        assert field.value == "n/1" and app.request_list.view.text == "n/1"


async def test_the_filter_field_reopened_keeps_its_text_whole_and_types_after_it():
    app = stored_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for_list(pilot, app, 30)
        await pilot.press("slash", *"n/1", "enter")
        await wait_until(pilot, lambda: app.request_list.view.text == "n/1")
        await pilot.press("slash", "0", "enter")
        await wait_until(pilot, lambda: app.request_list.view.text == "n/10")
        assert len(app.request_list.view) == 1
