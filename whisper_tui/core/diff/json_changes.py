"""The structural summary of two JSON bodies: what changed, by path, key order ignored."""

from __future__ import annotations

import json
import re
from typing import Any

from whisper_tui.core.diff.models import Change, Opcode, cut_value
from whisper_tui.core.diff.myers import diff_lines

MAX_CHANGES = 500
"""The summary stops after this many entries (a note says so)."""
MAX_JSON_DEPTH = 256
"""Deeper JSON differences are reported whole at this depth instead of descended into."""
ARRAY_ALIGN_CAP = 10_000
"""Arrays longer than this are compared index by index rather than aligned."""

# Numbers are parsed as marked strings holding their literal text, so 1.10 and 1.1 differ
# like they do on the wire, 1 never equals true, and C-level == can compare whole subtrees.
# The marks make json and orjson write a number as a string that is easy to unwrap.
NUMBER_OPEN = "\x00\x1e"
NUMBER_CLOSE = "\x1e\x00"
_SIMPLE_KEY = re.compile(r"[\w$@-]+\Z")


class NulText(str):
    """A JSON string value holding NUL, which only an escape (\\u0000) puts in one.

    Its own type, equal only to another NulText, so a plain str holding NUL is always a
    number: the text can spell a number's marks ("\\u0000\\u001e5\\u001e\\u0000"), which
    read as the number 5. The strings are wrapped, not the numbers, so the usual body pays
    nothing: a Python-level __eq__ on every number made a 730 kB body of numbers' diff about
    a third slower (thread CPU, A/B interleaved).
    """

    __slots__ = ()

    def __eq__(self, other: object) -> bool:
        return type(other) is NulText and str.__eq__(self, other)

    def __ne__(self, other: object) -> bool:
        return not self.__eq__(other)

    __hash__ = str.__hash__


class _ParsedNumber(str):
    """A number while a text with NUL strings is parsed, told from them, then made a str."""

    __slots__ = ()


def _number(literal: str) -> str:
    return NUMBER_OPEN + literal + NUMBER_CLOSE


def _parsed_number(literal: str) -> _ParsedNumber:
    return _ParsedNumber(NUMBER_OPEN + literal + NUMBER_CLOSE)


def is_number(value: Any) -> bool:
    """A parse_json_literals number (a plain str holding NUL)."""
    return type(value) is str and value.startswith(NUMBER_OPEN) and value.endswith(NUMBER_CLOSE)


def number_literal(number: str) -> str:
    """A number's text as written ('1.10', '1e3', '-0'), its marks taken off."""
    return number[len(NUMBER_OPEN) : -len(NUMBER_CLOSE)]


def parse_json_literals(text: str) -> Any:
    """json.loads keeping number literals (see NUMBER_OPEN), a string holding NUL as a
    NulText; raises ValueError or RecursionError."""
    if "\\u0000" not in text:  # json.loads refuses a raw NUL: no string holds one
        return json.loads(text, parse_int=_number, parse_float=_number, parse_constant=_number)
    value = json.loads(
        text, parse_int=_parsed_number, parse_float=_parsed_number, parse_constant=_parsed_number
    )
    return _numbers_and_nul_texts(value)


def _settled(item: Any) -> Any:
    if type(item) is _ParsedNumber:
        return str(item)  # a plain str again: equal to the same number in any other body
    if type(item) is str and "\x00" in item:
        return NulText(item)
    return item


def _numbers_and_nul_texts(value: Any) -> Any:
    """`value` with its numbers plain marked strs and its NUL strings NulText (keys stay:
    a key is never a number). An explicit stack: no recursion limit of its own."""
    root = [value]
    stack: list[Any] = [root]
    while stack:
        container = stack.pop()
        pairs = container.items() if type(container) is dict else enumerate(container)
        for where, item in list(pairs):
            settled = _settled(item)
            if settled is not item:
                container[where] = settled
            elif type(item) is dict or type(item) is list:
                stack.append(item)
    return root[0]


def json_changes(
    before: Any,
    after: Any,
    path: str = "",
    *,
    limit: int = MAX_CHANGES,
    max_depth: int = MAX_JSON_DEPTH,
) -> list[Change]:
    """Structural differences between two JSON values, by path, key order ignored.

    Objects report added and removed keys and descend into common ones; arrays of equal
    length compare by index, arrays of different length report the length change and are
    aligned on their elements first, so one inserted item is one '+' entry. A change of
    the whole document is reported at path 'body'. Equal subtrees are skipped with one
    C-level ==, so on plain json.loads output 1, 1.0 and true inside an otherwise equal
    container count as equal; diff_requests parses numbers as their literals, where not.
    """
    return json_change_list(before, after, path, limit, max_depth)[0]


