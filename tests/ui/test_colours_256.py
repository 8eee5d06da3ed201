"""256 colours: every screen readable in every theme after the conversion to the xterm palette.

What is measured is what a 256-colour terminal shows: each cell's colours as Rich writes them
there (any truecolour still in the strips converted the way Rich does), the palette's colours
for numbers 16-255, and for the 16 ANSI colours the terminal's own palettes
(terminal_palettes.py), as in test_palette.py.
"""

from __future__ import annotations

import pytest
from rich.color import ColorSystem, ColorType
from rich.segment import Segment
from rich.style import Style
from rich.terminal_theme import TerminalTheme
from textual.color import Color

from tests.helpers import screen_strips
from tests.ui.terminal_palettes import palettes_for
from tests.ui.test_palette import (
    SCREENS,
    SELECTED,
    SIZE,
    THEMES,
    cell_colours,
    fixture_store,
    is_decoration,
    selection_failures,
)
from whisper_tui.core.settings import Settings
from whisper_tui.ui.app import WhisperApp
from whisper_tui.ui.colours_256 import readable_256, style_256
from whisper_tui.ui.palette import DECORATION_CONTRAST, TEXT_CONTRAST, contrast

pytestmark = pytest.mark.usefixtures("utc")


def as_written(style: Style | None) -> Style | None:
    """`style` as Rich writes it to a 256-colour terminal: truecolour to the nearest number."""
    if style is None:
        return None
    converted = [
        c.downgrade(ColorSystem.EIGHT_BIT) if c else None for c in (style.color, style.bgcolor)
    ]
    return style + Style.from_color(*converted)


def unreadable_256(app: WhisperApp, label: str, terminal: TerminalTheme) -> list[str]:
    failures = []
    for y, strip in enumerate(screen_strips(app)):
        for segment in strip:
            if segment.control or not segment.text.strip():
                continue
            style = segment.style
            if style and style.color and style.bgcolor and style.color == style.bgcolor:
                continue  # drawn in its own background colour on purpose: nothing shows
            shown = Segment(segment.text, as_written(style))
            foreground, background = cell_colours(terminal, shown)
            if foreground == background:
                continue
            ratio = contrast(foreground, background)
            glyphs = segment.text.replace(" ", "")
            minimum = (
                DECORATION_CONTRAST if all(is_decoration(c) for c in glyphs) else TEXT_CONTRAST
            )
            if ratio < minimum:
                failures.append(
                    f"{label} row {y}: {glyphs[:24]!r} {ratio:.2f}:1 "
                    f"({foreground.hex} on {background.hex})"
                )
    return failures


def shown_256(terminal: TerminalTheme):
    """A cell's (foreground, background) as a 256-colour terminal with `terminal`'s palette for
    the first 16 shows them."""

    def shown(segment: Segment) -> tuple[Color, Color]:
        return cell_colours(terminal, Segment(segment.text, as_written(segment.style)))

    return shown


@pytest.mark.parametrize("screen", SELECTED)
async def test_every_cell_reads_in_every_theme_at_256_colours(screen, monkeypatch):
    """The list with a JSON body in the detail, the find bar's matches, the diff; the top bar
    and the footer on each. Catppuccin-frappe's JSON keys were 2.28:1 there, nord's 2.68:1.
    The selection stands out (test_palette.selection_failures): textual-light's selected row
    was 1.06:1 from the others, 1.03:1 with the list unfocused."""
    monkeypatch.chdir("/")
    app = WhisperApp(Settings(port=8080), store=fixture_store(), serve=False, colours="256")
    failures: list[str] = []
    async with app.run_test(size=SIZE) as pilot:
        await SCREENS[screen](pilot, app)
        for theme in THEMES:
            app.theme = theme
            await pilot.pause()
            await pilot.pause()
            if app.current_theme.ansi:
                for name, palette in palettes_for(app.current_theme.dark).items():
                    failures += unreadable_256(app, f"{theme} in {name} {screen}", palette)
                    failures += selection_failures(
                        app, f"{theme} in {name} {screen}", shown_256(palette)
                    )
            else:
                failures += unreadable_256(app, f"{theme} {screen}", app.ansi_theme)
                failures += selection_failures(app, f"{theme} {screen}", shown_256(app.ansi_theme))
    assert not failures, f"{len(failures)} unreadable:\n" + "\n".join(failures[:40])


async def test_at_256_colours_nothing_truecolour_is_left_and_ansi_themes_are_untouched():
    app = WhisperApp(Settings(port=8080), store=fixture_store(), serve=False, colours="256")
    async with app.run_test(size=SIZE) as pilot:
        await SCREENS["detail"](pilot, app)
        app.theme = "catppuccin-frappe"
        await pilot.pause()
        await pilot.pause()
        kinds = {
            colour.type
            for strip in screen_strips(app)
            for segment in strip
            if segment.style
            for colour in (segment.style.color, segment.style.bgcolor)
            if colour
        }
        assert ColorType.TRUECOLOR not in kinds and ColorType.EIGHT_BIT in kinds
    ansi = Style(color="bright_magenta", bgcolor="default", bold=True)
    assert style_256(ansi, False) is ansi


def test_a_colour_that_reads_in_256_keeps_rich_s_nearest_one_and_one_that_does_not_moves():
    ground = Style(bgcolor="#303446").bgcolor.downgrade(ColorSystem.EIGHT_BIT)  # frappe's base
    white = Style(color="#f0f0f0").color
    assert readable_256(white, ground, TEXT_CONTRAST) == white.downgrade(ColorSystem.EIGHT_BIT)
    pink = Style(color="#ff5faf").color  # 255,95,175 on 95,95,95: 2.28:1, as frappe showed keys
    moved = readable_256(pink, ground, TEXT_CONTRAST)
    shown = Color(*moved.get_truecolor())
    assert contrast(shown, Color(*ground.get_truecolor())) >= TEXT_CONTRAST
    assert shown.r > shown.g  # still a pink, lighter
