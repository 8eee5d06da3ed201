"""Where a JSON value sits in the text it was read from, so `send --set` changes that value's
characters and leaves every other byte of the body as the sender wrote it (indentation, key
order, spacing, escapes). json.loads keeps no positions, hence this small scanner.

`splice` returns None when it can't place the edit (text that isn't plain UTF-8 JSON, a path
it does not find); the caller then re-serializes the parsed document instead.
"""

from __future__ import annotations

import json
from collections.abc import Sequence

from whisper_tui.core.portable import dumps_portable

WHITESPACE = " \t\n\r"


def splice(text: str, path: Sequence[str], value: object) -> str | None:
    """`text` with the value at `path` (object keys, array indices) replaced by `value` as
    JSON; a missing last key is added at the end of its object, spaced as its last member.
    With a key written twice, the last one is replaced: the one parsers keep. A string with
    a lone surrogate (`"\\ud800"`, which JSON allows) is written as escapes, as UTF-8 can't
    carry it."""
    try:
        return _Scanner(text).splice(list(path), dumps_portable(value, indent=None))
    except (ValueError, IndexError):
        return None


class _Scanner:
    def __init__(self, text: str) -> None:
        self.text = text

    def splice(self, path: list[str], new: str) -> str | None:
        start = self._skip(0)
        for depth, step in enumerate(path):
            last = depth == len(path) - 1
            opening = self.text[start]
            if opening == "{":
                found, insert = self._member(start, step)
                if found is None:
                    return self._added(insert, step, new) if last and insert else None
                start = found
            elif opening == "[" and step.isdigit():
                found = self._element(start, int(step))
                if found is None:
                    return None
                start = found
            else:
                return None
        end = self._value_end(start)
        return self.text[:start] + new + self.text[end:]

    def _skip(self, index: int) -> int:
        while self.text[index] in WHITESPACE:
            index += 1
        return index

    def _member(self, start: int, key: str) -> tuple[int | None, tuple[int, str, str] | None]:
        """(where `key`'s value starts, or None; where a new member goes: (index, what goes
        before its key, what goes between its key and value), or None in an empty object)."""
        found: int | None = None
        index = self._skip(start + 1)
        spacing: tuple[int, str, str] | None = None
        before_key = ""
        while self.text[index] != "}":
            key_end = self._string_end(index)
            name = json.loads(self.text[index:key_end])
            colon = self._skip(key_end)
            if self.text[colon] != ":":
                raise ValueError("no colon")
            value_start = self._skip(colon + 1)
            if name == key:
                found = value_start
            value_end = self._value_end(value_start)
            spacing = (value_end, before_key, self.text[key_end:value_start])
            index = self._skip(value_end)
            if self.text[index] == ",":
                after_comma = index + 1
                index = self._skip(after_comma)
                before_key = self.text[after_comma:index]
        if spacing is not None and not spacing[1]:
            # One member: the space before it after '{' is what a second one gets.
            first = self._skip(start + 1)
            spacing = (spacing[0], self.text[start + 1 : first], spacing[2])
        return found, spacing

    def _added(self, insert: tuple[int, str, str], key: str, new: str) -> str:
        at, before_key, between = insert
        member = "," + before_key + dumps_portable(key, indent=None) + between + new
        return self.text[:at] + member + self.text[at:]

    def _element(self, start: int, wanted: int) -> int | None:
        index = self._skip(start + 1)
        number = 0
        while self.text[index] != "]":
            if number == wanted:
                return index
            index = self._skip(self._value_end(index))
            if self.text[index] == ",":
                index = self._skip(index + 1)
            number += 1
        return None

    def _string_end(self, index: int) -> int:
        if self.text[index] != '"':
            raise ValueError("not a string")
        index += 1
        while True:
            character = self.text[index]
            if character == "\\":
                index += 2
            elif character == '"':
                return index + 1
            else:
                index += 1

    def _value_end(self, index: int) -> int:
        """Where the value starting at `index` ends (nesting walked in a loop, not recursion)."""
        character = self.text[index]
        if character == '"':
            return self._string_end(index)
        if character not in "{[":
            while index < len(self.text) and self.text[index] not in ",}] \t\n\r":
                index += 1
            return index
        depth = 0
        while True:
            character = self.text[index]
            if character == '"':
                index = self._string_end(index)
                continue
            if character in "{[":
                depth += 1
            elif character in "}]":
                depth -= 1
                if depth == 0:
                    return index + 1
            index += 1
