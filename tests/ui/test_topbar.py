"""The one-line header: shows the Text it is given, literally, repainted without a relayout;
in a narrow bar the status gives way part by part."""

from __future__ import annotations

from rich.text import Text
from textual.app import App, ComposeResult
from textual.widgets import Static

from tests.helpers import screen_text, wait_for_screen, wait_until
from whisper_tui.core.models import CapturedRequest
from whisper_tui.core.settings import Settings
from whisper_tui.core.status import StatusPart
from whisper_tui.core.store import RequestStore
from whisper_tui.ui.app import WhisperApp
from whisper_tui.ui.topbar import TopBar, bar_parts, fit


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


# -- a narrow bar gives way part by part (issue 19: at 80 columns the answer mode was cut) ------


def parts_at(width: int, *status: StatusPart, shown: str = "") -> str:
    return fit(bar_parts("http://127.0.0.1:8080", list(status), shown), width).plain


COUNT = StatusPart("5 requests", "5 requests", 3, "count")
FORWARD = StatusPart(
    "forwarding to http://127.0.0.1:3000 (relaying answers)",
    "→ http://127.0.0.1:3000",
    4,
    "forward",
)
THROTTLE = StatusPart("answering 429 Retry-After: 30 to everything", "answering 429", 1, "answer")


def test_with_room_every_part_is_said_in_full():
    assert parts_at(200, COUNT, FORWARD, THROTTLE) == (
        "whisper-tui  listening on http://127.0.0.1:8080   5 requests   "
        "forwarding to http://127.0.0.1:3000 (relaying answers)   "
        "answering 429 Retry-After: 30 to everything"
    )


def test_the_name_and_the_label_go_first_then_short_forms_then_the_least_important_parts():
    # What was given up first comes back where it fits ('listening on' here).
    assert parts_at(120, COUNT, FORWARD, THROTTLE) == (
        "listening on http://127.0.0.1:8080   5 requests   → http://127.0.0.1:3000   "
        "answering 429 Retry-After: 30 to everything"
    )
    assert parts_at(100, COUNT, FORWARD, THROTTLE) == (
        "127.0.0.1:8080   5 requests   → http://127.0.0.1:3000   "
        "answering 429 Retry-After: 30 to everything"
    )
    assert parts_at(80, COUNT, FORWARD, THROTTLE) == (
        "http://127.0.0.1:8080   5 requests   → http://127.0.0.1:3000   answering 429"
    )
    # 62 cells: what is left of 80 columns beside 'End to follow'.
    assert parts_at(62, COUNT, FORWARD, THROTTLE) == (
        "http://127.0.0.1:8080   5 requests   answering 429"
    )
    assert parts_at(40, COUNT, FORWARD, THROTTLE) == "http://127.0.0.1:8080   answering 429"
    # Then the address is cut, not the answer mode after it.
    assert parts_at(22, COUNT, FORWARD, THROTTLE) == "127.0…   answering 429"


def test_loading_is_said_first_and_never_given_up():
    loading = StatusPart("loading 40,000 of ~100,000", "loading 40%", 0, "loading")
    assert parts_at(100, loading) == (
        "whisper-tui  loading 40,000 of ~100,000   listening on http://127.0.0.1:8080"
    )
    assert parts_at(52, loading, FORWARD) == "loading 40,000 of ~100,000   http://127.0.0.1:8080"
    assert parts_at(40, loading, FORWARD) == "loading 40%   http://127.0.0.1:8080"


def test_a_filter_says_how_many_it_shows_even_when_short():
    shown = "showing 4 of 5 for 'stripe'"
    assert parts_at(62, COUNT, FORWARD, shown=shown) == (
        "127.0.0.1:8080   5 requests   showing 4 of 5 for 'stripe'"
    )
    assert parts_at(40, COUNT, FORWARD, shown=shown) == "http://127.0.0.1:8080   filter: 4 of 5"


def test_the_answer_mode_is_never_left_out_the_address_is_cut_first():
    loading = StatusPart("loading 40,000 of ~100,000", "loading 40%", 0, "loading")
    assert parts_at(51, loading, THROTTLE) == "loading 40%   http://127.0.0.1:8080   answering 429"
    assert parts_at(36, loading, THROTTLE) == "loading 40%   127.0…   answering 429"


async def test_at_80_columns_the_answer_mode_is_read_beside_the_notice():
    store = RequestStore()
    for number in (1, 2):
        store.add(CapturedRequest(number, 1.0, "127.0.0.1", "POST", f"/{number}", (1, 1), (), b""))
    settings = Settings(port=8080, forward_url="http://127.0.0.1:3000", relay_response=True)
    app = WhisperApp(settings, store=store, serve=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("k", *"aaaa")  # away from the newest; 500, slow, 410, 429
        await wait_until(pilot, lambda: "answering 429" in first_line(app))
        line = first_line(app).strip()
        assert line.startswith("http://127.0.0.1:8080") and line.endswith("End to follow")
        assert "…" not in line
