"""Make sender text safe to put on a terminal: control characters become visible marks."""

from __future__ import annotations

import re

# The control characters each rule cares about, declared together so the differences are
# deliberate and visible. Display (printable) replaces all of them, and more, below.
NOT_IN_URL = re.compile(r"[\x00-\x1f\x7f]")
"""C0 and DEL: never valid in a URL or a header (RFC 3986, RFC 9110)."""
BINARY_MARKERS = re.compile(r"[\x00-\x08\x0e-\x1a\x1c-\x1f]")
"""What text almost never holds: C0 minus tab, LF, VT, FF, CR and ESC (coloured
logs carry ESC), so a body dense with these is shown as hex."""
NOT_LITERAL_IN_SHELL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
"""What an exported command can't carry inside quotes and stay readable and exact: C0 but
tab, LF and CR, then DEL and C1; such bodies are exported as base64 instead."""
TERMINAL_CONTROLS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
"""What a terminal acts on when a copied value is pasted into it: C0 but tab, LF and CR (ESC
starts sequences, BEL rings), then DEL and C1 (0x9B is CSI on some terminals). Tab and line
ends are text a value may hold, and paste the way typing them would."""


SKIN_TONES = range(0x1F3FB, 0x1F400)
"""The emoji skin-tone modifiers (Fitzpatrick types 1-2 to 6)."""


def _build_table() -> dict[int, str | None]:
    table: dict[int, str | None] = {}
    # C0 controls become the Unicode "control pictures" (ESC shows as ␛, BEL as ␇): one cell
    # wide, visibly not the real thing, and never interpreted by the terminal.
    for code in range(0x20):
        table[code] = chr(0x2400 + code)
    table[0x7F] = "\u2421"  # ␡
    # C1 controls (0x80-0x9F) have no pictures; CSI (0x9B) and OSC (0x9D) act like ESC [ and
    # ESC ] on some terminals, so they are spelled out instead.
    for code in range(0x80, 0xA0):
        table[code] = f"\\x{code:02x}"
    # Line/paragraph separators and bidirectional overrides can reorder or split what is shown
    # ("trojan source"); spell them out too.
    for code in (0x2028, 0x2029, *range(0x202A, 0x202F), *range(0x2066, 0x206A), 0x200E, 0x200F):
        table[code] = f"\\u{code:04x}"
    # Lone surrogates cannot be written to a UTF-8 terminal. U+DC80-U+DCFF are the bytes
    # 0x80-0xFF that surrogateescape decoding could not read (a reason phrase, a target).
    for code in range(0xD800, 0xE000):
        table[code] = f"\\x{code - 0xDC00:02x}" if 0xDC80 <= code <= 0xDCFF else f"\\u{code:04x}"
    # Joiners and emoji/text presentation selectors are dropped: terminals disagree on how
    # wide they make what they join or follow ('a<ZWJ>b' measures 1 cell in Rich, which
    # Textual lays out with, and draws as 2; tmux draws '❤<VS16>' in 1 cell, Rich counts 2),
    # and each disagreement shifts every cell after it, borders and dividers included. The
    # parts are shown side by side ('👩💻' for '👩<ZWJ>💻'), as wide everywhere as measured.
    # Skin-tone modifiers (U+1F3FB-U+1F3FF) too: Rich measures '👍🏽' as 2 cells (the
    # modifier as 0, even alone), as kitty, WezTerm and iTerm2 draw it, but tmux 3.3 (and
    # xterm, VTE, Alacritty: wcwidth per character) draws the modifier as a 2-cell swatch
    # beside the hand, 4 cells in all: shown as '👍', it is 2 cells in every terminal.
    for code in (0x200D, 0xFE0E, 0xFE0F, *SKIN_TONES):
        table[code] = None
    return table


_TABLE = _build_table()
_SPELLED_TABLE: dict[int, str | None] = {
    **_TABLE,
    **{
        code: f"\\u{code:04x}" if code <= 0xFFFF else f"\\U{code:08x}"
        for code, shown in _TABLE.items()
        if shown is None
    },
}
_TAB_WIDTH = 4


def printable(text: str, spell_dropped: bool = False) -> str:
    """Replace every control character with a visible placeholder (tabs become spaces).

    `spell_dropped`: joiners, presentation selectors and skin tones are spelled out
    ('\\U0001f3fd') instead of left out, where what differs must be seen (two values that
    differ only in a skin tone would otherwise look the same)."""
    if text.isascii() and text.isprintable():
        return text  # most targets and header values: no character of the table is there
    if "\t" in text:
        text = text.expandtabs(_TAB_WIDTH)
    return text.translate(_SPELLED_TABLE if spell_dropped else _TABLE)


def clipboard_safe(text: str) -> str:
    """`text` with its TERMINAL_CONTROLS drawn as printable() draws them (␛, ␇, \\x9b), for
    the clipboard: a pasted ESC would act on the terminal it lands in. Tabs and line ends kept."""
    return TERMINAL_CONTROLS.sub(lambda match: _TABLE[ord(match.group())] or "", text)


def _one_cell_table() -> dict[int, str]:
    # For editable fields, where each character must stay one cell wide for the cursor.
    table = {code: chr(0x2400 + code) for code in range(0x20)}
    table[0x7F] = "\u2421"
    table.update({code: "\ufffd" for code in range(0x80, 0xA0)})
    table.update({code: "\ufffd" for code in range(0xD800, 0xE000)})
    return table


_ONE_CELL = _one_cell_table()


def visible_same_width(text: str) -> str:
    """Like printable(), but one visible character per character (for editors and inputs)."""
    return text.translate(_ONE_CELL)


class ControlPictures:
    """An Input highlighter that draws control characters as marks; the value is unchanged."""

    def __call__(self, text):  # type: ignore[no-untyped-def]
        shown = text.copy()
        shown.plain = visible_same_width(text.plain)
        return shown
