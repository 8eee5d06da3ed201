"""The clipboard's one guard: nothing a terminal acts on is ever copied as it is.

Every copy goes through `App.copy_to_clipboard`: `y`'s value, the export dialog's copy, `U`,
Ctrl+C's selection, and Textual's own copy and cut in text fields (Ctrl+X in an Input, the
`R` editor's body). `GuardedClipboard` overrides it once, for all of them: the characters
a terminal acts on (sanitize.TERMINAL_CONTROLS: ESC, BEL, the other C0 controls but tab and
line ends, DEL, C1) are put there drawn as the screen draws them (`␛`, `␇`, `\\x9b`), the way
`y` copied them before this guard. OSC 52 itself carries the text base64-encoded, so no
character ends that sequence on the way; the danger is the paste: an ESC pasted into a
terminal acts on it (a title change, a cleared screen, `ESC [201~` ending a bracketed paste
early and running what follows). Replacing keeps the copy useful and the same everywhere;
whoever copies says so when it happened (`copied_with_pictures`), and exact bytes are what
saving an export is for.
"""

from __future__ import annotations

from textual.app import App

from whisper_tui.core.sanitize import TERMINAL_CONTROLS, clipboard_safe

PICTURES_NOTE = "control characters as pictures"
"""The words each copy's message adds when the guard replaced something."""


def copied_with_pictures(text: str) -> bool:
    """Whether copying `text` puts pictures where it held terminal controls."""
    return TERMINAL_CONTROLS.search(text) is not None


class GuardedClipboard(App[None]):
    """Mixed into WhisperApp: every copy to the clipboard goes through the guard."""

    def copy_to_clipboard(self, text: str) -> None:
        """Copy `text` (OSC 52, and the app's own clipboard that fields paste from) with its
        terminal controls drawn as pictures; tabs and line ends as they are."""
        super().copy_to_clipboard(clipboard_safe(text))
