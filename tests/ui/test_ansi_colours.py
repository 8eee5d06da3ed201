"""ANSI themes' colours: each reads on the common terminal palettes, or is the terminal's own."""

from __future__ import annotations

import pytest
from rich.color import Color as RichColor
from rich.style import Style
from rich.terminal_theme import TerminalTheme
from textual.color import Color
from textual.theme import BUILTIN_THEMES

from tests.ui.terminal_palettes import palettes_for
from whisper_tui.ui.ansi_colours import (
    ANSI_DECORATIONS,
    ANSI_SYNTAX,
    ANSI_TEXT,
    DEFAULT,
    ansi_diff_styles,
    ansi_syntax_style,
    ansi_variables,
    falls_back,
)
from whisper_tui.ui.palette import DECORATION_CONTRAST, TEXT_CONTRAST, contrast

DARKNESS = [True, False]


def shown(name: str, terminal: TerminalTheme, foreground: bool = True) -> Color:
    """An ANSI colour ('ansi_red', 'bright_red', 'ansi_default') as `terminal` draws it."""
    word = name.split()[0].removeprefix("ansi_")
    return Color(*RichColor.parse(word).get_truecolor(terminal, foreground=foreground))


def worst(name: str, dark: bool, ground: str = DEFAULT) -> float:
    """The lowest contrast of `name` on `ground` over the palettes for a `dark` theme."""
    return min(
        contrast(shown(name, terminal), shown(ground, terminal, foreground=False))
        for terminal in palettes_for(dark).values()
    )


@pytest.mark.parametrize("dark", DARKNESS)
def test_every_text_role_reads_on_every_common_palette(dark):
    low = {role: worst(colour, dark) for role, colour in ANSI_TEXT[dark].items()}
    assert min(low.values()) >= TEXT_CONTRAST, low


@pytest.mark.parametrize("dark", DARKNESS)
def test_every_decoration_reads_on_its_ground(dark):
    colours = ANSI_DECORATIONS[dark]
    for name in ("wt-focus", "border", "border-blurred", "wt-footer-rule"):
        assert worst(colours[name], dark) >= DECORATION_CONTRAST, name
    # A scrollbar's thumb against its track.
    for name in ("scrollbar", "scrollbar-hover", "scrollbar-active"):
        track = colours["scrollbar-background"]
        assert worst(colours[name], dark, track) >= DECORATION_CONTRAST, name


THEME_HUES = {
    "text-primary": "primary",
    "text-secondary": "secondary",
    "text-accent": "accent",
    "text-success": "success",
    "text-warning": "warning",
    "text-error": "error",
}


@pytest.mark.parametrize("dark", DARKNESS)
def test_a_role_leaves_the_themes_own_hue_only_where_that_hue_does_not_read(dark):
    """Textual's ANSI theme hues are kept where they read; replaced (by another hue or by the
    terminal's foreground) only where some common palette draws them under 4.5:1."""
    theme = BUILTIN_THEMES["ansi-dark" if dark else "ansi-light"]
    for role, hue_name in THEME_HUES.items():
        ours, theirs = ANSI_TEXT[dark][role], getattr(theme, hue_name)
        if ours != theirs:
            assert worst(theirs, dark) < TEXT_CONTRAST, (role, theirs)


def test_on_light_palettes_green_has_no_safe_shade_so_success_is_the_foreground_in_bold():
    assert worst("ansi_green", False) < TEXT_CONTRAST
    assert worst("ansi_bright_green", False) < TEXT_CONTRAST
    variables = ansi_variables({}, dark=False)
    assert falls_back(variables, "text-success") and not falls_back(variables, "text-error")
    from whisper_tui.ui.palette import rich_styles

    ok = rich_styles(variables, dark=False).styles["wt.ok"]
    assert ok.color is None and ok.bold


@pytest.mark.parametrize("dark", DARKNESS)
def test_syntax_colours_read_on_every_common_palette_and_tell_tokens_apart(dark):
    colours = {}
    for kind, style in ANSI_SYNTAX[dark].items():
        parsed = Style.parse(style)
        if parsed.color is not None:
            assert worst(parsed.color.name, dark) >= TEXT_CONTRAST, kind
        colours[kind] = parsed.color.name if parsed.color else None
    keys, strings, numbers = (colours[k] for k in ("Name.Tag", "Literal.String", "Literal.Number"))
    assert len({keys, strings, numbers}) == 3


def test_a_token_kind_covers_its_subkinds():
    assert ansi_syntax_style(True, "Literal.String.Double") == "green"
    assert ansi_syntax_style(False, "Literal.String.Double") == "red"
    assert ansi_syntax_style(False, "Keyword.Constant") == "bold"
    assert ansi_syntax_style(True, "Punctuation") is None


@pytest.mark.parametrize("dark", DARKNESS)
def test_diff_rows_say_removed_and_added_without_faint_text(dark):
    styles = ansi_diff_styles(dark)
    assert not any(style.dim for style in styles.values())
    assert styles["wt.deleted"].color is not None
    for name in ("wt.deleted-strong", "wt.inserted-strong"):
        assert styles[name].bold and styles[name].underline
    for name in ("wt.deleted", "wt.inserted"):
        colour = styles[name].color
        assert colour is not None or styles[name].bold, name
        if colour is not None:
            assert worst(colour.name, dark) >= TEXT_CONTRAST, name
