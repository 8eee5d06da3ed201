"""Retries in the TUI: the list's repeat marker, the detail's delivery lines, `[` `]`, the
delivery:/repeat: filter and `d` against the previous arrival, with the real server."""

from __future__ import annotations

import aiohttp
import pytest

from tests.helpers import screen_text, wait_for_list, wait_for_screen, wait_until
from whisper_tui.core.settings import Settings
from whisper_tui.ui.app import WhisperApp
from whisper_tui.ui.diff_screen import DiffScreen

pytestmark = pytest.mark.usefixtures("utc")

GITHUB_ID = "72d3162e-cc78-11e3-81ab-4c9367dc0958"
SIZES = {"80x24": (80, 24), "200x50": (200, 50)}


async def post(app: WhisperApp, path: str, delivery: str | None = GITHUB_ID) -> int:
    """A GitHub-style delivery: X-GitHub-Delivery is the id GitHub repeats on a redelivery."""
    headers = {"X-GitHub-Event": "push", "Content-Type": "application/json"}
    if delivery is not None:
        headers["X-GitHub-Delivery"] = delivery
    async with (
        aiohttp.ClientSession() as session,
        session.post(f"http://127.0.0.1:{app.port}{path}", data=b"{}", headers=headers) as answer,
    ):
        await answer.read()
        return answer.status


def rows(app: WhisperApp) -> list[str]:
    shown = app.request_list
    return [shown.render_line(y).text for y in range(len(shown.view))]


def notes(app: WhisperApp) -> list[str]:
    return [str(n.message) for n in app._notifications]


def selected_id(app: WhisperApp) -> int | None:
    request = app.request_list.selected
    return request.id if request else None


@pytest.mark.parametrize("size", SIZES)
async def test_three_arrivals_of_one_delivery_are_marked_counted_and_walked(size):
    app = WhisperApp(Settings(port=0))
    async with app.run_test(size=SIZES[size]) as pilot:
        await pilot.press("a")  # answer mode 500: the provider would retry
        assert await post(app, "/hooks/github") == 500
        await pilot.press("a", "a", "a", "a")  # slow, 410, 429, then normal again
        assert await post(app, "/hooks/other", delivery=None) == 200
        assert await post(app, "/hooks/github") == 200
        assert await post(app, "/hooks/github") == 200
        await wait_for_list(pilot, app, 4)
        # After the mark's cell (unsigned: no signature column), two cells up to ↻9.
        markers = [row[1:4] for row in rows(app)]
        assert markers == ["↻1 ", "   ", "↻2 ", "↻3 "]
        # The cursor follows the newest: the third arrival, whose detail counts them.
        text = await wait_for_screen(pilot, app, "3 times", "▸ #4")
        assert "delivery 72d3" in text
        assert "#1  " in text and "answered 500" in text
        if size == "200x50":
            assert f"delivery {GITHUB_ID} · 3 times · first #1, +" in text
        await pilot.press("left_square_bracket")
        assert selected_id(app) == 3
        await pilot.press("left_square_bracket")  # over the capture with no id
        assert selected_id(app) == 1
        await wait_for_screen(pilot, app, "▸ #1")
        await pilot.press("left_square_bracket")
        assert selected_id(app) == 1
        assert any("is the first arrival of delivery 72d3…0958 (3 times)" in n for n in notes(app))
        await pilot.press("right_square_bracket", "right_square_bracket")
        assert selected_id(app) == 4
        # From the detail too: the keys work wherever the focus is.
        await pilot.press("tab", "left_square_bracket")
        assert selected_id(app) == 3


async def test_the_first_arrival_is_marked_once_its_retry_comes():
    app = WhisperApp(Settings(port=0))
    async with app.run_test(size=(80, 24)) as pilot:
        await post(app, "/hooks/github")
        await post(app, "/hooks/plain", delivery=None)
        await wait_for_list(pilot, app, 2)
        await pilot.press("k")  # stay on the first while the retry arrives
        await wait_for_screen(pilot, app, "delivery 72d3…0958 · once")
        assert "↻" not in rows(app)[0]
        await post(app, "/hooks/github")
        await wait_for_list(pilot, app, 3)
        await wait_until(pilot, lambda: [row[1:3] for row in rows(app)] == ["↻1", "  ", "↻2"])
        # The detail of the first counts the retry without being selected again.
        await wait_for_screen(pilot, app, "2 times", "▸ #1")


