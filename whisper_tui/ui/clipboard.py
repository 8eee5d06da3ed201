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

Whether a copy reaches the clipboard is said here too (`copied`): inside tmux, OSC 52 from an
application reaches the outer terminal only with tmux's `set-clipboard on`; its default,
`external`, drops it, and every copy said "Copied" while nothing arrived. With $TMUX set, tmux
is asked (`tmux show-options -gv set-clipboard`, in a thread, never on the loop: once at
start, again after each copy, so a setting changed meanwhile is seen by the next copy); unless
it says `on`, a copy says it was sent, not copied, and the first such toast says how to make
it work.
"""

from __future__ import annotations

import asyncio
import os
import subprocess

from textual.app import App

from whisper_tui.core.sanitize import TERMINAL_CONTROLS, clipboard_safe

TMUX_FIX = "in tmux: set -g set-clipboard on"
"""How a copy inside tmux reaches the clipboard (tmux passes applications' OSC 52 on)."""

UNREAD = "unread"
"""tmux's set-clipboard not read yet (or not readable): a copy is not said to have arrived."""


def tmux_set_clipboard() -> str | None:
    """tmux's set-clipboard ('on', 'external', 'off') when running inside tmux; UNREAD when it
    can't be read; None outside tmux. Runs tmux: call it off the loop."""
    if not os.environ.get("TMUX"):
        return None
    try:
        done = subprocess.run(
            ["tmux", "show-options", "-gv", "set-clipboard"],
            capture_output=True,
            text=True,
            timeout=2,
            stdin=subprocess.DEVNULL,
        )
    except (OSError, subprocess.SubprocessError):
        return UNREAD
    value = done.stdout.strip()
    return value if done.returncode == 0 and value else UNREAD


PICTURES_NOTE = "control characters as pictures"
"""The words each copy's message adds when the guard replaced something."""


def copied_with_pictures(text: str) -> bool:
    """Whether copying `text` puts pictures where it held terminal controls."""
    return TERMINAL_CONTROLS.search(text) is not None


class GuardedClipboard(App[None]):
    """Mixed into WhisperApp: every copy to the clipboard goes through the guard."""

    _tmux_clipboard: str | None = UNREAD
    """tmux's set-clipboard as last read (None: not in tmux)."""
    _tmux_fix_said = False

    def on_mount(self) -> None:
        self._read_tmux_clipboard()

    def copy_to_clipboard(self, text: str) -> None:
        """Copy `text` (OSC 52, and the app's own clipboard that fields paste from) with its
        terminal controls drawn as pictures; tabs and line ends as they are."""
        super().copy_to_clipboard(clipboard_safe(text))
        self._read_tmux_clipboard()  # for the next copy: the fix may be applied meanwhile

    def clipboard_doubt(self) -> str:
        """'' when a copy can be said to reach the clipboard (as far as can be known: the
        terminal may still ignore OSC 52); else why not, the first time with how to fix it."""
        setting = self._tmux_clipboard if os.environ.get("TMUX") else None
        if setting is None or setting == "on":
            return ""
        if setting == UNREAD:
            why = "tmux passes it on only with set-clipboard on"
        else:
            why = f"tmux's set-clipboard is {setting!r}, so it does not reach the clipboard"
        if self._tmux_fix_said:
            return why
        self._tmux_fix_said = True
        return f"{why}; {TMUX_FIX}"

    def _read_tmux_clipboard(self) -> None:
        if not os.environ.get("TMUX"):
            self._tmux_clipboard = None
            return
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            return
        reading = loop.run_in_executor(None, tmux_set_clipboard)
        reading.add_done_callback(self._tmux_clipboard_read)

    def _tmux_clipboard_read(self, reading: asyncio.Future[str | None]) -> None:
        if not reading.cancelled() and reading.exception() is None:
            self._tmux_clipboard = reading.result()


def copy_doubt(app: App[object]) -> str:
    """GuardedClipboard.clipboard_doubt of `app` ('' for a plain App, a test's)."""
    return app.clipboard_doubt() if isinstance(app, GuardedClipboard) else ""


def copied(app: App[object], what: str) -> str:
    """What a copy says: 'copied 11 characters to the clipboard (OSC 52)' where that can be
    said; inside tmux, unless it passes OSC 52 on, that it was sent and why it may not arrive."""
    doubt = copy_doubt(app)
    if not doubt:
        return f"copied {what} to the clipboard (OSC 52)"
    return f"sent {what} to the terminal (OSC 52), but {doubt}"
