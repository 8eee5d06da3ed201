"""Character emphasis inside a changed row pair: which spans differ, snapped to words."""

from __future__ import annotations

import re
from difflib import SequenceMatcher

INLINE_CAP = 2000
"""Changed-row middles longer than this are emphasized whole, not character by character."""
WORD_BACKOFF = 32
"""Emphasis snaps to whole words no longer than this."""

_TOKEN = re.compile(r"\w+|\s+|[^\w\s]", re.S)

Spans = list[tuple[int, int]]


def inline_changes(left: str, right: str) -> tuple[Spans, Spans]:
    """Spans [start, end) of the characters that differ in a changed row pair.

    Works on words so 'pending' -> 'paid' marks both words whole, but narrows to the
    characters when a word barely changed ('evt_1001' -> 'evt_1002' marks '1' and '2').
    """
    if left == right:
        return [], []
    # Snap the common prefix and suffix back to word boundaries, so a shared first letter
    # does not split a word; long words (tokens, base64) keep the exact characters.
    common = _str_prefix(left, right)
    back = _word_run(left, common - 1, -1)
    ahead = max(_word_run(left, common, 1), _word_run(right, common, 1))
    prefix = common - back if back and ahead and back + ahead <= WORD_BACKOFF else common
    common = _str_suffix(left[prefix:], right[prefix:])
    ahead = _word_run(left, len(left) - common, 1)
    back = max(
        _word_run(left, len(left) - common - 1, -1), _word_run(right, len(right) - common - 1, -1)
    )
    suffix = common - ahead if back and ahead and back + ahead <= WORD_BACKOFF else common
    left_mid = left[prefix : len(left) - suffix]
    right_mid = right[prefix : len(right) - suffix]
    left_spans: Spans = []
    right_spans: Spans = []
    if not left_mid or not right_mid or max(len(left_mid), len(right_mid)) > INLINE_CAP:
        _add_span(left_spans, prefix, prefix + len(left_mid))
        _add_span(right_spans, prefix, prefix + len(right_mid))
        return left_spans, right_spans
    left_tokens = _TOKEN.findall(left_mid)
    right_tokens = _TOKEN.findall(right_mid)
    left_starts = _offsets(left_tokens, prefix)
    right_starts = _offsets(right_tokens, prefix)
    matcher = SequenceMatcher(None, left_tokens, right_tokens, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            continue
        ls, le = left_starts[i1], left_starts[i2]
        rs, re_ = right_starts[j1], right_starts[j2]
        if tag == "replace":
            ls, le, rs, re_ = _narrow(left, right, ls, le, rs, re_)
        _add_span(left_spans, ls, le)
        _add_span(right_spans, rs, re_)
    return left_spans, right_spans


def _word_run(text: str, index: int, step: int) -> int:
    """How many word characters run from text[index] in direction step (capped)."""
    count = 0
    while 0 <= index < len(text) and count <= WORD_BACKOFF and _is_word(text[index]):
        count += 1
        index += step
    return count


def _is_word(char: str) -> bool:
    return char.isalnum() or char == "_"


def _str_prefix(a: str, b: str) -> int:
    """Common prefix length by binary search on slices (each comparison runs in C)."""
    low, high = 0, min(len(a), len(b))
    while low < high:
        mid = (low + high + 1) // 2
        if a[:mid] == b[:mid]:
            low = mid
        else:
            high = mid - 1
    return low


def _str_suffix(a: str, b: str) -> int:
    low, high = 0, min(len(a), len(b))
    while low < high:
        mid = (low + high + 1) // 2
        if a[len(a) - mid :] == b[len(b) - mid :]:
            low = mid
        else:
            high = mid - 1
    return low


def _offsets(tokens: list[str], start: int) -> list[int]:
    offsets = [start]
    for token in tokens:
        start += len(token)
        offsets.append(start)
    return offsets


def _narrow(
    left: str, right: str, ls: int, le: int, rs: int, re_: int
) -> tuple[int, int, int, int]:
    """Within replaced words, keep only the differing characters when most of them agree
    ('1700000000' -> '1700000123' marks '000' and '123'; 'beta' -> 'delta' stays whole)."""
    a, b = left[ls:le], right[rs:re_]
    pre = _str_prefix(a, b)
    suf = _str_suffix(a[pre:], b[pre:])
    if 3 * (pre + suf) >= 2 * min(len(a), len(b)):
        return ls + pre, le - suf, rs + pre, re_ - suf
    return ls, le, rs, re_


def _add_span(spans: Spans, start: int, end: int) -> None:
    if start >= end:
        return
    if spans and spans[-1][1] == start:
        spans[-1] = (spans[-1][0], end)
    else:
        spans.append((start, end))
