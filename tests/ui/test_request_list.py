"""The list of captures: one row each, oldest first, following new arrivals, drawn virtually."""

from __future__ import annotations

import aiohttp
import pytest
from textual import events

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

pytestmark = pytest.mark.usefixtures("utc")

AT = 1_764_000_000.0  # 2025-11-24 16:00:00 UTC
JSON = ((b"Content-Type", b"application/json"),)


def capture(
    request_id: int,
    target: str = "/hooks/x",
    body: bytes = b"x" * 17,
    method: str = "POST",
    headers: tuple[tuple[bytes, bytes], ...] = JSON,
    **changes: object,
) -> CapturedRequest:
    return CapturedRequest(
        request_id,
        AT + request_id,
        "127.0.0.1",
        method,
        target,
        (1, 1),
        headers,
        body,
        **changes,  # type: ignore[arg-type]
    )


def app_with(*captures: CapturedRequest, **settings: object) -> WhisperApp:
    """The real app over a prepared store, not listening (as the snapshot tests run it)."""
    store = RequestStore(**settings)  # type: ignore[arg-type]
    for request in captures:
        store.add(request)
    return WhisperApp(Settings(**settings), store=store, serve=False)  # type: ignore[arg-type]


def screen_line(app: WhisperApp, needle: str) -> str:
    """The one line of the screen holding needle."""
    [line] = [line for line in screen_text(app).splitlines() if needle in line]
    return line


def list_screen_line(app: WhisperApp, needle: str) -> str:
    """The list's part of the one screen line whose list part holds needle."""
    right = app.request_list.region.right
    [line] = [line[:right] for line in screen_text(app).splitlines() if needle in line[:right]]
    return line


def list_row(app: WhisperApp, path: str) -> str:
    """The list's row for the capture with this path, as drawn."""
    shown = app.request_list
    [row] = [
        text
        for y in range(shown.scrollable_content_region.height)
        if f" {path} " in (text := shown.render_line(y).text)
    ]
    return row


# -- the list in the app ------------------------------------------------------------------------


async def test_every_capture_gets_a_row_oldest_first():
    app = app_with(capture(1, "/first"), capture(2, "/second"), capture(3, "/third"))
    async with app.run_test(size=(140, 30)) as pilot:
        await wait_for_list(pilot, app, 3)
        shown = app.request_list
        rows = [shown.render_line(y).text for y in range(4)]
        assert ["/first" in rows[0], "/second" in rows[1], "/third" in rows[2]] == [True] * 3
        assert rows[3].strip() == ""  # past the last capture: a blank line
        width = shown.scrollable_content_region.width
        assert [shown.render_line(y).cell_length for y in range(4)] == [width] * 4


async def test_the_column_titles_above_the_list_line_up_with_its_rows():
    app = app_with(capture(1, "/hooks/x"))
    async with app.run_test(size=(140, 30)) as pilot:
        await wait_for_screen(pilot, app, "Method", "/hooks/x")
        titles = screen_line(app, "Method")
        row = screen_line(app, "16:00:01")
        assert titles.index("Path") == row.index("/hooks/x")
        assert titles.index("Size") + len("Size") == row.index("17 B") + len("17 B")


async def test_list_follows_newest_until_the_user_moves_away():
    app = app_with()

    def shown() -> str | None:
        return app.detail.request.target if app.detail.request else None

    async with app.run_test(size=(160, 45)) as pilot:
        for number in range(3):
            app.store.add(capture(number + 1, f"/n/{number}"))
        await wait_until(pilot, lambda: shown() == "/n/2")
        await pilot.press("k")
        await wait_until(pilot, lambda: shown() == "/n/1")
        app.store.add(capture(4, "/n/3"))
        await wait_for_screen(pilot, app, "/n/3", "4 requests")
        assert shown() == "/n/1"  # the new arrival did not steal the selection
        assert not app.request_list.following
        await pilot.press("G")
        await wait_until(pilot, lambda: shown() == "/n/3")
        app.store.add(capture(5, "/n/4"))
        await wait_until(pilot, lambda: shown() == "/n/4")  # following again
        await pilot.press("g")
        await wait_until(pilot, lambda: shown() == "/n/0")


