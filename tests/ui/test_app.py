"""The running app: a real port, real requests, what the screen shows."""

from __future__ import annotations

import asyncio

import aiohttp
import pytest
from textual.widgets import Static
from yarl import URL

from tests.helpers import (
    screen_strips,
    screen_text,
    send_raw,
    wait_for_list,
    wait_for_screen,
    wait_until,
    wait_until_settled,
)
from whisper_tui.core.har import save_har
from whisper_tui.core.models import CapturedRequest
from whisper_tui.core.settings import Settings
from whisper_tui.core.store import RequestStore
from whisper_tui.ui.app import WhisperApp
from whisper_tui.ui.diff_screen import DiffScreen
from whisper_tui.ui.help_screen import HelpScreen
from whisper_tui.ui.list_rows import column_header
from whisper_tui.ui.topbar import TopBar

JSON_BODY = b'{"type":"invoice.paid","data":{"object":{"id":"in_1","amount_paid":4200}}}'


async def post(app: WhisperApp, path: str, body: bytes = b"", headers=None, method="POST"):
    async with (
        aiohttp.ClientSession() as session,
        session.request(
            # encoded=True sends the path exactly as written (brackets and all).
            method,
            URL(f"http://127.0.0.1:{app.port}{path}", encoded=True),
            data=body,
            headers=headers or {},
        ) as response,
    ):
        return response.status, await response.read()


def new_app() -> WhisperApp:
    return WhisperApp(Settings(port=0))


async def test_posted_request_is_listed_with_headers_and_highlighted_body():
    app = new_app()
    async with app.run_test(size=(160, 45)) as pilot:
        status, answer = await post(
            app,
            "/hooks/stripe?live=1",
            JSON_BODY,
            {"Content-Type": "application/json", "X-Trace-Id": "abc-123"},
        )
        assert status == 200 and b'"id":1' in answer
        text = await wait_for_screen(pilot, app, "1 request", "/hooks/stripe?live=1")
        assert "X-Trace-Id:" in text and "abc-123" in text
        assert '"amount_paid": 4200' in text
        # The body line is drawn in at least two colours (key vs number): highlighted.
        [row] = [s for s in screen_strips(app) if '"amount_paid"' in s.text]
        colours = {seg.style.color for seg in row if seg.style and seg.style.color}
        assert len(colours) >= 2


async def test_sender_markup_and_escape_sequences_are_shown_literally():
    app = new_app()
    hostile_body = b"\x1b]0;title\x07\x1b[2J [bold]x[/bold] \x9b31m"
    async with app.run_test(size=(160, 45)) as pilot:
        await post(
            app,
            "/hooks/[b]x[/b]",
            hostile_body,
            {"X-Markup": "[red]boom[/red]", "Content-Type": "text/plain; charset=latin-1"},
        )
        text = await wait_for_screen(pilot, app, "/hooks/[b]x[/b]", "[red]boom[/red]")
        # In the list and the request line.
        assert text.count("/hooks/[b]x[/b]") >= 2
        assert "[red]boom[/red]" in text
        assert "[bold]x[/bold]" in text
        assert "␛]0;title␇␛[2J" in text
        for strip in screen_strips(app):
            for segment in strip:
                assert not any(ord(c) < 0x20 or 0x7F <= ord(c) <= 0x9F for c in segment.text)


async def test_help_lists_the_keys_and_closes_with_escape():
    app = new_app()
    async with app.run_test(size=(160, 45)) as pilot:
        await pilot.press("question_mark")
        await wait_until(pilot, lambda: isinstance(app.screen, HelpScreen))
        text = screen_text(app)
        assert "quit" in text and "k j" in text
        await pilot.press("escape")
        await wait_until(pilot, lambda: not isinstance(app.screen, HelpScreen))


async def test_tab_moves_focus_between_list_and_detail():
    app = new_app()
    async with app.run_test(size=(160, 45)) as pilot:
        assert app.focused is app.request_list
        await pilot.press("tab")
        assert app.focused is app.detail
        await pilot.press("tab")
        assert app.focused is app.request_list


