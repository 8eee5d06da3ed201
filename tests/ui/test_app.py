"""The running app: a real port, real requests, what the screen shows."""

from __future__ import annotations

import stat

import aiohttp
import pytest
from yarl import URL

from tests.helpers import (
    screen_strips,
    screen_text,
    wait_for_list,
    wait_for_screen,
    wait_until,
)
from whisper_tui.core.config import config_path
from whisper_tui.core.settings import Settings
from whisper_tui.ui.app import WhisperApp
from whisper_tui.ui.help_screen import HelpScreen

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


@pytest.mark.parametrize(
    ("colours", "saved", "started"),
    [("none", "nord", "ansi-dark"), ("ansi", "catppuccin-latte", "ansi-light")],
)
async def test_a_theme_chosen_for_the_terminal_is_not_saved_but_a_palette_pick_is(
    tmp_path, colours, saved, started
):
    """NO_COLOR and 16 colours start in an ANSI theme; the saved theme stays the user's."""
    config = config_path()  # the user's own file (a --config file is never written to)
    config.parent.mkdir(parents=True, exist_ok=True)
    config.write_text(f'theme = "{saved}"\n')
    settings = Settings(port=0, theme=saved)
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


async def test_a_preference_is_kept_for_the_session_never_written_into_a_config_file(tmp_path):
    # w wrote `wrap = true` into the team's file given with --config, and made it 0600: a
    # diff in a checked-in file, one CI could no longer read. Now the session keeps it and
    # says so once; the file keeps its bytes and its mode.
    config = tmp_path / "team.toml"
    text = "# team webhook settings (checked into the repo)\nport = 18096\n\n[secrets]\n"
    config.write_text(text + 'github = "gh-fixture-secret"\n')
    config.chmod(0o644)
    app = WhisperApp(Settings(port=0, config_file=str(config)), serve=False)
    async with app.run_test(size=(100, 30)) as pilot:
        app.detail.focus()
        await pilot.press("w")
        await pilot.pause()
        assert app.detail.wrap  # in effect for the session
        await pilot.press("w", "w")
        await pilot.pause()
        said = [n.message for n in app._notifications if n.title == "Not saved"]
    assert config.read_text() == text + 'github = "gh-fixture-secret"\n'
    assert stat.S_IMODE(config.stat().st_mode) == 0o644
    assert said == [
        f"wrap is kept for this session only: a --config file ({config}) is never written to"
    ]
    assert not config_path().exists()


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