def json_change_list(
    before: Any, after: Any, path: str, limit: int, max_depth: int
) -> tuple[list[Change], bool]:
    """json_changes stopping at `limit` entries, and whether it stopped early."""
    changes: list[Change] = []
    # An explicit stack, children pushed in reverse, gives document order without recursion,
    # so 200,000 nested brackets cannot exhaust the interpreter stack.
    stack: list[Any] = [(path, before, after, 0)]
    while stack:
        item = stack.pop()
        if isinstance(item, Change):
            changes.append(item)
            if len(changes) >= limit:
                return changes, bool(stack)
            continue
        where, old, new, depth = item
        if type(old) is type(new):
            try:
                if old == new:
                    continue
            except RecursionError:
                pass  # too deep to compare at once: descend and compare piecewise
            if type(old) is dict and depth < max_depth:
                stack.extend(reversed(_object_children(where, old, new, depth + 1)))
                continue
            if type(old) is list and depth < max_depth:
                stack.extend(reversed(_array_children(where, old, new, depth + 1)))
                continue
        item = Change(where or "body", "changed", _literal(old), _literal(new))
        changes.append(item)
        if len(changes) >= limit:
            return changes, bool(stack)
    return changes, False


def _object_children(where: str, old: dict[str, Any], new: dict[str, Any], depth: int) -> list[Any]:
    children: list[Any] = []
    for key, value in old.items():
        child = _key_path(where, key)
        if key in new:
            children.append((child, value, new[key], depth))
        else:
            children.append(Change(child, "removed", _literal(value), None))
    for key, value in new.items():
        if key not in old:
            children.append(Change(_key_path(where, key), "added", None, _literal(value)))
    return children


def _array_children(where: str, old: list[Any], new: list[Any], depth: int) -> list[Any]:
    if len(old) == len(new):
        return [
            (f"{where}[{i}]", x, y, depth) for i, (x, y) in enumerate(zip(old, new, strict=True))
        ]
    children: list[Any] = [Change(where or "body", "length", str(len(old)), str(len(new)))]
    keys = None
    if max(len(old), len(new)) <= ARRAY_ALIGN_CAP:
        try:
            # Elements as canonical text, so the alignment finds the unchanged ones.
            keys = (_element_key(old), _element_key(new))
        except (RecursionError, ValueError, TypeError):
            keys = None
    if keys is None:
        ops: list[Opcode] = [("replace", 0, len(old), 0, len(new))]
    else:
        ops = diff_lines(*keys)
    for tag, i1, i2, j1, j2 in ops:
        if tag == "equal":
            # Equal texts, but a number and a NulText spelling its marks write the same.
            children.extend(
                (f"{where}[{j1 + k}]", old[i1 + k], new[j1 + k], depth)
                for k in range(i2 - i1)
                if old[i1 + k] != new[j1 + k]
            )
            continue
        paired = min(i2 - i1, j2 - j1)
        for offset in range(paired):
            children.append((f"{where}[{j1 + offset}]", old[i1 + offset], new[j1 + offset], depth))
        for i in range(i1 + paired, i2):
            children.append(Change(f"{where}[{i}]", "removed", _literal(old[i]), None))
        for j in range(j1 + paired, j2):
            children.append(Change(f"{where}[{j}]", "added", None, _literal(new[j])))
    return children


def _element_key(values: list[Any]) -> list[str]:
    dumps = json.JSONEncoder(sort_keys=True, ensure_ascii=False, check_circular=False).encode
    return [dumps(value) for value in values]


def _key_path(where: str, key: str) -> str:
    if _SIMPLE_KEY.match(key):
        return f"{where}.{key}" if where else key
    return f"{where}[{json.dumps(key, ensure_ascii=False)}]"


def _literal(value: Any) -> str:
    """A short display form of a JSON value: scalars as JSON, containers as {...} / [...]."""
    if is_number(value):
        text = number_literal(value)
    elif isinstance(value, str):
        text = json.dumps(value, ensure_ascii=False)
    elif value is None or isinstance(value, bool | int | float):
        text = json.dumps(value)
    elif isinstance(value, dict):
        text = "{...}" if value else "{}"
    elif isinstance(value, list):
        text = "[...]" if value else "[]"
    else:
        text = repr(value)
    return cut_value(text)


def sorted_json(value: Any, text: str) -> str:
    """Compact JSON with sorted keys and every number literal as it was sent."""
    if "\\u0000" in text:
        # A string may hold the marks (only an escape puts NUL in one): written one by one.
        return _sorted_compact(value)
    ordered = json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    # No string holds NUL, so the escaped marks can only come from numbers: two plain
    # replaces unwrap them faster than a regex.
    return ordered.replace('"\\u0000\\u001e', "").replace('\\u001e\\u0000"', "")


def _sorted_compact(value: Any) -> str:
    """sorted_json's text written in Python, numbers told from NulText by type; may raise
    RecursionError, as json.dumps does."""
    if is_number(value):
        return number_literal(value)
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, dict):
        items = sorted(value.items())
        return "{" + ",".join(f"{_sorted_compact(k)}:{_sorted_compact(v)}" for k, v in items) + "}"
    if isinstance(value, list):
        return "[" + ",".join(_sorted_compact(item) for item in value) + "]"
    return json.dumps(value)  # true, false, null