async def test_rejected_body_is_listed_with_413():
    app = WhisperApp(Settings(port=0, max_body=1000))
    async with app.run_test(size=(160, 45)) as pilot:
        status, _ = await post(app, "/too/big", b"z" * 5000)
        assert status == 413
        await wait_for_screen(pilot, app, "413", "/too/big", "rejected")


async def test_a_request_the_parser_refuses_is_told_of_though_it_cannot_be_listed():
    app = new_app()
    async with app.run_test(size=(160, 45)) as pilot:
        await pilot.pause()
        raw = b"POST /hooks HTTP/1.1\r\nHost: x\r\nX-Evil: a\x1b[2Jb\r\nContent-Length: 0\r\n\r\n"
        answer = await send_raw(app.port, raw)
        assert answer.split(b" ")[1] == b"400"
        await wait_for_screen(pilot, app, "1 rejected")
        # notify() posts a message: the toast is kept once it is handled, which may be after
        # the frame that shows the count.
        await wait_until(pilot, lambda: len(app._notifications) > 0)
        toasts = [(str(n.message), n.severity) for n in app._notifications]
        assert len(toasts) == 1 and toasts[0][1] == "warning"
        message = toasts[0][0]
        assert message.startswith("HTTP parser refused a request (not captured): 400 from 127.")
        assert "Invalid header value char" in message and "\x1b" not in message
        assert len(app.store) == 0


async def test_quit_key_stops_the_server():
    app = new_app()
    async with app.run_test(size=(160, 45)) as pilot:
        port = app.port
        await pilot.press("q")
    try:
        async with aiohttp.ClientSession() as session:
            await session.get(f"http://127.0.0.1:{port}/", timeout=aiohttp.ClientTimeout(total=2))
        still_up = True
    except aiohttp.ClientError:
        still_up = False
    assert not still_up


async def test_slash_filters_the_list_and_escape_clears_it():
    app = new_app()
    async with app.run_test(size=(160, 45)) as pilot:
        for path in ("/hooks/stripe", "/hooks/github", "/hooks/stripe/v2", "/other"):
            await post(app, path)
        await wait_for_list(pilot, app, 4)
        await pilot.press("slash")
        await wait_until(pilot, lambda: app.focused is not None and app.focused.id == "filter")
        await pilot.press(*"stripe")
        await wait_for_screen(pilot, app, "showing 2 of 4 for 'stripe'")
        listed = [app.request_list.view[i].target for i in range(len(app.request_list.view))]
        assert listed == ["/hooks/stripe", "/hooks/stripe/v2"]
        # New arrivals that match join the filtered list; others don't.
        await post(app, "/hooks/stripe/v3")
        await post(app, "/nope")
        await wait_for_list(pilot, app, 3)
        await wait_for_screen(pilot, app, "showing 3 of 6")
        await pilot.press("escape")
        await wait_for_list(pilot, app, 6)
        await wait_until(pilot, lambda: "showing" not in screen_text(app))


async def test_answer_mode_key_makes_senders_get_500_and_the_header_says_so():
    app = new_app()
    async with app.run_test(size=(160, 45)) as pilot:
        await pilot.press("a")
        await wait_for_screen(pilot, app, "answering 500 to everything")
        status, _ = await post(app, "/hooks/retry-me", b"{}")
        assert status == 500
        await pilot.press("a", "a")  # slow, then 410 Gone
        await wait_for_screen(pilot, app, "answering 410 Gone to everything")
        status, _ = await post(app, "/hooks/gone", b"{}")
        assert status == 410
        await pilot.press("a")
        await wait_for_screen(pilot, app, "answering 429 Retry-After: 30 to everything")
        status, _ = await post(app, "/hooks/throttled", b"{}")
        assert status == 429
        await pilot.press("a")
        await wait_until(pilot, lambda: "answering 429" not in screen_text(app))
        status, _ = await post(app, "/hooks/ok", b"{}")
        assert status == 200


async def test_a_burst_is_drawn_in_full_once_it_has_arrived():
    # 2,000 captures as fast as 8 connections send them: far over the rate at which the
    # screen drops to a redraw a second. The list, the count and the followed
    # detail must still catch up with the last one.
    app = new_app()
    async with app.run_test(size=(160, 45)) as pilot:
        body = b'{"n":1}'
        async with aiohttp.ClientSession() as session:

            async def sender(count: int) -> None:
                for _ in range(count):
                    async with session.post(f"http://127.0.0.1:{app.port}/burst", data=body):
                        pass

            await asyncio.gather(*(sender(250) for _ in range(8)))
        await wait_for_list(pilot, app, 2000)
        await wait_for_screen(pilot, app, "2,000 requests", "#2000 ")
        assert app.request_list.selected is app.store[-1]


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


