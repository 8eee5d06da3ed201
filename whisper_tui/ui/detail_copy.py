"""`y` in the detail: copy the value on the current match's line, else the first line from
the top of the screen down that holds one (a header's value, a JSON string unquoted), with
OSC 52; a notification says what was copied. The characters a terminal acts on (ESC, C1)
never go to the clipboard as they are: the app's clipboard guard (clipboard.py) copies them
as the pictures the screen shows, and the notification says so. What a line holds: a head
line's pair (detail_lines.Head), a body line's value (body_line_value), a raw one's
(body_modes.raw_line_value).
"""

from __future__ import annotations

import json
import re
from typing import TYPE_CHECKING

from whisper_tui.core.contentviews.stored import RawLines
from whisper_tui.core.sanitize import printable
from whisper_tui.ui.body_modes import raw_line_value
from whisper_tui.ui.clipboard import PICTURES_NOTE, copied_with_pictures, copy_doubt
from whisper_tui.ui.toasts import toast

if TYPE_CHECKING:
    from whisper_tui.ui.detail import RequestDetail

Value = tuple[str, str]
"""What a line holds for copying: (what it is, e.g. a header's name; the value)."""

COPIED_SHOWN = 60
"""Characters of a copied value the notification shows."""


def copied_note(label: str, value: str) -> tuple[str, str]:
    """The notification (message, title) for a copied value: sanitized and cut short."""
    shown = printable(value)
    if len(shown) > COPIED_SHOWN:
        shown = shown[: COPIED_SHOWN - 1] + "…"
    return f"{printable(label)[:COPIED_SHOWN]}: {shown}", f"Copied {len(value):,} characters"


class CopyValue:
    """Mixed into RequestDetail: the copy action, over the lines and the find it holds."""

    def action_copy_value(self: RequestDetail) -> None:
        """Copy the value on the current match's line, else the top line (OSC 52)."""
        found = self.value_to_copy()
        if found is None:
            toast(self.app, "no value on the top line to copy", timeout=3, kind="copy")
            return
        label, value = found
        if copied_with_pictures(value):  # a JSON string's "\u001b", say: never pasted raw
            label = f"{label} ({PICTURES_NOTE})"
        self.app.copy_to_clipboard(value)
        message, title = copied_note(label, self.app.clipboard)  # what the guard let through
        if doubt := copy_doubt(self.app):  # inside tmux that drops OSC 52: never "Copied"
            title = title.replace("Copied", "Sent", 1) + " (OSC 52)"
            message = f"{message}\n{doubt[:1].upper()}{doubt[1:]}"
        toast(self.app, message, title=title, timeout=4, kind="copy")

    def value_to_copy(self: RequestDetail) -> Value | None:
        """The value `y` copies: the current match's line's, or the first line from the top of
        the screen down that holds one."""
        if self._find is not None and self._find.current is not None:
            first = self._find.match(self._find.current)[0]
            return self._value_at(first)
        top = self._locate(round(self.scroll_y))
        if top is None:
            return None
        for index in range(top[0], top[0] + max(self.scrollable_content_region.height, 1)):
            if (value := self._value_at(index)) is not None:
                return value
        return None

    def _value_at(self: RequestDetail, index: int) -> Value | None:
        if index < len(self._head.lines):
            return self._head.values.get(index)
        line = self._body_line(index)
        if line is None or self._view is None:
            return None
        if isinstance(lines := self._view.lines, RawLines):  # as sent (as shown if not UTF-8)
            return raw_line_value(lines, index - len(self._head.lines))
        return body_line_value(line, self._view.lexer, self._view.kind)


# -- the value on a body line -------------------------------------------------------------------

_JSON_MEMBER = re.compile(r'\s*(?:"((?:[^"\\]|\\.)*)"\s*:\s*)?(.*?),?\s*')


def body_line_value(line: str, lexer: str | None, kind: str) -> Value | None:
    """What `y` copies from a body line: a JSON line's value (strings unquoted), a form field's
    value, or else the line itself; None for a line that only opens an object or array."""
    if lexer == "json":
        match = _JSON_MEMBER.fullmatch(line)
        if match:
            key, literal = match.groups()
            label = _json_string(key) if key is not None else "value"
            if literal in ("{", "[", "}", "]"):
                return None
            try:
                value = json.loads(literal)
            except ValueError:
                return (label, literal) if key is not None else ("line", line.strip())
            return (label, value if isinstance(value, str) else literal)
    if kind == "form" and " = " in line:
        name, value = line.split(" = ", 1)
        return (name, value)
    stripped = line.strip()
    return ("line", stripped) if stripped else None


def _json_string(escaped: str) -> str:
    try:
        decoded = json.loads(f'"{escaped}"')
    except ValueError:
        return escaped
    return decoded if isinstance(decoded, str) else escaped
