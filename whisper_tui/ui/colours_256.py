"""256 colours (tmux's default TERM=tmux-256color, xterm-256color without COLORTERM): every
foreground moved, where needed, to a palette colour that reads on its converted background.

Rich writes a truecolour to a 256-colour terminal as the nearest colour of the xterm palette,
the background too, each on its own: a pair chosen at 4.5:1 (palette.py) could land at 2.3:1
(catppuccin-frappe's pink JSON keys on its base became 255,95,175 on 95,95,95). This line
filter converts both colours of a cell as Rich would, and where the text no longer reads on
the background it takes the theme's colour moved toward white or black (as palette.readable
does) just far enough that its palette colour reaches the minimum: 4.5:1 for text, 3:1 for
decorations (borders, bars, scrollbars), the same minimums as in truecolour. Backgrounds keep
Rich's conversion; ANSI colours and the terminal's default are the terminal's to draw and are
left alone (ANSI themes stay as they are).
"""

from __future__ import annotations

from functools import lru_cache

from rich._palettes import EIGHT_BIT_PALETTE
from rich.color import Color as RichColor
from rich.color import ColorSystem, ColorType
from rich.segment import Segment
from rich.style import Style
from textual.color import Color
from textual.filter import LineFilter

from whisper_tui.ui.palette import (
    BLACK,
    DECORATION_CONTRAST,
    TEXT_CONTRAST,
    WHITE,
    contrast,
)

STEPS = 50
"""How finely a colour is moved toward white or black while looking for a readable one."""


def is_decoration(character: str) -> bool:
    """Box Drawing, Block Elements and Geometric Shapes: borders, bars, scrollbars, dots."""
    return 0x2500 <= ord(character) <= 0x25FF


def in_palette(color: RichColor) -> Color | None:
    """The xterm-256 palette's colour for a colour Rich writes as a number from 16 to 255;
    None for the 16 the terminal's own palette decides (and the default colour)."""
    number = color.number if color.type is ColorType.EIGHT_BIT else None
    if number is None or number < 16:
        return None
    return Color(*EIGHT_BIT_PALETTE[number])


def to_256(color: Color) -> RichColor:
    """`color` as Rich writes it to a 256-colour terminal."""
    return RichColor.from_rgb(color.r, color.g, color.b).downgrade(ColorSystem.EIGHT_BIT)


@lru_cache(maxsize=8192)
def readable_256(text: RichColor, ground: RichColor, minimum: float) -> RichColor:
    """The 256-palette colour for truecolour `text` on `ground` (already converted): Rich's
    nearest one if it reads at `minimum`, else that of the colour moved toward white or black
    just far enough."""
    shown = text.downgrade(ColorSystem.EIGHT_BIT)
    under = in_palette(ground)
    if text.triplet is None or under is None:
        return shown
    drawn = in_palette(shown)
    if drawn is None or contrast(drawn, under) >= minimum:
        return shown
    original = Color(*text.triplet)
    target = WHITE if contrast(WHITE, under) >= contrast(BLACK, under) else BLACK
    best, best_ratio = shown, contrast(drawn, under)
    for step in range(1, STEPS + 1):
        moved = to_256(original.blend(target, step / STEPS))
        ratio = contrast(in_palette(moved) or target, under)
        if ratio >= minimum:
            return moved
        if ratio > best_ratio:
            best, best_ratio = moved, ratio
    return best


@lru_cache(maxsize=8192)
def style_256(style: Style, decoration: bool) -> Style:
    """`style` with its colours as a 256-colour terminal shows them, the text's readable."""
    color, bgcolor = style.color, style.bgcolor
    if not any(c is not None and c.type is ColorType.TRUECOLOR for c in (color, bgcolor)):
        return style
    ground = bgcolor.downgrade(ColorSystem.EIGHT_BIT) if bgcolor is not None else None
    text = color.downgrade(ColorSystem.EIGHT_BIT) if color is not None else None
    minimum = DECORATION_CONTRAST if decoration else TEXT_CONTRAST
    if color is not None and bgcolor is not None and color.triplet != bgcolor.triplet:
        # A glyph in its own background's colour draws nothing on purpose (a blurred pane's
        # bar): it stays invisible. Reverse video draws the background as the text.
        if style.reverse:
            if bgcolor.type is ColorType.TRUECOLOR:
                ground = readable_256(bgcolor, color.downgrade(ColorSystem.EIGHT_BIT), minimum)
        elif color.type is ColorType.TRUECOLOR and ground is not None:
            text = readable_256(color, ground, minimum)
    return style + Style.from_color(text, ground)


class TwoFiftySixColours(LineFilter):
    """Every colour as a 256-colour terminal will show it, text readable on its ground."""

    def apply(self, segments: list[Segment], background: Color) -> list[Segment]:
        return [
            Segment(text, _style_for(text, style) if style else style, control)
            for text, style, control in segments
        ]


def _style_for(text: str, style: Style) -> Style:
    shown = text.strip()
    decoration = bool(shown) and all(is_decoration(c) for c in shown if c != " ")
    return style_256(style, decoration)
