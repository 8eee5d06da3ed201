"""`f` in the hex view: the body's bytes are searched, not the rows' text, so a match that
crosses a row (at 80x24 a row holds 4 bytes) is found and marked on every row it covers.

A query of hex pairs (`65 64`, `6564`) is searched as those bytes; any query also as text
(its UTF-8, ASCII letters in any case), so `ed` finds the bytes 0xED and the letters "ed".
"""

from __future__ import annotations

import re
import time
from bisect import bisect_left
from collections.abc import Sequence

from rich.text import Text

from whisper_tui.core.contentviews import HexLines
from whisper_tui.ui.find_bar import CURRENT_MATCH_STYLE, MATCH_STYLE, MAX_MATCHES, BodyFind

HEX_PAIRS = re.compile(r"\s*(?:[0-9a-fA-F]{2}\s*)+")
CHUNK = 1 << 12
"""Bytes searched between checks of the time budget: a few milliseconds even where every
byte matches (a 256 KiB chunk of zeros searched for `00` took ~0.5 s on the shared loop)."""


def needles(query: str) -> list[tuple[bytes, bool]]:
    """What to look for: (bytes, whether ASCII case is ignored) for the query as hex pairs,
    if it is some, and as text."""
    found: list[tuple[bytes, bool]] = []
    if HEX_PAIRS.fullmatch(query):
        found.append((bytes.fromhex("".join(query.split())), False))
    text = query.encode("utf-8", "surrogatepass").lower()
    if text and (text, True) not in found:
        found.append((text, True))
    return found


def byte_cells(per_line: int, column: int) -> tuple[int, int]:
    """The cells of the byte at `column` of a hex row: its hex pair's first and its ASCII."""
    hex_at = 10 + 3 * column + (1 if per_line > 8 and column >= 8 else 0)
    hex_cells = 3 * per_line - 1 + (1 if per_line > 8 else 0)
    return hex_at, 10 + hex_cells + 3 + column


class HexFind(BodyFind):
    """BodyFind over a hex dump's bytes: each match is a byte range; `_body_matches` holds
    (first row, cell of its first byte's hex pair, the pair's end) for stepping and scrolling."""

    def __init__(self, query: str, head: Sequence[str], body: HexLines) -> None:
        self._data = body.data
        self._needles = needles(query)
        self._longest = max((len(n) for n, _ in self._needles), default=1)
        self._spans: list[tuple[int, int]] = []  # byte ranges, by start
        self._starts: list[int] = []
        self._at = 0  # bytes searched (matches starting before here are found)
        super().__init__(query, head, body)

    @property
    def done(self) -> bool:
        return len(self._spans) >= MAX_MATCHES or self._at >= len(self._data)

    def advance(self, budget: float) -> bool:
        body, data = self.body, self._data
        if not isinstance(body, HexLines) or not self._needles:
            self._at = len(data)
            return True
        deadline = time.perf_counter() + budget
        per = body.per_line
        while not self.done:
            start, end = self._at, min(len(data), self._at + CHUNK)
            window = data[start : end + self._longest - 1]
            folded = window.lower()
            found: set[tuple[int, int]] = set()
            room = MAX_MATCHES - len(self._spans)  # each needle's earliest are enough
            for needle, fold in self._needles:
                hay, at, kept = (folded if fold else window), 0, 0
                while kept < room and (at := hay.find(needle, at)) >= 0 and start + at < end:
                    found.add((start + at, start + at + len(needle)))
                    at += len(needle)
                    kept += 1
            for span in sorted(found):
                if self._spans and span[0] < self._spans[-1][1]:
                    continue  # overlaps the one before (hex and text alike): one match
                self._spans.append(span)
                self._starts.append(span[0])
                row, column = divmod(span[0], per)
                cell = byte_cells(per, column)[0]
                self._body_matches.append((row, cell, cell + 2))
            self._at = end
            self.searched = -(-end // per)
            if time.perf_counter() > deadline:
                break
        del self._spans[MAX_MATCHES:], self._starts[MAX_MATCHES:], self._body_matches[MAX_MATCHES:]
        return self.done

    def highlight(self, index: int, text: Text) -> Text:
        if index < self.head_size or not isinstance(self.body, HexLines):
            return super().highlight(index, text)
        per = self.body.per_line
        row = index - self.head_size
        first, last = row * per, (row + 1) * per
        lo = bisect_left(self._starts, first - self._longest + 1)
        hi = bisect_left(self._starts, last)
        current = None
        if self.current is not None and self.current >= len(self._head_matches):
            current = self.current - len(self._head_matches)
        if lo >= hi:
            return text
        text = text.copy()
        for number in range(lo, hi):
            start, end = self._spans[number]
            a, b = max(start, first), min(end, last)
            if a >= b:
                continue
            style = CURRENT_MATCH_STYLE if number == current else MATCH_STYLE
            hex_a, ascii_a = byte_cells(per, a - first)
            hex_b, ascii_b = byte_cells(per, b - 1 - first)
            text.stylize(style, hex_a, hex_b + 2)
            text.stylize(style, ascii_a, ascii_b + 1)
        return text
