"""A JSON body's display lines made by orjson's indentation, where they are exactly the line
regex's (contentviews.json_lines.pretty_json_lines), else None.

The diff re-indents both bodies whole. The line regex makes one display line per match in
Python, about 45 ms for a megabyte; orjson indents the parsed value in C in a few ms. Its
lines are the regex's when every token comes out as it went in, which this module makes so:

- numbers are parsed as marked strings holding their literal (json_changes'
  parse_json_literals), so 1.10 stays 1.10 and a 30-digit integer keeps its digits;
- escapes stay as written: before parsing, each escaping backslash is swapped for a
  C1 control character (an escaped backslash, an escaped quote, any other), so a string is
  parsed as its written text, and orjson writes those characters unescaped, to be put back;
- it gives up (None) where orjson's layout would differ: a key given twice (the parsed object
  keeps one), nesting past MAX_INDENT_DEPTH (the regex stops indenting there), a text that
  already holds one of those C1 characters, a lone surrogate or anything else orjson
  refuses, or no orjson at all.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from whisper_tui.core.contentviews.json_lines import MAX_INDENT_DEPTH
from whisper_tui.core.diff.json_changes import NUMBER_CLOSE, NUMBER_OPEN, parse_json_literals

_dumps: Callable[..., bytes] | None
try:
    from orjson import OPT_INDENT_2
    from orjson import dumps as _dumps
except ImportError:  # no wheel for this platform: the line regex does it all
    _dumps = None
    OPT_INDENT_2 = 0

_SWAPS = (("\\\\", "\x81"), ('\\"', "\x82"), ("\\", "\x83"))
"""Replaced in this order, left to right, they take each escape whole as JSON reads it. C1
control characters: never escaped by orjson, next to never in a body, and within Latin-1, so
an ASCII text stays one byte a character (string work on it twice as fast)."""
# A marked number as orjson writes it (the marks are control characters, so escaped).
_OPENED = '"' + "".join(f"\\u{ord(char):04x}" for char in NUMBER_OPEN)
_CLOSED = "".join(f"\\u{ord(char):04x}" for char in NUMBER_CLOSE) + '"'
_TOO_DEEP = "\n" + "  " * (MAX_INDENT_DEPTH + 1)
"""A line indented past the regex's deepest indent."""


def indented_lines(text: str, value: Any = None) -> list[str] | None:
    """pretty_json_lines(text) before long lines are cut, or None where orjson can't give it.

    `text` is JSON that json.loads accepted; `value` may be its parse_json_literals, which
    saves parsing it again when the text has no backslash.
    """
    if _dumps is None or any(char in text for _, char in _SWAPS):
        return None
    swapped = text
    if "\\" in text:
        for escape, char in _SWAPS:
            swapped = swapped.replace(escape, char)
        value = None  # the caller's parse has the escapes decoded
    try:
        if value is None:
            value = parse_json_literals(swapped)
        out = _dumps(value, option=OPT_INDENT_2).decode()
    except (TypeError, ValueError, RecursionError):  # orjson refuses with a TypeError
        return None
    out = out.replace(_OPENED, "").replace(_CLOSED, "")
    # As many quotes as the text's strings have: no key was dropped as a duplicate.
    if out.count('"') != swapped.count('"') or _TOO_DEEP in out:
        return None
    if swapped is not text:
        for escape, char in _SWAPS:
            out = out.replace(char, escape)
    return out.split("\n")
