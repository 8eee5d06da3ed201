"""The body exactly as stored, for the detail's raw and hex views (`v` cycles auto / raw / hex).

Nothing is decompressed, re-indented or reordered: raw shows the stored bytes read as UTF-8
for display only, with every byte that is not plain text made visible (line ends, tabs,
controls, a BOM, bytes that are not UTF-8); hex shows them as offset, bytes and ASCII. A
developer checking a signature or a parser needs these, not the tidied view.
"""

from __future__ import annotations

import threading
from array import array
from collections.abc import Sequence
from typing import Literal

from whisper_tui.core.contentviews.decoding import content_codings
from whisper_tui.core.contentviews.lines import LIMIT_NOTE, LONG_LINE, MAX_LINES, HexLines, Lines
from whisper_tui.core.contentviews.registry import body_view
from whisper_tui.core.contentviews.view import BodyView
from whisper_tui.core.models import CapturedRequest
from whisper_tui.core.sanitize import printable

BodyMode = Literal["auto", "raw", "hex"]
BODY_MODES: tuple[BodyMode, ...] = ("auto", "raw", "hex")
"""The order `v` cycles through: auto (by content type), then the bytes as stored."""

LINE_FEED = "\u240a"  # ␊ ends every raw line that ended with LF in the body


def next_mode(mode: BodyMode) -> BodyMode:
    """The mode after `mode` in BODY_MODES (hex goes back to auto)."""
    return BODY_MODES[(BODY_MODES.index(mode) + 1) % len(BODY_MODES)]


RAW_TABLE_LIMIT = 8192
"""Characters the raw table remembers: more than a page of any script needs, and a body
holding all of Unicode (1.1 million code points) cannot grow it past this."""


class _RawTable(dict[int, str]):
    """str.translate's table for raw lines, filled in as characters are met (emptied when it
    holds RAW_TABLE_LIMIT: the table is the process's, so it must stay bounded).

    Control characters become their Unicode pictures (tab ␉, CR ␍, ESC ␛), as printable()
    draws them but with tabs kept as one visible mark; C1 controls and the bytes that are not
    UTF-8 (surrogateescape's U+DC80-U+DCFF) is spelled `\\xff`; any other character Python
    calls unprintable (a C1 control, a BOM, a zero-width or no-break space, bidi overrides)
    is spelled `\\ufeff`. A picture sent as a character is spelled too, so a picture on screen
    always stands for a control byte. A backslash is doubled (`\\\\`, as Python's repr
    does), so every `\\` on screen starts an escape: a sender's typed `\\xff` shows as
    `\\\\xff`, never like a byte that is not UTF-8.
    """

    def __missing__(self, code: int) -> str:
        char = chr(code)
        if code < 0x20:
            shown = chr(0x2400 + code)
        elif code == 0x7F:
            shown = "\u2421"  # ␡
        elif 0xDC80 <= code <= 0xDCFF:  # a byte that is not UTF-8
            shown = f"\\x{code & 0xFF:02x}"
        elif 0x2400 <= code <= 0x2426:
            shown = f"\\u{code:04x}"
        elif char == "\\":
            shown = "\\\\"
        elif char == " " or char.isprintable():
            shown = char
        else:
            shown = f"\\u{code:04x}" if code <= 0xFFFF else f"\\U{code:08x}"
        if len(self) >= RAW_TABLE_LIMIT:
            self.clear()
        self[code] = shown
        return shown


_RAW_TABLE = _RawTable()


def raw_display(text: str) -> str:
    """One line of body text (surrogateescape-decoded, no LF) made visible and terminal-safe."""
    if text.isascii() and text.isprintable():
        return text.replace("\\", "\\\\") if "\\" in text else text
    # printable(spell_dropped) last: joiners, presentation selectors and skin tones, which
    # Python calls printable, are spelled out rather than merged into what they follow.
    return printable(text.translate(_RAW_TABLE), spell_dropped=True)


def cut_at(data: bytes, limit: int) -> int:
    """Where to cut a line too long to show whole: at `limit`, or up to 3 bytes before it so
    a UTF-8 character is not split in two (shown as two runs of \\xNN)."""
    if limit >= len(data):
        return len(data)
    cut = limit
    while cut > limit - 3 and data[cut] & 0xC0 == 0x80:
        cut -= 1
    return cut if data[cut] & 0xC0 != 0x80 else limit


SCAN_AT_ONCE = 1 << 20
"""Bytes of a body checked for line ends and UTF-8 when the raw view opens (~1 ms): most
bodies are told whole at once, a bigger one's notes say `counting` until slices finish."""
SCAN_PER_LINE = 1024
"""Bytes checked per line that RawLines.advance is asked for, so a slice of line-finding
does a like amount of counting (200 lines: 200 KiB, well under a millisecond)."""
COUNTING_NOTE = "line ends: counting …"


class RawScan:
    """A body's line ends (CRLF, lone LF) and whether it is all UTF-8, found a piece at a time.

    Done whole, b"\\r\\n" counting and UTF-8 checking took 21-28 ms for 5 MB and up to
    222 ms for 32 MiB (--max-body) on the loop the server shares. Pieces end before a byte
    that starts a character (cut_at), so each is judged alone: all are UTF-8 exactly when
    the whole is, and isascii() skips the check for the usual ASCII piece.
    """

    def __init__(self, data: bytes) -> None:
        self._data = data
        self.crlf = self.lf = 0
        self.utf8 = True  # no bytes that are not UTF-8 met so far
        self.scanned = 0

    @property
    def done(self) -> bool:
        return self.scanned >= len(self._data)

    def advance(self, size: int) -> bool:
        """Check about `size` more bytes (at least 4, so a piece holds a character); True when
        the whole body is done."""
        data, start = self._data, self.scanned
        if start >= len(data):
            return True
        end = cut_at(data, start + max(size, 4))
        self.crlf += data.count(b"\r\n", start, end)
        if data[end - 1] == 0x0D and data[end : end + 1] == b"\n":
            self.crlf += 1  # a CRLF across the cut
        self.lf += data.count(b"\n", start, end)
        if self.utf8 and not (piece := data[start:end]).isascii():
            try:
                piece.decode("utf-8")
            except UnicodeDecodeError:
                self.utf8 = False
        self.scanned = end
        return self.done