async def test_the_refresh_timer_ticking_while_the_app_shuts_down_does_not_crash_it():
    # Shutting down removes the detail (composed last) before the list; a tick in between
    # found the list, asked for the detail and crashed the app (seen with 20,000 captures).
    store = RequestStore()
    store.add(CapturedRequest(1, 1_764_000_000.0, "127.0.0.1", "POST", "/a", (1, 1), (), b"x"))
    app = WhisperApp(Settings(port=0), store=store, serve=False)
    async with app.run_test() as pilot:
        await app.detail.remove()
        app.refresh_from_store()
        await pilot.pause()
        assert app.is_running
    assert app.return_code in (None, 0)


@pytest.mark.parametrize(
    ("colours", "saved", "started"),
    [("none", "nord", "ansi-dark"), ("ansi", "catppuccin-latte", "ansi-light")],
)
async def test_a_theme_chosen_for_the_terminal_is_not_saved_but_a_palette_pick_is(
    tmp_path, colours, saved, started
):
    """NO_COLOR and 16 colours start in an ANSI theme; the saved theme stays the user's."""
    config = tmp_path / "config.toml"
    config.write_text(f'theme = "{saved}"\n')
    settings = Settings(port=0, theme=saved, config_file=str(config))
    app = WhisperApp(settings, serve=False, colours=colours)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        await pilot.pause()  # the theme-changed signal goes out on a later turn of the loop
        assert app.theme == started
        assert config.read_text() == f'theme = "{saved}"\n'
        # A pick in the palette (Ctrl+P, "theme") is the user's, and is saved.
        await pilot.press("ctrl+p", *"theme", "enter")
        await pilot.pause()
        await pilot.press(*"dracula", "enter")
        await wait_until(pilot, lambda: app.theme == "dracula")
        await pilot.pause()
        await pilot.pause()
    assert config.read_text() == 'theme = "dracula"\n'


@pytest.mark.parametrize(("colours", "saved"), [("full", "nord"), ("none", None)])
async def test_the_start_theme_is_in_place_before_anything_is_styled(colours, saved):
    """A saved theme (or the ANSI one a terminal needs) is set before the first styling: set
    once mounted, it parsed every rule again and restyled every widget before the first frame."""
    app = WhisperApp(Settings(port=0, theme=saved), serve=False, colours=colours)
    restyled_once_composed = []
    refresh_css = app.refresh_css

    def counting_refresh_css(animate: bool = True) -> None:
        restyled_once_composed.append(bool(app.screen_stack and app.screen_stack[0].children))
        refresh_css(animate)

    app.refresh_css = counting_refresh_css  # type: ignore[method-assign]
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        assert app.theme == (saved or "ansi-dark")
        assert not any(restyled_once_composed)


async def test_a_finished_load_is_drawn_at_once_and_the_server_starts_after_it(tmp_path):
    """The end of --load is drawn as it comes, not at the next tick, and the server starts
    (importing aiohttp, on the loop) once that frame is out, not before it."""
    path = tmp_path / "three.har"
    captures = [
        CapturedRequest(n, 1.0 + n, "127.0.0.1:1", "POST", f"/loaded/{n}", (1, 1), (), b"x")
        for n in (1, 2, 3)
    ]
    save_har(path, captures, "http://127.0.0.1:8080")
    app = WhisperApp(Settings(port=0, load_paths=(str(path),)))
    at_the_end = []
    async with app.run_test(size=(120, 30)) as pilot:
        loading = app.session.loading
        assert loading is not None
        loading.finished_listeners.append(
            lambda: at_the_end.append(
                (
                    app.request_list.synced,
                    "3 requests" in str(app.screen_stack[0].query_one(TopBar).render()),
                    app.session.listening,
                )
            )
        )
        await wait_until(pilot, lambda: app.session.listening)
    assert at_the_end == [(True, True, False)]


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
