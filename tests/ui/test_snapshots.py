"""Snapshot tests: the screens as a user sees them, from realistic deliveries."""

from __future__ import annotations

import pytest
from textual.widgets import Input

from tests.helpers import delivery_request, load_deliveries, wait_until, wait_until_settled
from whisper_tui.core.models import Attempt
from whisper_tui.core.settings import Settings
from whisper_tui.core.store import RequestStore
from whisper_tui.terminal import ColourMode
from whisper_tui.ui.app import WhisperApp

SIZE = (160, 42)


pytestmark = pytest.mark.usefixtures("utc")


def fixture_app(colours: ColourMode = "full", settings: Settings | None = None) -> WhisperApp:
    store = RequestStore()
    for number, delivery in enumerate(load_deliveries(), start=1):
        store.add(delivery_request(delivery, number, at=1_764_250_000.0 + number * 7.25))
    settings = settings or Settings(port=8080)
    return WhisperApp(settings, store=store, serve=False, colours=colours)


def test_split_pane_on_the_newest_capture(snap_compare):
    assert snap_compare(fixture_app(), terminal_size=SIZE)


def test_split_pane_on_a_stripe_json_delivery(snap_compare):
    async def walk(pilot):
        await pilot.press("g", "j", "j")
        await wait_until_settled(pilot)

    assert snap_compare(fixture_app(), terminal_size=SIZE, run_before=walk)


def test_help_screen(snap_compare):
    assert snap_compare(fixture_app(), terminal_size=SIZE, press=["question_mark"])


# -- every screen and dialog at 60x20, 80x24 and 200x50 (issues 14, 19: controls reachable) ------

SIZES = {"60x20": (60, 20), "80x24": (80, 24), "200x50": (200, 50)}
"""60x20: below 80 columns the list sits above the detail; every dialog keeps its controls."""


async def on_stripe_json(pilot) -> None:
    await pilot.press("g", "j", "j")
    await wait_until_settled(pilot)


def steady_cursors(pilot) -> None:
    """Text fields' cursors stop blinking: a snapshot must not depend on the blink's phase."""
    for screen in pilot.app.screen_stack:
        for field in screen.query(Input):
            field.cursor_blink = False


def walk_then(*keys: str):
    async def run_before(pilot) -> None:
        await on_stripe_json(pilot)
        for key in keys:
            await pilot.press(key)
            await wait_until_settled(pilot)
        steady_cursors(pilot)
        await wait_until_settled(pilot)

    return run_before


async def mark_and_diff(pilot) -> None:
    # Two Stripe deliveries to the same path: mark the older, diff with the newer.
    await pilot.press("g", "j", "j", "m", "j", "d")
    await wait_until_settled(pilot)  # the diff is worked out in a worker


async def filter_typed(pilot) -> None:
    await pilot.press("slash", *"stripe")
    steady_cursors(pilot)
    # The filter starts once typing pauses (a debounce timer), then scans in a worker.
    await wait_until(pilot, lambda: pilot.app.request_list.view.text == "stripe")
    await wait_until_settled(pilot)


SCREENS = {
    "split_pane": on_stripe_json,
    "detail_focused": walk_then("tab"),
    "diff": mark_and_diff,
    "help": walk_then("question_mark"),
    "export": walk_then("e"),
    "edit_replay": walk_then("R"),
    "url_prompt": walk_then("r"),
    "filter_bar": filter_typed,
}


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("screen", SCREENS)
def test_every_screen_at_both_sizes(snap_compare, monkeypatch, screen, size):
    monkeypatch.chdir("/")  # the export's file name is a full path: the same on every machine
    assert snap_compare(fixture_app(), terminal_size=SIZES[size], run_before=SCREENS[screen])


@pytest.mark.parametrize("screen", SCREENS)
async def test_at_40x15_every_shown_widget_has_room_and_every_control_some(screen):
    # Issue 19: at 40x15 the detail had zero columns and the export path two cells.
    app = fixture_app()
    async with app.run_test(size=(40, 15)) as pilot:
        await SCREENS[screen](pilot)
        await wait_until_settled(pilot)
        shown = [w for w in app.screen.query("*") if w.display and w.visible]
        empty = [w for w in shown if not (w.region.width and w.region.height)]
        cramped = [w for w in shown if w.focusable and w.content_region.width < 4]
        assert not empty and not cramped, (empty, cramped)
        focused = app.focused
        assert focused is not None and focused.region.width and focused.region.height


