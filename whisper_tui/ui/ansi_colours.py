"""Colours for ANSI themes: colour numbers whose look the terminal's palette decides.

An ANSI theme (ansi-dark, ansi-light, and what 16-colour terminals and NO_COLOR start in) can't
nudge a colour toward readable: it can only choose which of the sixteen to send. Each role
(success, warning, error, ...) gets the ANSI colour that reads at 4.5:1 on the background in
the palettes people actually run (Textual's assumed Monokai and Alabaster, xterm's, GNOME
Terminal's and Windows Terminal's defaults; tests/ui/terminal_palettes.py measures them). Where
no hue is safe on every one of them (on a light background, green, yellow and cyan all fall to
1.7-3.3:1 somewhere; on a dark one, blue, magenta and plain red do), the role falls back to
the terminal's own foreground, which its user picked to read, and the style carries its meaning
in an attribute (bold) or in the text itself (the diff's -/+ marks), never in hue alone.

Faint (dim) is never used for text: terminals draw it about half way to the background, under
4.5:1 in GNOME's and Tango's palettes. Muted text is plain.
"""

from __future__ import annotations

from collections.abc import Mapping

from rich.style import Style

DEFAULT = "ansi_default"
"""The terminal's own foreground (as a text or border colour) or background."""

ANSI_TEXT: dict[bool, dict[str, str]] = {
    # Worst ratio on the dark palettes: green 5.6, cyan 5.9, bright red 4.7, bright yellow 9.0
    # (plain red 3.0, yellow 4.4, blue 2.0, magenta 2.4, bright blue 4.3: not safe).
    True: {
        "text-primary": "ansi_cyan",
        "text-secondary": "ansi_cyan",
        "text-accent": "ansi_green",
        "text-success": "ansi_green",
        "text-warning": "ansi_bright_yellow",
        "text-error": "ansi_bright_red",
        "text-muted": DEFAULT,
        "footer-key-foreground": "ansi_green",
        "footer-description-foreground": DEFAULT,
    },
    # On the light palettes only red (5.1), blue (5.1) and magenta (4.7) read; success and the
    # secondary hue fall back to the terminal's foreground (their styles are bold).
    False: {
        "text-primary": "ansi_blue",
        "text-secondary": DEFAULT,
        "text-accent": "ansi_magenta",
        "text-success": DEFAULT,
        "text-warning": "ansi_magenta",
        "text-error": "ansi_red",
        "text-muted": DEFAULT,
        "footer-key-foreground": "ansi_magenta",
        "footer-description-foreground": DEFAULT,
    },
}
"""Text colours per role, for dark (True) and light (False) ANSI themes."""

ANSI_DECORATIONS: dict[bool, dict[str, str]] = {
    # Borders, focus bars, scrollbar thumbs (on their track): 3:1. A blurred border is drawn in
    # the terminal's foreground (Textual's black or white vanished into the background).
    True: {
        "wt-focus": "ansi_green",
        "border": "ansi_green",
        "border-blurred": DEFAULT,
        "wt-footer-rule": DEFAULT,
        "scrollbar": "ansi_white",
        "scrollbar-hover": "ansi_bright_white",
        "scrollbar-active": "ansi_bright_white",
        "scrollbar-background": "ansi_black",
    },
    False: {
        "wt-focus": "ansi_magenta",
        "border": "ansi_magenta",
        "border-blurred": DEFAULT,
        "wt-footer-rule": DEFAULT,
        "scrollbar": "ansi_blue",
        "scrollbar-hover": "ansi_blue",
        "scrollbar-active": "ansi_blue",
        "scrollbar-background": "ansi_white",
    },
}


def ansi_variables(variables: Mapping[str, str], dark: bool) -> dict[str, str]:
    """An ANSI theme's variables with the colours text and decorations are drawn in replaced
    by the ones that read on common palettes, plus the `wt-*` variables app.tcss uses."""
    out = dict(variables)
    accent = ANSI_DECORATIONS[dark]["wt-focus"]
    # The list's cursor row is reverse video in ANSI themes (app.tcss :ansi); these tints
    # are never seen but must exist.
    out["wt-cursor"] = f"{accent} 40%"
    out["wt-cursor-blurred"] = f"{accent} 18%"
    out.update(ANSI_TEXT[dark])
    out.update(ANSI_DECORATIONS[dark])
    return out


def falls_back(variables: Mapping[str, str], name: str) -> bool:
    """Whether the role `name` (a theme variable) is drawn in the terminal's own foreground."""
    return variables.get(name, "").split(" ")[0] == DEFAULT


def ansi_diff_styles(dark: bool) -> dict[str, Style]:
    """Removed rows in the error hue, added rows in the success hue (bold in the terminal's
    foreground where green doesn't read); changed characters also bold and underlined. No
    tint: a background the terminal picks could be the text's own colour."""
    removed = ANSI_TEXT[dark]["text-error"].removeprefix("ansi_")
    added = ANSI_TEXT[dark]["text-success"]
    inserted = Style(bold=True) if added == DEFAULT else Style(color=added.removeprefix("ansi_"))
    return {
        "wt.deleted": Style(color=removed),
        "wt.inserted": inserted,
        "wt.deleted-strong": Style(color=removed, bold=True, underline=True),
        "wt.inserted-strong": inserted + Style(bold=True, underline=True),
        # Volatile rows (ids, signatures, dates) set apart without faint.
        "wt.volatile": Style(italic=True),
    }


ANSI_SYNTAX: dict[bool, dict[str, str]] = {
    # dark: keys, strings and numbers in three hues safe on dark palettes; constants bold.
    True: {
        "Name.Tag": "cyan",
        "Name.Attribute": "bright_yellow",
        "Name.Builtin": "cyan",
        "Literal.String": "green",
        "Literal.Number": "bright_yellow",
        "Keyword": "bold",
        "Comment": "italic",
        "Error": "bold bright_red",
    },
    # light: blue keys, red strings, magenta numbers (Xcode's light scheme draws strings red);
    # green, yellow and cyan wash out on white.
    False: {
        "Name.Tag": "blue",
        "Name.Attribute": "magenta",
        "Name.Builtin": "blue",
        "Literal.String": "red",
        "Literal.Number": "magenta",
        "Keyword": "bold",
        "Comment": "italic",
        "Error": "bold underline red",
    },
}
"""Token kinds (pygments names, a kind covering its subkinds) as rich styles in ANSI colours,
for panes whose background is the terminal's own (ANSI themes, 16-colour terminals): the
terminal's palette draws them, so they neither need nor survive a truecolour theme's shades."""


def ansi_syntax_style(dark: bool, token_name: str) -> str | None:
    """The style of a token kind ('Literal.String.Double'), None for the terminal's own."""
    table = ANSI_SYNTAX[dark]
    name = token_name
    while name:
        if name in table:
            return table[name]
        name = name.rpartition(".")[0]
    return None
