"""16 colours and NO_COLOR: the theme chosen, the filters, and what the rendered screen holds."""

from __future__ import annotations

import pytest
from rich.color import Color as RichColor
from rich.color import ColorType
from rich.style import Style
from textual.command import CommandList
from textual.theme import BUILTIN_THEMES

from tests.helpers import (
    delivery_request,
    load_deliveries,
    screen_strips,
    wait_for_screen,
    wait_until,
)
from whisper_tui.core.settings import Settings
from whisper_tui.core.store import RequestStore
from whisper_tui.terminal import ColourMode
from whisper_tui.ui.app import WhisperApp
from whisper_tui.ui.colour_modes import sixteen_colour_style, start_theme

pytestmark = pytest.mark.usefixtures("utc")


@pytest.mark.parametrize(
    ("mode", "saved", "theme"),
    [
        ("full", "nord", "nord"),
        ("full", None, None),
        ("full", "no-such-theme", None),
        ("ansi", None, "ansi-dark"),
        ("ansi", "nord", "ansi-dark"),
        ("ansi", "textual-light", "ansi-light"),
        ("ansi", "ansi-light", "ansi-light"),
        ("none", "catppuccin-latte", "ansi-light"),
        ("none", None, "ansi-dark"),
    ],
)
def test_the_starting_theme_suits_the_terminal(mode, saved, theme):
    assert start_theme(mode, saved, BUILTIN_THEMES) == theme


def test_truecolour_is_reduced_to_16_colours_and_ansi_colours_are_kept():
    reduced = sixteen_colour_style(Style(color="#e6db74", bgcolor="#1f3a24", bold=True))
    assert reduced.color.type is ColorType.STANDARD and reduced.bgcolor.type is ColorType.STANDARD
    assert reduced.bold
    kept = Style(color="yellow", bgcolor="default")
    # Equal, not identical: the function is cached by equality, and an equal style another
    # test drew first is what comes back (an `is` failed depending on the order tests ran).
    assert sixteen_colour_style(kept) == kept


def fixture_app(colours: ColourMode) -> WhisperApp:
    store = RequestStore()
    for number, delivery in enumerate(load_deliveries(), start=1):
        store.add(delivery_request(delivery, number, at=1_764_250_000.0 + number * 7.25))
    return WhisperApp(Settings(port=8080), store=store, serve=False, colours=colours)


def colours_drawn(app: WhisperApp) -> set[RichColor]:
    colours = set()
    for strip in screen_strips(app):
        for segment in strip:
            if segment.style is not None:
                colours.update(c for c in (segment.style.color, segment.style.bgcolor) if c)
    return colours


def list_rows(app: WhisperApp) -> list[list]:
    """The list's part of each screen line, as segments."""
    region = app.request_list.region
    strips = screen_strips(app)[region.y : region.bottom]
    return [list(strip.crop(region.x, region.right)) for strip in strips]


@pytest.mark.parametrize("colours", ["ansi", "none"])
async def test_the_selected_row_stays_reversed_while_the_detail_has_focus(colours):
    app = fixture_app(colours)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("g", "j", "j", "tab")
        await wait_for_screen(pilot, app, "Headers")
        assert app.focused is app.detail
        reversed_rows = [
            row
            for row in list_rows(app)
            if any(s.style and s.style.reverse and s.text.strip("▊") for s in row)
        ]
        [row] = reversed_rows  # the selected row, and only it
        assert "/hooks/stripe" in "".join(segment.text for segment in row)
        # Every piece with text (time, method, path, size, answer) reversed: no colour needed.
        assert all(s.style.reverse for s in row if s.text.strip() and "▊" not in s.text)


async def test_in_16_colours_every_colour_drawn_is_one_of_the_16():
    app = fixture_app("ansi")
    async with app.run_test(size=(120, 44)) as pilot:
        await pilot.press("g", "j", "j")  # a JSON body, highlighted
        await wait_for_screen(pilot, app, '"object"')
        drawn = colours_drawn(app)
        assert drawn
        kinds = {colour.type for colour in drawn}
        assert kinds <= {ColorType.DEFAULT, ColorType.STANDARD}, kinds
        # The syntax colours survive: keys, strings and punctuation are told apart.
        body = [
            strip
            for strip in screen_strips(app)
            if '"object": "event"' in "".join(s.text for s in strip)
        ]
        [row] = body
        token_colours = {s.style.color for s in row if s.style and s.text.strip() and s.style.color}
        assert len(token_colours) >= 2


async def test_without_colour_nothing_is_coloured_not_even_grey():
    app = fixture_app("none")
    async with app.run_test(size=(120, 44)) as pilot:
        await pilot.press("g", "j", "j")
        await wait_for_screen(pilot, app, '"object"')
        assert {colour.type for colour in colours_drawn(app)} <= {ColorType.DEFAULT}


async def test_the_full_colour_mode_draws_the_theme_unchanged():
    app = fixture_app("full")
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_for_screen(pilot, app, "Headers")
        assert app.theme == "textual-dark"
        assert ColorType.TRUECOLOR in {colour.type for colour in colours_drawn(app)}


def left_edge(app: WhisperApp, pane) -> set[str]:
    """The glyphs down a pane's left edge (its border column)."""
    lines = [
        "".join(segment.text for segment in strip).ljust(app.size.width)
        for strip in screen_strips(app)
    ]
    return {lines[y][pane.region.x] for y in range(pane.region.y, pane.region.bottom)}


@pytest.mark.parametrize("colours", ["none", "ansi"])
async def test_the_focused_pane_is_marked_down_its_edge_and_the_other_is_not(colours):
    """NO_COLOR: a heavy rule, no colour needed (bold alone marked it before); 16 colours: the
    focus bar. The blurred pane's edge is blank (its bar in the terminal's foreground showed)."""
    app = fixture_app(colours)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("g", "j", "j")
        await wait_for_screen(pilot, app, "Headers")
        rule = {"┃"} if colours == "none" else {"▊"}
        assert app.focused is app.request_list
        assert left_edge(app, app.request_list) == rule
        assert left_edge(app, app.detail) == {" "}
        await pilot.press("tab")
        await pilot.pause()
        assert app.focused is app.detail
        assert left_edge(app, app.detail) == rule
        assert left_edge(app, app.request_list) == {" "}


async def test_without_colour_the_palette_s_and_the_export_s_highlights_are_underlined(
    monkeypatch,
):
    """Textual's reverse video for the palette's highlighted command never showed (an option
    list's style keeps no reverse): every command looked alike. Textual reads NO_COLOR from
    the environment for its :nocolor rules."""
    monkeypatch.setenv("NO_COLOR", "1")
    app = fixture_app("none")
    async with app.run_test(size=(110, 32)) as pilot:
        await pilot.press("g", "j", "ctrl+p", *"replay")
        await wait_for_screen(pilot, app, "Edit and replay")

        def underlined(needle: str) -> bool:
            [row] = [s for s in screen_strips(app) if needle in "".join(g.text for g in s)]
            words = [g for g in row if g.text.strip() and (g.text in needle or needle in g.text)]
            return bool(words) and all(g.style and g.style.underline for g in words)

        highlighted = app.screen.query_one(CommandList).highlighted
        assert highlighted == 0
        # The commands' help lines: the typed letters underline the names of both.
        assert underlined("Send the selected capture") and not underlined("Edit where")
        await pilot.press("escape", "e")
        await wait_for_screen(pilot, app, "HTTPie")
        await pilot.press("down")  # the format set has the focus: its highlight moves
        await wait_until(pilot, lambda: underlined("HTTPie"))
        assert not underlined("pytest")
