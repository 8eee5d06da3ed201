"""Display lines: plain, lazy (pulled from a generator as needed) or a hex dump per line."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from itertools import islice

LONG_LINE = 4096
"""Lines longer than this are split for display so no single line is megabytes wide."""
BYTES_PER_HEX_LINE = 16
MAX_LINES = 1_000_000
"""Text views stop here: 64 M one-character lines would cost half a gigabyte of pointers."""
LIMIT_NOTE = f"… display stops at {MAX_LINES:,} lines: export the capture to see it all"
"""The last line of a view cut at MAX_LINES (by content type, or raw)."""


class Lines:
    """A sequence of display lines that may be produced lazily."""

    def __len__(self) -> int:
        raise NotImplementedError

    def __getitem__(self, index: int) -> str:
        raise NotImplementedError

    @property
    def complete(self) -> bool:
        """True once the line count is final."""
        return True

    def advance(self, count: int) -> bool:
        """Produce up to `count` more lines; True when complete. Safe from a worker thread."""
        return True

    def window(self, start: int, stop: int) -> list[str]:
        """Lines `start` to `stop - 1`, all produced already, in one call: measuring a body's
        lines one __getitem__ at a time cost as much as measuring them."""
        return [self[index] for index in range(start, stop)]


class ListLines(Lines):
    """Lines already in a list."""

    def __init__(self, lines: list[str]) -> None:
        self._lines = lines

    def __len__(self) -> int:
        return len(self._lines)

    def __getitem__(self, index: int) -> str:
        return self._lines[index]

    def window(self, start: int, stop: int) -> list[str]:
        return self._lines[start:stop]


class LazyLines(Lines):
    """Lines pulled from a generator as they are needed (first screen first, rest later)."""

    def __init__(self, source: Iterator[str]) -> None:
        self._source = source
        self._lines: list[str] = []
        self._done = False
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._lines)

    @property
    def complete(self) -> bool:
        return self._done

    def advance(self, count: int) -> bool:
        with self._lock:
            if self._done:
                return True
            lines, wanted = self._lines, min(count, MAX_LINES - len(self._lines))
            before = len(lines)
            lines.extend(islice(self._source, max(wanted, 0)))  # pulled in C, not line by line
            if len(lines) - before < wanted:
                self._done = True
            elif len(lines) >= MAX_LINES:
                lines.append(LIMIT_NOTE)
                self._done = True
            return self._done

    def __getitem__(self, index: int) -> str:
        if index >= len(self._lines) and not self._done:
            self.advance(index - len(self._lines) + 256)
        return self._lines[index]

    def window(self, start: int, stop: int) -> list[str]:
        return self._lines[start:stop]


HEX_ROW_BYTES = (16, 8, 4)
"""Bytes a hex dump row may hold, widest first: a pane narrower than a 16-byte row (78
cells) gets 8 or 4 bytes a row rather than rows cut or wrapped mid-row."""


class HexLines(Lines):
    """A hex dump computed per line from the bytes, so a 32 MB body costs nothing up front."""

    def __init__(self, data: bytes, per_line: int = BYTES_PER_HEX_LINE) -> None:
        self._data = data
        self.per_line = per_line
        """Bytes a row (one of HEX_ROW_BYTES)."""

    def __len__(self) -> int:
        return (len(self._data) + self.per_line - 1) // self.per_line

    @property
    def data(self) -> bytes:
        """The bytes dumped (hex find searches them, not the rows)."""
        return self._data

    def __getitem__(self, index: int) -> str:
        if not 0 <= index < len(self):
            raise IndexError(index)
        return hex_line(self._data, index * self.per_line, self.per_line)

    @property
    def width(self) -> int:
        """Cells a full row takes (the last row's ASCII may be shorter)."""
        return hex_line_width(self.per_line)

    def fitted(self, width: int) -> HexLines:
        """These bytes with as many a row as fit in `width` cells (the fewest when none fit);
        self when that is already the case."""
        fits = [n for n in HEX_ROW_BYTES if hex_line_width(n) <= width]
        per_line = fits[0] if fits else HEX_ROW_BYTES[-1]
        return self if per_line == self.per_line else HexLines(self._data, per_line)


def hex_line_width(per_line: int) -> int:
    """Cells of a hex dump row holding `per_line` bytes: offset, hex, then |ASCII|."""
    hex_cells = 3 * per_line - 1 + (1 if per_line > 8 else 0)
    return 8 + 2 + hex_cells + 2 + per_line + 2


def hex_line(data: bytes, offset: int, per_line: int = BYTES_PER_HEX_LINE) -> str:
    """One hex dump row: offset, `per_line` bytes (16 in two groups of 8), printable ASCII."""
    chunk = data[offset : offset + per_line]
    text = "".join(chr(b) if 0x20 <= b < 0x7F else "." for b in chunk)
    if per_line > 8:
        left = " ".join(f"{b:02x}" for b in chunk[:8])
        right = " ".join(f"{b:02x}" for b in chunk[8:])
        half = 3 * 8 - 1
        return f"{offset:08x}  {left:<{half}}  {right:<{3 * (per_line - 8) - 1}}  |{text}|"
    hex_text = " ".join(f"{b:02x}" for b in chunk)
    return f"{offset:08x}  {hex_text:<{3 * per_line - 1}}  |{text}|"


def iter_lines(text: str) -> Iterator[str]:
    """text.split("\\n") one line at a time: 64 M newlines must not become one list."""
    start = 0
    while (end := text.find("\n", start)) >= 0:
        yield text[start:end]
        start = end + 1
    yield text[start:]


def split_long(lines: Iterator[str]) -> Iterator[str]:
    """Drop a trailing CR and cut lines longer than LONG_LINE into LONG_LINE pieces."""
    for line in lines:
        line = line.removesuffix("\r")
        if len(line) <= LONG_LINE:
            yield line
        else:
            for start in range(0, len(line), LONG_LINE):
                yield line[start : start + LONG_LINE]