def raw_notes(data: bytes, scan: RawScan) -> list[str]:
    """The raw view's notes on `data` as far as `scan` has got: line ends (or that they are
    still being counted), a missing final newline, a BOM, bytes that are not UTF-8."""
    notes: list[str] = []
    if scan.done:
        crlf, lone = scan.crlf, scan.lf - scan.crlf
        ends = ([f"{crlf:,} CRLF"] if crlf else []) + ([f"{lone:,} LF"] if lone else [])
        if ends:
            notes.append(f"line ends: {' + '.join(ends)}")
    else:
        notes.append(COUNTING_NOTE)
    if not data.endswith(b"\n"):
        notes.append("no newline at the end")
    if data.startswith(b"\xef\xbb\xbf"):
        notes.append("starts with a UTF-8 BOM (\\ufeff)")
    if not scan.utf8:
        notes.append("bytes not UTF-8 shown as \\xNN")
    return notes


class RawLines(Lines):
    """The stored bytes split at LF (long lines cut at LONG_LINE bytes), each line drawn on
    demand by raw_display with ␊ where the body had a line feed. Only the lines' offsets are
    kept (found a slice at a time), so a 5 MB body costs nothing up front.

    `notes` (the view's) start with `above` and follow RawScan: the line ends are counted
    in the same slices, and the list is updated in place when the count is done.
    """

    def __init__(self, data: bytes, above: Sequence[str] = ()) -> None:
        self._data = data
        self._starts = array("q")
        self._ends = array("q")
        self._scanned = 0  # where the next line starts
        self._done = not data
        self._stopped = False  # MAX_LINES reached: the last line says so
        self._lock = threading.Lock()
        self._above = list(above)
        self.scan = RawScan(data)
        self.scan.advance(SCAN_AT_ONCE)
        self.notes = [*self._above, *raw_notes(data, self.scan)]

    def __len__(self) -> int:
        return len(self._starts) + self._stopped

    @property
    def complete(self) -> bool:
        return self._done and self.scan.done

    def advance(self, count: int) -> bool:
        with self._lock:
            data, starts, ends = self._data, self._starts, self._ends
            size = len(data)
            for _ in range(count):
                if self._done:
                    break
                if len(starts) >= MAX_LINES:
                    self._stopped = self._done = True
                    break
                start = self._scanned
                newline = data.find(b"\n", start, start + LONG_LINE + 1)
                if newline >= 0:
                    end, self._scanned = newline, newline + 1
                else:
                    end = self._scanned = cut_at(data, start + LONG_LINE)
                # The end first: a line is counted (len is len(starts)) only once whole, as
                # the loop reads the newest lines while this runs in the counting worker.
                ends.append(end)
                starts.append(start)
                if self._scanned >= size:
                    self._done = True
            if not self.scan.done and self.scan.advance(count * SCAN_PER_LINE):
                self.notes[:] = [*self._above, *raw_notes(data, self.scan)]
            return self._done and self.scan.done

    def __getitem__(self, index: int) -> str:
        if index >= len(self) and not self._done:
            self.advance(index - len(self) + 256)
        if self._stopped and index == len(self._starts):
            return LIMIT_NOTE
        shown = raw_display(self.original(index))
        end = self._ends[index]
        return shown + LINE_FEED if self._data[end : end + 1] == b"\n" else shown

    def original(self, index: int) -> str:
        """Line `index` as the body holds it, without its LF (bytes that are not UTF-8 as
        surrogateescape's stand-ins); IndexError past the lines found so far."""
        if not 0 <= index < len(self._starts):
            raise IndexError(index)
        piece = self._data[self._starts[index] : self._ends[index]]
        return piece.decode("utf-8", "surrogateescape")


def compression_notes(request: CapturedRequest) -> list[str]:
    """That the stored bytes are still compressed (auto decodes them), if they are."""
    codings = content_codings(request.header_values("content-encoding"))
    return [f"still {', '.join(codings)}-compressed (auto decodes)"] if codings else []


def stored_notes(request: CapturedRequest, mode: BodyMode) -> list[str]:
    """What the raw or hex view wants said above the bytes, the body checked whole: that they
    are still compressed, and (raw) raw_notes. The raw view itself counts in slices."""
    notes = compression_notes(request)
    if mode == "raw":
        scan = RawScan(request.body)
        scan.advance(len(request.body))
        notes += raw_notes(request.body, scan)
    return notes


def view_as(request: CapturedRequest, mode: BodyMode) -> BodyView:
    """The body in `mode`: auto is body_view (by content type, decoded); raw and hex show the
    bytes as stored. An empty or refused body looks the same in every mode."""
    if mode == "auto" or request.rejected or not request.body:
        return body_view(request)
    if mode == "hex":
        return BodyView("hex", HexLines(request.body), "hexdump", compression_notes(request))
    lines = RawLines(request.body, compression_notes(request))
    return BodyView("raw", lines, None, lines.notes)  # the same list: kept current
