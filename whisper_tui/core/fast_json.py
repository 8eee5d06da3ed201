"""orjson for the JSON lines of our HAR files, where it gives what `json` would give.

Parsing is most of the cost of `--load` (about 70% of reading an entry of our own files), and
orjson parses an entry in about 60% of the time `json` takes. It is used only where it
installs; everywhere else, and for any text it refuses, the `json` module parses as before.

Where the two could differ, the text goes to `json`: orjson refuses what `json` reads in its
own way (NaN, Infinity, lone surrogate escapes, numbers too big for a double), and it turns
integers beyond 64 bits into floats, so a line holding a run of 19 digits or more is left to
`json` (tests/core/test_fast_json.py compares the two on generated documents).

Our files hold one entry to a line, so `object_lines` hands orjson every whole line read so far
as one array: one call per chunk of the file, not one per entry (7 against 10 us an entry,
most of what was left being Python's own per-call work).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

_loads: Callable[[bytes | str], Any] | None
try:
    from orjson import loads as _loads
except ImportError:  # no wheel for this platform: json alone
    _loads = None

AVAILABLE = _loads is not None
"""orjson is installed: `object_line` can parse."""

_DIGITS_AS_ZERO = bytes.maketrans(b"123456789", b"000000000")
_LONG_NUMBER = b"0" * 19
"""Digits enough to pass 2**63, where orjson would read an integer as a float. Looked for as
zeros after mapping every digit to one (4x faster than a regular expression, which tries
every position)."""


def object_line(text: str, at: int) -> tuple[Any, int] | None:
    """The JSON object starting at `at` when it is alone on its line (a `,` may follow it),
    and the index just after it; None when orjson is missing or the line is not such.

    None says nothing about the text: the caller parses it with `json` as it would anyway.
    """
    if _loads is None or not text.startswith("{", at):
        return None
    end = text.find("\n", at)
    if end < 0:
        return None  # the line may not be complete yet
    line = text[at:end].rstrip(" \t\r")
    if line.endswith(","):
        line = line[:-1].rstrip(" \t\r")
    try:
        encoded = line.encode()
    except UnicodeEncodeError:  # a lone surrogate: not UTF-8, json's to judge
        return None
    if _LONG_NUMBER in encoded.translate(_DIGITS_AS_ZERO):
        return None
    try:
        value = _loads(encoded)
    except ValueError:  # orjson.JSONDecodeError
        return None
    return value, at + len(line)


def object_lines(text: str, at: int) -> tuple[list[Any], int] | None:
    """The values of the whole lines from `at` up to the last one ending in `,`, parsed as
    one array when the first line is an object and its `,` (our files: an entry to a line),
    and the index just after that last `,`; None when orjson is missing or could read any of
    them otherwise than `json`.

    The lines' values are those `json` reads one after another from the same text: "[" + a
    run of comma-separated values + "]" is valid JSON only when the run is exactly such values
    (a raw newline can't be inside a string). None says nothing about the text, as for
    `object_line`.
    """
    if _loads is None or not text.startswith("{", at):
        return None
    first_end = text.find("\n", at)
    if first_end < 0 or not text.endswith("},", at, first_end):
        return None  # not one object to a line (a browser's pretty-printed export)
    end = text.rfind(",\n", first_end - 1)
    try:
        encoded = text[at:end].encode()
    except UnicodeEncodeError:  # a lone surrogate: not UTF-8, json's to judge
        return None
    values = values_of_lines(encoded)
    return None if values is None else (values, end + 1)


def values_of_lines(lines: bytes) -> list[Any] | None:
    """The values of `lines` (UTF-8 text: values separated by `,` and a newline, none after
    the last, as `object_lines` takes them), parsed as one array; None when orjson is missing
    or could read any of them otherwise than `json` reads the same text decoded, or not at all
    (bytes that are not UTF-8 included: orjson checks them as strictly as Python decodes).

    --load reads our files' lines as bytes straight from the file: decoding them to text and
    encoding that back for orjson cost 15% of reading an entry."""
    if _loads is None or _LONG_NUMBER in lines.translate(_DIGITS_AS_ZERO):
        return None
    try:
        values = _loads(b"[" + lines + b"]")
    except ValueError:  # orjson.JSONDecodeError
        return None
    return values  # type: ignore[no-any-return]