# -- 16 colours (TERM=xterm) and NO_COLOR (issue 19) ----------------------------------------------

LIMITED_SCREENS = {
    "list_focused": on_stripe_json,
    "detail_focused": walk_then("tab"),
    "diff": mark_and_diff,
}


@pytest.mark.parametrize("colours", ["ansi", "none"])
@pytest.mark.parametrize("screen", LIMITED_SCREENS)
def test_screens_in_16_colours_and_without_colour(snap_compare, colours, screen):
    # The selected row stays reversed when the detail has focus; diff rows carry -/+ marks.
    app = fixture_app(colours)
    assert snap_compare(app, terminal_size=(100, 30), run_before=LIMITED_SCREENS[screen])


# -- issue 15: a delivery that came three times (the repeat marker, the delivery lines) ----------


def retried_app() -> WhisperApp:
    """The fixture's first GitHub delivery sent three times (500, 500, then 200)."""
    github = load_deliveries()[0]
    store = RequestStore()
    for number, (seconds, status) in enumerate([(0.0, 500), (62.0, 500), (310.0, 200)], 1):
        request = delivery_request(github, number, at=1_764_250_000.0 + seconds)
        request.answered_status = status
        store.add(request)
    return WhisperApp(Settings(port=8080), store=store, serve=False)


@pytest.mark.parametrize("size", SIZES)
def test_a_delivery_retried_twice(snap_compare, size):
    assert snap_compare(retried_app(), terminal_size=SIZES[size], run_before=wait_until_settled)


# -- issue 19 at 60x20 and 80x24: what was cut or hidden there -----------------------------------


def forwarding_app() -> WhisperApp:
    """The fixture with a forward target, an answer on the Stripe delivery, and 429 answers."""
    app = fixture_app(settings=Settings(port=8080, forward_url="http://127.0.0.1:3000"))
    stripe = list(app.store)[2]
    answer = b'{"received": true, "id": "evt_3OqL1x2eZvKYlo2C0f5a1b2c"}'
    app.store.add_attempt(
        stripe.id,
        Attempt(
            "http://127.0.0.1:3000" + stripe.target,
            stripe.received_at + 0.2,
            kind="forward",
            status=201,
            reason="Created",
            response_headers=((b"Content-Type", b"application/json"),),
            response_body=answer,
            latency=0.012,
        ),
    )
    for _ in range(4):
        app.policy.cycle_mode()
    return app


SMALL_SCREENS = {
    # The attempt's status ran past the detail's edge; the bar cut the answer mode.
    "attempts": walk_then("tab", *"jjjjjjjjj"),
    # The question ran past the box's edge.
    "probe": walk_then("I"),
}


@pytest.mark.parametrize("size", ["60x20", "80x24"])
@pytest.mark.parametrize("screen", SMALL_SCREENS)
def test_small_screens_keep_what_was_cut(snap_compare, screen, size):
    app = forwarding_app()
    assert snap_compare(app, terminal_size=SIZES[size], run_before=SMALL_SCREENS[screen])


# -- the ANSI themes, picked with Ctrl+P in a full-colour terminal (issue 19) ---------------------

ANSI_SCREENS = {"list_and_detail": on_stripe_json, "diff": mark_and_diff}


@pytest.mark.parametrize("theme", ["ansi-dark", "ansi-light"])
@pytest.mark.parametrize("screen", ANSI_SCREENS)
def test_screens_in_the_ansi_themes(snap_compare, theme, screen):
    # Only the ANSI colours that read on common palettes (ansi_colours.py): on ansi-light no
    # green, yellow or cyan; the diff's added rows bold, never faint.
    async def run_before(pilot) -> None:
        pilot.app.theme = theme
        await pilot.pause()
        await ANSI_SCREENS[screen](pilot)

    assert snap_compare(fixture_app(), terminal_size=(100, 30), run_before=run_before)


def test_the_detail_with_wrap_on_at_80x24(snap_compare):
    # Header values wrapped between words under a name column of at most a third of the pane
    # (newcomer C: 'Python-urllib/3.' / '11'); notes and verdicts flowed as with wrap off.
    async def wrapped(pilot) -> None:
        await walk_then("tab", "w")(pilot)
        pilot.app.clear_notifications()  # the 'Wrap on' toast: gone after 2 s, or not yet
        await wait_until_settled(pilot)

    assert snap_compare(fixture_app(), terminal_size=(80, 24), run_before=wrapped)
