"""The one-line header: shows the Text it is given, literally, repainted without a relayout."""

from __future__ import annotations

from rich.text import Text
from textual.app import App, ComposeResult
from textual.widgets import Static

from tests.helpers import screen_text, wait_for_screen
from whisper_tui.core.models import CapturedRequest
from whisper_tui.core.settings import Settings
from whisper_tui.ui.app import WhisperApp
from whisper_tui.ui.topbar import TopBar


class BarApp(App[None]):
    def compose(self) -> ComposeResult:
        yield TopBar(id="topbar")
        yield Static("below the bar", id="below")


def first_line(app: App) -> str:
    return screen_text(app).splitlines()[0]


async def test_the_bar_is_one_line_and_empty_until_shown():
    app = BarApp()
    async with app.run_test(size=(60, 6)):
        bar = app.query_one(TopBar)
        assert bar.size.height == 1
        assert first_line(app).strip() == ""
        assert app.query_one("#below").region.y == 1


async def test_show_draws_the_text_and_a_second_show_replaces_it():
    app = BarApp()
    async with app.run_test(size=(60, 6)) as pilot:
        bar = app.query_one(TopBar)
        bar.show(Text("whisper-tui  3 requests"))
        await pilot.pause()
        assert first_line(app).rstrip() == "whisper-tui  3 requests"
        bar.show(Text("4 requests"))
        await pilot.pause()
        assert first_line(app).rstrip() == "4 requests"


async def test_show_repaints_in_place_without_laying_out_the_screen():
    app = BarApp()
    async with app.run_test(size=(60, 6)) as pilot:
        bar = app.query_one(TopBar)
        await pilot.pause()
        bar.show(Text("12,345 requests"))
        # Textual's own flags: a repaint is asked for, a layout is not.
        assert bar._repaint_required
        assert not bar._layout_required


async def test_sender_text_with_markup_is_shown_literally():
    app = BarApp()
    async with app.run_test(size=(60, 6)) as pilot:
        app.query_one(TopBar).show(Text("filter '[red]boom[/red]'"))
        await pilot.pause()
        assert "filter '[red]boom[/red]'" in first_line(app)


async def test_a_long_text_stays_on_one_line_and_the_next_widget_does_not_move():
    app = BarApp()
    async with app.run_test(size=(40, 6)) as pilot:
        text = Text("x" * 200 + " END", no_wrap=True, overflow="ellipsis")
        app.query_one(TopBar).show(text)
        await pilot.pause()
        lines = screen_text(app).splitlines()
        assert lines[0] == "x" * 39 + "…"  # cut with an ellipsis, not wrapped out of sight
        assert "END" not in screen_text(app)
        assert lines[1].startswith("below the bar")
        assert app.query_one(TopBar).size.height == 1


async def test_the_apps_bar_shows_the_address_and_the_count_of_captures():
    app = WhisperApp(Settings(port=0))
    async with app.run_test(size=(120, 20)) as pilot:
        address = f"http://127.0.0.1:{app.port}"
        await wait_for_screen(pilot, app, f"whisper-tui  listening on {address}   0 requests")
        app.store.add(CapturedRequest(1, 1.0, "127.0.0.1", "POST", "/a", (1, 1), (), b"x"))
        await wait_for_screen(pilot, app, f"{address}   1 request")
        assert first_line(app).strip().startswith("whisper-tui  listening on ")
