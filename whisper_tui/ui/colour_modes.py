"""The 16-colour and NO_COLOR paths: which theme to start with, and the line filters.

A 16-colour terminal (TERM=xterm, linux, screen, or unset) gets an ANSI theme, so the screen
is drawn in the terminal's own palette (chosen by its user to read on its background) rather
than truecolour tints that Rich squeezes into 16 colours, where a faint selection tint becomes
the background itself. Whatever is still truecolour (a theme picked in the palette, a token
colour) is downsampled by a line filter, the way Rich would when writing it: snapshots and
tests see what the terminal shows.

NO_COLOR: Textual greys the screen (its Monochrome filter) unless the app draws in ANSI
colours; with them it strips every colour (its NoColor filter) and leaves the attributes, so
the selection (reverse video, app.tcss) and emphasis (bold, underline) remain.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from functools import lru_cache

from rich.color import ColorSystem
from rich.segment import Segment
from rich.style import Style
from textual.color import Color
from textual.filter import LineFilter, Monochrome, NoColor
from textual.theme import Theme

from whisper_tui.terminal import ColourMode
from whisper_tui.ui.colours_256 import TwoFiftySixColours

ANSI_DARK = "ansi-dark"
ANSI_LIGHT = "ansi-light"


def start_theme(mode: ColourMode, saved: str | None, themes: Mapping[str, Theme]) -> str | None:
    """The theme to start in: the saved one in a full-colour terminal; else an ANSI theme, light
    if the saved one was (a truecolour theme saved elsewhere would be squeezed into 16)."""
    known = themes.get(saved) if saved else None
    if mode in ("full", "256"):
        return saved if known is not None else None
    if known is not None and known.ansi:
        return known.name
    return ANSI_LIGHT if known is not None and not known.dark else ANSI_DARK


@lru_cache(maxsize=4096)
def sixteen_colour_style(style: Style) -> Style:
    """`style` with its colours as a 16-colour terminal shows them (ANSI colours unchanged)."""
    color, bgcolor = style.color, style.bgcolor
    if all(c is None or c.is_system_defined for c in (color, bgcolor)):
        return style
    return style + Style.from_color(
        color.downgrade(ColorSystem.STANDARD) if color is not None else None,
        bgcolor.downgrade(ColorSystem.STANDARD) if bgcolor is not None else None,
    )


class SixteenColours(LineFilter):
    """Every colour as Rich will write it to a 16-colour terminal."""

    def apply(self, segments: list[Segment], background: Color) -> list[Segment]:
        return [
            Segment(text, sixteen_colour_style(style) if style else style, control)
            for text, style, control in segments
        ]


_SIXTEEN = SixteenColours()
_TWO_FIFTY_SIX = TwoFiftySixColours()
_NO_COLOUR = NoColor()


def line_filters(mode: ColourMode, filters: Sequence[LineFilter]) -> Sequence[LineFilter]:
    """Textual's filters for the app, adjusted to the colour mode."""
    if mode == "none":
        # NO_COLOR may not be in the environment (a test asking for the mode): no colour at all,
        # never Textual's greys.
        kept = [f for f in filters if not isinstance(f, (Monochrome, NoColor))]
        return [*kept, _NO_COLOUR]
    if mode == "ansi":
        return [*filters, _SIXTEEN]
    if mode == "256":
        return [*filters, _TWO_FIFTY_SIX]
    return filters
