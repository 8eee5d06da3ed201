"""Turn one line of body text into a highlighted, terminal-safe rich Text."""

from __future__ import annotations

from functools import lru_cache

from pygments.lexer import Lexer
from pygments.lexers import get_lexer_by_name
from pygments.token import _TokenType
from pygments.util import ClassNotFound
from rich.style import Style
from rich.syntax import Syntax, SyntaxTheme
from rich.text import Text

from whisper_tui.core.sanitize import printable

DARK_THEME = "monokai"
LIGHT_THEME = "friendly"
MAX_HIGHLIGHT_CHARS = 1024
"""Longer lines are shown plain: lexing them would cost more than a frame."""


@lru_cache(maxsize=32)
def lexer_for(alias: str) -> Lexer | None:
    try:
        # No newline games: lines are lexed one at a time and must come back unchanged.
        return get_lexer_by_name(alias, stripnl=False, ensurenl=False, stripall=False)
    except ClassNotFound:
        return None


@lru_cache(maxsize=4)
def theme(name: str) -> SyntaxTheme:
    return Syntax.get_theme(name)


@lru_cache(maxsize=1024)
def token_style(theme_name: str, token_type: _TokenType) -> Style:
    # Looking a style up per token showed in profiles, so each is computed once.
    style = theme(theme_name).get_style_for_token(token_type)
    # The theme's background is dropped so the widget's own background (and theme) shows.
    return Style(color=style.color, bold=style.bold, italic=style.italic)


def highlight_line(line: str, lexer_alias: str | None, dark: bool = True) -> Text:
    """Highlight a single line; control characters become visible placeholders."""
    lexer = lexer_for(lexer_alias) if lexer_alias else None
    if lexer is None or len(line) > MAX_HIGHLIGHT_CHARS:
        return Text(printable(line))
    theme_name = DARK_THEME if dark else LIGHT_THEME
    text = Text()
    for token_type, value in lexer.get_tokens(line):
        if value:
            text.append(printable(value), token_style(theme_name, token_type))
    return text