@pytest.mark.parametrize("size", SIZES)
async def test_filtering_by_delivery_id_and_by_repeat(size):
    app = WhisperApp(Settings(port=0))
    async with app.run_test(size=SIZES[size]) as pilot:
        for delivery in (GITHUB_ID, "other-delivery", GITHUB_ID, None, GITHUB_ID):
            await post(app, "/hooks/github", delivery)
        await wait_for_list(pilot, app, 5)
        await pilot.press("slash", *"delivery:72d3", "enter")
        await wait_until(pilot, lambda: len(app.request_list.view) == 3)
        assert [app.request_list.view[i].id for i in range(3)] == [1, 3, 5]
        await wait_for_screen(pilot, app, "showing 3 of 5")
        await pilot.press("escape", "slash", *"repeat:yes", "enter")
        await wait_until(pilot, lambda: len(app.request_list.view) == 2)
        assert [app.request_list.view[i].id for i in range(2)] == [3, 5]
        # A retry that arrives joins the filtered list.
        await post(app, "/hooks/github")
        await wait_until(pilot, lambda: len(app.request_list.view) == 3)


async def test_a_hidden_arrival_and_a_capture_without_id_say_why_the_cursor_stays():
    app = WhisperApp(Settings(port=0))
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await post(app, "/hooks/github")
        await post(app, "/hooks/plain", delivery=None)
        await post(app, "/hooks/github")
        await wait_for_list(pilot, app, 3)
        await pilot.press("slash", *"repeat:no", "enter")
        await wait_until(pilot, lambda: len(app.request_list.view) == 2)
        await pilot.press("g")
        assert selected_id(app) == 1
        await pilot.press("right_square_bracket")
        assert selected_id(app) == 1
        assert "#3, the next arrival, is hidden by the filter (Esc clears it)" in notes(app)
        await pilot.press("j", "right_square_bracket")
        assert selected_id(app) == 2
        assert any(n.startswith("#2 carries no delivery id") for n in notes(app))


async def test_d_with_nothing_marked_diffs_a_retry_with_the_arrival_before_it():
    app = WhisperApp(Settings(port=0))
    async with app.run_test(size=(80, 24)) as pilot:
        await post(app, "/hooks/github")
        # Another delivery to the same path in between: without the id rule d would take it.
        await post(app, "/hooks/github", "other-delivery")
        await post(app, "/hooks/github")
        await wait_for_list(pilot, app, 3)
        await pilot.press("d")
        await wait_until(pilot, lambda: isinstance(app.screen, DiffScreen))
        screen = app.screen
        assert isinstance(screen, DiffScreen)
        assert (screen.older.id, screen.newer.id) == (1, 3)
        await pilot.press("escape", "k", "d")  # the other delivery: same method and path
        await wait_until(pilot, lambda: isinstance(app.screen, DiffScreen))
        screen = app.screen
        assert isinstance(screen, DiffScreen)
        assert (screen.older.id, screen.newer.id) == (1, 2)


async def test_the_palette_offers_the_arrival_steps():
    app = WhisperApp(Settings(port=0))
    async with app.run_test(size=(200, 50)) as pilot:
        await post(app, "/hooks/github")
        await post(app, "/hooks/github")
        await wait_for_list(pilot, app, 2)
        await pilot.press("ctrl+p", *"previous arrival")
        await wait_for_screen(pilot, app, "Previous arrival of this delivery")
        await pilot.press("enter")
        await wait_until(pilot, lambda: selected_id(app) == 1)
        assert "▸ #1" in screen_text(app) or await wait_for_screen(pilot, app, "▸ #1")


async def test_a_hidden_arrival_names_the_key_that_clears_the_filter_as_a_keymap_put_it():
    app = WhisperApp(Settings(port=0, keymap=(("clear_filter", "ctrl+l"),)))
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await post(app, "/hooks/github")
        await post(app, "/hooks/plain", delivery=None)
        await post(app, "/hooks/github")
        await wait_for_list(pilot, app, 3)
        await pilot.press("slash", *"repeat:no", "enter")
        await wait_until(pilot, lambda: len(app.request_list.view) == 2)
        await pilot.press("g", "right_square_bracket")
        assert "#3, the next arrival, is hidden by the filter (Ctrl+L clears it)" in notes(app)