async def test_the_selection_stays_on_its_capture_while_older_ones_are_evicted():
    app = app_with(*(capture(n, f"/n/{n}") for n in range(1, 6)), max_requests=5)
    async with app.run_test(size=(140, 30)) as pilot:
        await wait_for_list(pilot, app, 5)
        await pilot.press("k", "k")  # on /n/3, two from the end
        await wait_until(pilot, lambda: app.request_list.selected.target == "/n/3")
        for n in range(6, 8):  # evicts /n/1 and /n/2
            app.store.add(capture(n, f"/n/{n}"))
        await wait_for_screen(pilot, app, "/n/7")
        assert app.request_list.selected.target == "/n/3"
        assert app.request_list.cursor == 0  # now the oldest kept
        assert "/n/1 " not in screen_text(app)


async def test_m_marks_the_selected_row_and_shift_m_clears_every_mark():
    app = app_with(capture(1, "/a"), capture(2, "/b"), capture(3, "/c"))
    async with app.run_test(size=(140, 30)) as pilot:
        await wait_for_list(pilot, app, 3)
        await pilot.press("m", "k", "k", "m")
        await wait_until(pilot, lambda: "●" in list_row(app, "/a"))
        assert "●" in list_row(app, "/c")
        assert "●" not in list_row(app, "/b")
        assert list(app.request_list.marked) == [3, 1]  # in the order marked
        await pilot.press("m")  # again on /a: unmarked
        await wait_until(pilot, lambda: "●" not in list_row(app, "/a"))
        await pilot.press("M")
        await wait_until(pilot, lambda: "●" not in screen_text(app))
        assert not app.request_list.marked


def visible_paths(app: WhisperApp) -> list[str]:
    """The paths of the rows the list draws in its pane, top to bottom."""
    shown = app.request_list
    rows = (shown.render_line(y).text for y in range(shown.scrollable_content_region.height))
    # The path is the word that starts with '/': narrow lists leave the time out.
    return [next(w for w in row.split() if w.startswith("/")) for row in rows if row.strip()]


async def test_a_long_list_is_drawn_virtually_and_g_and_shift_g_jump_to_either_end():
    count = 20_000
    app = app_with(*(capture(n, f"/n/{n}") for n in range(1, count + 1)))
    async with app.run_test(size=(140, 30)) as pilot:
        await wait_for_list(pilot, app, count)
        shown = app.request_list
        # One line per capture in the scrollable size, but only a screenful drawn.
        assert shown.virtual_size.height == count

        def page(first: int) -> list[str]:
            height = shown.scrollable_content_region.height
            return [f"/n/{n}" for n in range(first, first + height)]

        await pilot.press("g")
        await wait_until(pilot, lambda: visible_paths(app) == page(1))
        assert shown.selected.target == "/n/1"
        await pilot.press("G")
        await wait_until(pilot, lambda: visible_paths(app) == page(count - len(page(1)) + 1))
        assert visible_paths(app)[-1] == f"/n/{count}"
        assert shown.selected.target == f"/n/{count}"


async def test_a_list_longer_than_its_pane_has_no_horizontal_scrollbar():
    app = app_with(*(capture(n, f"/n/{n}") for n in range(1, 101)))
    async with app.run_test(size=(140, 30)) as pilot:
        await wait_for_list(pilot, app, 100)
        await wait_until_settled(pilot)  # the scrollbars settled: the check is that none appears
        assert not app.request_list.show_horizontal_scrollbar


async def test_a_list_loaded_at_start_opens_scrolled_to_the_selected_newest_capture():
    app = app_with(*(capture(n, f"/n/{n}") for n in range(1, 101)))
    async with app.run_test(size=(140, 30)) as pilot:
        await wait_for_list(pilot, app, 100)
        assert app.request_list.selected.target == "/n/100"
        await wait_until(pilot, lambda: "/n/100" in visible_paths(app), timeout=0.5)


async def test_a_burst_that_first_overflows_the_pane_keeps_the_newest_row_on_screen():
    app = app_with()
    async with app.run_test(size=(140, 30)) as pilot:
        for n in range(1, 21):
            app.store.add(capture(n, f"/n/{n}"))
        await wait_for_list(pilot, app, 20)
        for n in range(21, 41):
            app.store.add(capture(n, f"/n/{n}"))
        await wait_for_list(pilot, app, 40)
        assert app.request_list.selected.target == "/n/40"
        # Shown at the next redraw; how soon that is under load is not this test's to say.
        await wait_until(pilot, lambda: "/n/40" in visible_paths(app))


