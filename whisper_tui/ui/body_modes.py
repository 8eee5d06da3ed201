"""`v`: the detail's body by content type (auto), or exactly the bytes stored (raw, hex).

The mode is the session's: it holds for every capture shown until `v` changes it again (as
mitmproxy's console keeps a view mode), and is not written to the config file: a new session
starts in auto, the view most bodies read best in. The lines themselves come from
core/contentviews/stored.py; here are the key, the hint in the body's title and the raw
lines' styling.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from rich.text import Text

from whisper_tui.core.contentviews.stored import BodyMode, RawLines, next_mode, raw_display
from whisper_tui.ui.keys import hint

if TYPE_CHECKING:
    from whisper_tui.ui.detail import RequestDetail
    from whisper_tui.ui.detail_copy import Value

NEXT_SHOWN: dict[BodyMode, str] = {"auto": "raw, hex", "raw": "hex", "hex": "auto"}
"""What pressing the key leads to, as the title says it."""
DESCRIBED: dict[BodyMode, str] = {
    "auto": "body view: auto, by content type",
    "raw": "body view: raw, the bytes as stored",
    "hex": "body view: hex, the bytes as stored",
}
"""The toast `v` shows: one line, so two in a row leave an 80x24 body readable."""


def body_hint(mode: BodyMode, app: object = None) -> str:
    """The body title's '(auto; v: raw, hex)': the mode in effect and the key that changes
    it, the one in effect in `app` (a keymap may have moved `v`)."""
    change = hint(app, "{body_view}: ") + NEXT_SHOWN[mode]
    return f"{'auto' if mode == 'auto' else 'as stored'}; {change}"


def raw_text(line: str) -> Text:
    """A raw line (raw_display's output, terminal-safe already) with its marks muted: the
    control pictures (␊ ␍ ␉ ␛ ...) and the spaces a line ends in, which would not show."""
    text = Text(line, end="")
    for index, char in enumerate(line):
        if "\u2400" <= char <= "\u2426":
            text.stylize("wt.muted", index, index + 1)
    content = line.rstrip("\u240a\u240d")
    trailing = len(content) - len(content.rstrip(" "))
    if trailing:
        for style in ("wt.muted", "reverse"):  # a theme's name and an attribute: two spans
            text.stylize(style, len(content) - trailing, len(content))
    return text


def raw_line_value(lines: RawLines, index: int) -> Value | None:
    """What `y` copies from a raw line, without its line end (None for an empty line): the
    text as sent when it is plain text (tabs allowed); else the line as shown, escapes and
    pictures and all (`\\xff`, `␛`), the toast saying why. A clipboard takes text, not bytes:
    U+FFFD would not say which bytes a line held, and a control character (ESC) put there
    would act on the terminal it is pasted into."""
    try:
        line = lines.original(index).removesuffix("\r")
    except IndexError:
        return None
    if not line:
        return None
    try:
        line.encode("utf-8")  # surrogateescape's stand-ins for bytes not UTF-8 refuse
    except UnicodeEncodeError:
        return ("line as shown (not UTF-8)", raw_display(line))
    if not line.replace("\t", "").isprintable():  # what the raw view spells (but a backslash)
        what = "control" if _CONTROLS.search(line) else "invisible"
        return (f"line as shown ({what} characters)", raw_display(line))
    return ("line", line)


_CONTROLS = re.compile(r"[\x00-\x08\x0a-\x1f\x7f-\x9f]")
"""C0 but tab, DEL and C1: a line holding one is copied as shown, '(control characters)'."""


class BodyModes:
    """Mixed into RequestDetail: the mode in effect and switching it."""

    body_mode: BodyMode = "auto"

    def cycle_body_mode(self: RequestDetail) -> BodyMode:
        """Show the body in the next mode (auto -> raw -> hex -> auto); the body's title stays
        at the top if the body was on screen. Returns the new mode."""
        self.body_mode = mode = next_mode(self.body_mode)
        request, head = self.request, self._head
        top = self._locate(round(self.scroll_y))
        in_body = request is not None and top is not None and top[0] >= head.body_at > 0
        self.request = None  # show() redraws only a capture it isn't showing
        self.show(request)
        if in_body:
            self._goto = (self._head.body_at, 0, True)
            self._go_when_ready()
        return mode


class BodyViewActions:
    """WhisperApp's part: `v` (and the palette) cycles the detail's body mode; `w` wraps it."""

    detail: RequestDetail
    notify: Any

    def action_body_view(self) -> None:
        """Cycle the body view: auto, raw, hex."""
        mode = self.detail.cycle_body_mode()
        self.notify(DESCRIBED[mode], timeout=2, kind="body_view")

    def action_wrap_body(self) -> None:
        """w: wrap the detail's body or scroll it sideways, whichever pane has the focus."""
        self.detail.action_toggle_wrap()
