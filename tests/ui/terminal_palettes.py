"""Real terminal palettes, to measure what an ANSI theme looks like on screens we can't see.

An ANSI theme (ansi-dark, ansi-light) sends colour numbers; the terminal's palette decides the
colours. The contrast test reads every cell under each palette below: Textual's own assumptions
and the defaults of widely used terminals, on a dark background for ansi-dark and a light one
for ansi-light. Values are copied from where each terminal defines them:

- Textual's MONOKAI and ALABASTER: `textual/_ansi_theme.py` (what Textual itself assumes for
  dark and light ANSI themes when it converts them to truecolour).
- xterm: its `XTerm-col.ad` resource file (`*VT100*color0: black`, `color1: red3`, ...,
  `color12: rgb:5c/5c/ff`), the X11 names resolved with rgb.txt (red3 = #cd0000, blue2 =
  #0000ee, gray90 = #e5e5e5, gray50 = #7f7f7f); gnome-terminal's `src/profile-editor.cc` holds
  the same sixteen as its "XTerm palette". xterm's default is black text on white; dark is
  `xterm -rv` (white on black).
- GNOME Terminal (the GNOME palette, its default since 3.32, and its "GNOME light" / "GNOME
  dark" foreground and background): gnome-terminal `src/profile-editor.cc`, `terminal_palettes`
  and `color_schemes`. Its "Tango light" scheme and Tango palette come from the same file.
- Windows Terminal's Campbell (the default scheme of its profiles): microsoft/terminal
  `src/cascadia/TerminalSettingsModel/defaults.json`.
"""

from __future__ import annotations

from rich.terminal_theme import TerminalTheme
from textual._ansi_theme import ALABASTER, MONOKAI

Rgb = tuple[int, int, int]


def _hex(colours: str) -> list[Rgb]:
    """'#RRGGBB ...' as triplets."""
    return [
        (int(word[1:3], 16), int(word[3:5], 16), int(word[5:7], 16)) for word in colours.split()
    ]


def _palette(background: str, foreground: str, sixteen: list[Rgb]) -> TerminalTheme:
    [back, front] = _hex(f"{background} {foreground}")
    return TerminalTheme(back, front, sixteen[:8], sixteen[8:])


XTERM = _hex(
    "#000000 #cd0000 #00cd00 #cdcd00 #0000ee #cd00cd #00cdcd #e5e5e5 "
    "#7f7f7f #ff0000 #00ff00 #ffff00 #5c5cff #ff00ff #00ffff #ffffff"
)
GNOME = _hex(
    "#171421 #c01c28 #26a269 #a2734c #12488b #a347ba #2aa1b3 #d0cfcc "
    "#5e5c64 #f66151 #33d17a #e9ad0c #2a7bde #c061cb #33c7de #ffffff"
)
TANGO = _hex(
    "#2e3436 #cc0000 #4e9a06 #c4a000 #3465a4 #75507b #06989a #d3d7cf "
    "#555753 #ef2929 #8ae234 #fce94f #729fcf #ad7fa8 #34e2e2 #eeeeec"
)
CAMPBELL = _hex(
    "#0c0c0c #c50f1f #13a10e #c19c00 #0037da #881798 #3a96dd #cccccc "
    "#767676 #e74856 #16c60c #f9f1a5 #3b78ff #b4009e #61d6d6 #f2f2f2"
)

DARK_PALETTES: dict[str, TerminalTheme] = {
    "textual-monokai": MONOKAI,
    "xterm-rv": _palette("#000000", "#ffffff", XTERM),
    "gnome-dark": _palette("#171421", "#d0cfcc", GNOME),
    "windows-campbell": _palette("#0c0c0c", "#cccccc", CAMPBELL),
}
LIGHT_PALETTES: dict[str, TerminalTheme] = {
    "textual-alabaster": ALABASTER,
    "xterm": _palette("#ffffff", "#000000", XTERM),
    "gnome-light": _palette("#ffffff", "#171421", GNOME),
    "gnome-tango-light": _palette("#eeeeec", "#2e3436", TANGO),
}


def palettes_for(dark: bool) -> dict[str, TerminalTheme]:
    """The palettes an ANSI theme is measured under: dark backgrounds for a dark theme."""
    return DARK_PALETTES if dark else LIGHT_PALETTES