async def test_rows_first_overflowing_the_pane_reach_the_newest_when_the_layout_comes_late():
    # The ordering a busy loop can give: the list's after-refresh callback runs before the
    # layout that adds its scrollbar (held off here by a batch update). The newest row stayed
    # below the pane until the next arrival.
    app = app_with()
    async with app.run_test(size=(140, 30)) as pilot:
        for n in range(1, 21):
            app.store.add(capture(n, f"/n/{n}"))
        await wait_for_list(pilot, app, 20)
        with app.batch_update():
            for n in range(21, 41):
                app.store.add(capture(n, f"/n/{n}"))
            app.request_list.sync()
            await pilot.pause()
        assert app.request_list.selected.target == "/n/40"
        await wait_until(pilot, lambda: "/n/40" in visible_paths(app))


def scrollbar_agrees(app: WhisperApp) -> bool:
    """The thumb stands for the rows shown (Textual leaves a hidden bar's position alone)."""
    shown = app.request_list
    return not shown.show_vertical_scrollbar or shown.vertical_scrollbar.position == shown.scroll_y


@pytest.mark.parametrize("small", [(80, 24), (60, 20)])
async def test_the_cursor_row_stays_in_view_when_a_resize_makes_the_list_shorter(small):
    """Following #35 of 35 at 80x24, resized to 200x50 (every row fits) and back: the list
    kept its top row and showed #1..#6 while the detail showed #35, the thumb mid-way."""
    app = app_with(*(capture(n, f"/n/{n}") for n in range(1, 36)))
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for_list(pilot, app, 35)
        await wait_until(pilot, lambda: "/n/35" in visible_paths(app))
        for size in ((200, 50), small):
            await pilot.resize_terminal(*size)
            await wait_until_settled(pilot)
            assert app.request_list.selected.target == "/n/35"
            assert visible_paths(app)[-1] == "/n/35"
            assert scrollbar_agrees(app)


async def test_the_thumb_matches_the_rows_after_the_bar_was_hidden_by_a_taller_terminal():
    app = app_with(*(capture(n, f"/n/{n}") for n in range(1, 36)))
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for_list(pilot, app, 35)
        await pilot.resize_terminal(200, 50)
        await wait_until_settled(pilot)
        await pilot.press("g")  # the top: the scroll stays at 0 when the bar comes back
        await pilot.resize_terminal(80, 24)
        await wait_until_settled(pilot)
        assert visible_paths(app)[0] == "/n/1"
        assert app.request_list.show_vertical_scrollbar and scrollbar_agrees(app)


async def test_the_cursor_row_stays_in_view_when_the_filter_bar_opens():
    app = app_with(*(capture(n, f"/n/{n}") for n in range(1, 36)))
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for_list(pilot, app, 35)
        await wait_until(pilot, lambda: visible_paths(app)[-1:] == ["/n/35"])
        before = app.request_list.scrollable_content_region.height
        await pilot.press("slash")
        await wait_until(pilot, lambda: app.request_list.scrollable_content_region.height < before)
        await wait_until_settled(pilot)
        assert visible_paths(app)[-1] == "/n/35"
        assert scrollbar_agrees(app)


async def test_page_down_moves_the_cursor_by_a_screenful():
    app = app_with(*(capture(n, f"/n/{n}") for n in range(1, 101)))
    async with app.run_test(size=(140, 30)) as pilot:
        await wait_for_list(pilot, app, 100)
        await pilot.press("g", "pagedown")
        height = app.request_list.scrollable_content_region.height
        await wait_until(pilot, lambda: app.request_list.cursor == height - 1)
        assert visible_paths(app)[-1] == f"/n/{height}"  # the cursor's row, at the bottom


# -- the answer column, widths, new arrivals ----------------------------------------------------


async def post(app: WhisperApp, path: str) -> int:
    async with (
        aiohttp.ClientSession() as session,
        session.post(f"http://127.0.0.1:{app.port}{path}", data=b"{}") as response,
    ):
        await response.read()
        return response.status


def left_width(app: WhisperApp) -> int:
    """The list's column: titles, rows and the filter field."""
    return app.screen.query_one("#left").size.width


