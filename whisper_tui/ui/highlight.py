"""Turn one line of body text into a highlighted, terminal-safe rich Text."""

from __future__ import annotations

from functools import lru_cache
from typing import TYPE_CHECKING, NamedTuple

from rich.style import Style
from rich.text import Text
from textual.color import Color

from whisper_tui.core.sanitize import printable
from whisper_tui.ui.ansi_colours import ansi_syntax_style
from whisper_tui.ui.palette import readable

if TYPE_CHECKING:
    # Pygments and rich.syntax load with the first body that is highlighted, not at start:
    # the first frame shows no body.
    from pygments.lexer import Lexer
    from pygments.token import _TokenType
    from rich.syntax import SyntaxTheme

DARK_THEME = "monokai"
LIGHT_THEME = "friendly"
"""Pygments styles for dark and light Textual themes; each token colour is then moved just far
enough to read at 4.5:1 on the pane's actual background (friendly's strings are 3.9:1 on
textual-light's grey, monokai's comments 2:1 on most dark themes)."""
MAX_HIGHLIGHT_CHARS = 1024
"""Longer lines are shown plain: lexing them would cost more than a frame."""


class SyntaxColours(NamedTuple):
    """The pygments style for a dark or light theme, made readable on a background (hex);
    or, on the terminal's own background (`ansi`), ANSI colours the terminal's palette draws."""

    dark: bool = True
    background: str | None = None
    ansi: bool = False

    @classmethod
    def on(cls, dark: bool, style: Style) -> SyntaxColours:
        """For a theme (`dark` or not) and a widget whose style (`rich_style`) is `style`."""
        ground = style.bgcolor
        if ground is not None and ground.is_system_defined:
            # ANSI themes (16-colour terminals, NO_COLOR): a background only the terminal
            # knows, and fine shades a 16-colour palette would merge (numbers as punctuation).
            return cls(dark, None, ansi=True)
        return cls(dark, ground.triplet.hex if ground and ground.triplet else None)


DEFAULT_COLOURS = SyntaxColours()


@lru_cache(maxsize=32)
def lexer_for(alias: str) -> Lexer | None:
    from pygments.lexers import get_lexer_by_name
    from pygments.util import ClassNotFound

    try:
        # No newline games: lines are lexed one at a time and must come back unchanged.
        return get_lexer_by_name(alias, stripnl=False, ensurenl=False, stripall=False)
    except ClassNotFound:
        return None


@lru_cache(maxsize=4)
def theme(name: str) -> SyntaxTheme:
    from rich.syntax import Syntax

    return Syntax.get_theme(name)


@lru_cache(maxsize=4096)
def token_style(theme_name: str, token_type: _TokenType, background: str | None = None) -> Style:
    """The style of a token: the pygments style's colour, readable on `background` (hex)."""
    # Looking a style up per token showed in profiles, so each is computed once.
    style = theme(theme_name).get_style_for_token(token_type)
    color = style.color
    if background is not None and color is not None and color.triplet is not None:
        red, green, blue = color.triplet
        shown = readable(Color(red, green, blue), [Color.parse(background)])
        return Style(color=shown.hex, bold=style.bold, italic=style.italic)
    # The theme's background is dropped so the widget's own background (and theme) shows.
    return Style(color=color, bold=style.bold, italic=style.italic)


@lru_cache(maxsize=1024)
def ansi_token_style(dark: bool, token_type: _TokenType) -> Style:
    """A token in the terminal's own colours (ansi_colours.ANSI_SYNTAX)."""
    name = str(token_type).removeprefix("Token").lstrip(".")
    style = ansi_syntax_style(dark, name)
    return Style.parse(style) if style else Style()


def highlight_line(
    line: str,
    lexer_alias: str | None,
    dark: bool = True,
    background: str | None = None,
    ansi: bool = False,
) -> Text:
    """Highlight a single line; control characters become visible placeholders.

    `dark` picks the pygments style for a dark or light theme; with `background` (the pane's,
    as hex) every colour is made readable on it; `ansi` uses the terminal's own colours.
    """
    lexer = lexer_for(lexer_alias) if lexer_alias else None
    if lexer is None or len(line) > MAX_HIGHLIGHT_CHARS:
        return Text(printable(line))
    theme_name = DARK_THEME if dark else LIGHT_THEME
    text = Text()
    for token_type, value in lexer.get_tokens(line):
        if value:
            if ansi:
                style = ansi_token_style(dark, token_type)
            else:
                style = token_style(theme_name, token_type, background)
            text.append(printable(value), style)
    return text