def top_line(app: WhisperApp) -> str:
    return screen_text(app).splitlines()[0]


async def test_a_delivery_answered_500_shows_500_in_its_row_at_80x24():
    app = WhisperApp(Settings(port=0))
    async with app.run_test(size=(80, 24)) as pilot:
        assert await post(app, "/hooks/ok") == 200
        await pilot.press("a")  # answer mode: 500
        assert await post(app, "/hooks/failing") == 500
        await wait_for_list(pilot, app, 2)
        assert list_row(app, "/hooks/failing").split()[-1] == "500"
        assert list_row(app, "/hooks/ok").split()[-1] == "200"
        # On the terminal: the list's part of the line (the detail shows the request too).
        lines = screen_text(app).splitlines()
        rows = [line.split("▊")[1] for line in lines if line.startswith("▊")]
        [row] = [row for row in rows if "/hooks/failing " in row]
        assert row.split()[-1] == "500"
        assert "Ans" in screen_line(app, "Method")


async def test_a_failed_forward_is_marked_after_the_answer(down_port):
    refused = f"http://127.0.0.1:{down_port}"
    app = WhisperApp(Settings(port=0, forward_url=refused))
    async with app.run_test(size=(80, 24)) as pilot:
        assert await post(app, "/hooks/fwd") == 200  # fits the 13 cells of 80x24
        await wait_for_list(pilot, app, 1)
        await wait_until(pilot, lambda: "200!" in list_row(app, "/hooks/fwd"))


async def test_long_paths_stay_distinguishable_at_80x24():
    paths = [
        "/hooks/stripe/events/invoice.paid",
        "/hooks/stripe/events/invoice.payment_failed",
        "/hooks/stripe/events/customer.created",
    ]
    app = app_with(*(capture(n, path) for n, path in enumerate(paths, start=1)))
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for_list(pilot, app, 3)
        # Each keeps its start and its end (paths.shorten_middle's one rule).
        ends = ("/hooks/…voice.paid", "/hooks/…ent_failed", "/hooks/…er.created")
        await wait_for_screen(pilot, app, *ends)
        shown = app.request_list
        rows = [shown.render_line(y).text for y in range(3)]
        assert len(set(rows)) == 3


async def test_new_arrivals_are_counted_while_away_and_end_follows_again():
    app = app_with(capture(1, "/n/1"), capture(2, "/n/2"))
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for_list(pilot, app, 2)
        await pilot.press("k")
        await wait_until(pilot, lambda: top_line(app).rstrip().endswith("End to follow"))
        for n in range(3, 15):
            app.store.add(capture(n, f"/n/{n}"))
        await wait_until(pilot, lambda: "12 new · End to follow" in top_line(app))
        await pilot.press("end")
        await wait_until(pilot, lambda: "End" not in top_line(app))
        assert app.request_list.following
        assert app.request_list.new_while_away == 0


@pytest.mark.parametrize("size", [(80, 24), (200, 50)])
async def test_new_arrivals_the_cursor_moves_onto_are_counted_off(size):
    # Newcomer C: "6 new · End to follow" stayed while on #16 of 18, after passing 13-16.
    app = app_with(*(capture(n, f"/n/{n}") for n in range(1, 13)))
    async with app.run_test(size=size) as pilot:
        await wait_for_list(pilot, app, 12)
        await pilot.press("k")  # on #11: away from the newest
        for n in range(13, 19):
            app.store.add(capture(n, f"/n/{n}"))
        await wait_until(pilot, lambda: "6 new · End to follow" in top_line(app))
        await pilot.press("j", "j")  # onto #12 (old), then #13 (the first new one)
        await wait_until(pilot, lambda: "5 new · End to follow" in top_line(app))
        await pilot.press("j", "j", "j")  # on #16: 17 and 18 not reached yet
        await wait_until(pilot, lambda: "2 new · End to follow" in top_line(app))
        assert app.request_list.new_while_away == 2
        await pilot.press("k", "k")  # back up: what was reached stays counted off
        await wait_until_settled(pilot)
        assert app.request_list.new_while_away == 2
        app.store.add(capture(19, "/n/19"))
        await wait_until(pilot, lambda: "3 new · End to follow" in top_line(app))


async def test_captures_loaded_from_a_file_while_away_are_not_new_but_live_ones_are():
    # --load hands its batches to add_loaded while the user may already have scrolled up:
    # those captures were read from a file, not sent, so only live arrivals are "new".
    app = app_with(capture(1, "/n/1"), capture(2, "/n/2"))
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for_list(pilot, app, 2)
        await pilot.press("k")
        await wait_until(pilot, lambda: top_line(app).rstrip().endswith("End to follow"))
        app.store.add_loaded([capture(n, f"/loaded/{n}") for n in range(3, 500)])
        await wait_for_list(pilot, app, 499)
        await wait_until_settled(pilot)
        assert app.request_list.new_while_away == 0
        assert top_line(app).rstrip().endswith("End to follow") and "new" not in top_line(app)
        app.store.add(capture(500, "/live"))
        await wait_until(pilot, lambda: top_line(app).rstrip().endswith("1 new · End to follow"))
        assert app.request_list.new_while_away == 1


async def test_the_new_count_is_shown_whole_at_80_columns_even_with_a_long_status():
    store = RequestStore()
    store.add(capture(1, "/n/1"))
    store.add(capture(2, "/n/2"))
    settings = Settings(forward_url="http://" + "f" * 80)
    app = WhisperApp(settings, store=store, serve=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for_list(pilot, app, 2)
        await pilot.press("k")
        app.store.add(capture(3, "/n/3"))
        await wait_until(pilot, lambda: top_line(app).rstrip().endswith("1 new · End to follow"))
        assert "f" * 20 not in top_line(app)  # the forward target gave way


# -- the mouse (issue 19) --------------------------------------------------------------------


async def wheel(pilot, widget, down: bool, row: int = 0) -> None:
    """One wheel notch over `widget`'s content row `row`, routed by the app as the driver's."""
    region = widget.content_region
    x, y = region.x + 2, region.y + row
    event = (events.MouseScrollDown if down else events.MouseScrollUp)(
        None, x, y, 0, 1 if down else -1, 0, False, False, False, screen_x=x, screen_y=y
    )
    pilot.app.post_message(event)
    await pilot.pause()


async def test_the_wheel_moves_the_selection_and_an_arrival_leaves_it_where_it_went():
    app = app_with(*(capture(n, f"/n/{n}") for n in range(1, 41)))
    async with app.run_test(size=(100, 20)) as pilot:
        await wait_for_list(pilot, app, 40)
        shown = app.request_list
        assert shown.selected.target == "/n/40"
        for _ in range(3):
            await wheel(pilot, shown, down=False)
        assert shown.selected.target == "/n/37"
        assert not shown.following
        for _ in range(30):
            await wheel(pilot, shown, down=False)
        assert shown.selected.target == "/n/7"
        assert "/n/7" in visible_paths(app)  # the view went with the selection
        top = shown.scroll_y
        app.store.add(capture(41, "/n/41"))
        await wait_for_list(pilot, app, 41)
        # The arrival neither steals the selection nor scrolls the view back to the newest.
        assert shown.selected.target == "/n/7" and shown.scroll_y == top
        await wheel(pilot, shown, down=True)
        assert shown.selected.target == "/n/8"


async def test_a_click_selects_its_row_and_a_click_below_the_last_row_selects_nothing():
    app = app_with(capture(1, "/first"), capture(2, "/second"), capture(3, "/third"))
    async with app.run_test(size=(100, 20)) as pilot:
        await wait_for_list(pilot, app, 3)
        shown = app.request_list
        region = shown.content_region
        assert await pilot.click(offset=(region.x + 5, region.y + 0))
        assert shown.selected.target == "/first"
        # Row 6 is empty: before, the click landed on the newest capture.
        await pilot.click(offset=(region.x + 5, region.y + 6))
        await pilot.pause()
        assert shown.selected.target == "/first"
        await pilot.click(offset=(region.x + 5, region.y + 1))
        assert shown.selected.target == "/second"


async def test_f_on_the_list_finds_in_the_selected_capture_s_detail():
    """f with the list focused did nothing and said nothing (find is the detail's)."""
    app = app_with(capture(1, "/hooks/a", b'{"amount": 4200}'))
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for_list(pilot, app, 1)
        assert app.focused is app.request_list
        await pilot.press("f", *"4200")
        await wait_until(pilot, lambda: "1 match" in screen_text(app))
        assert app.screen.query_one("#find-input").value == "4200"
