"""Read HAR files entry by entry: our own saves or a browser's export, big or cut short.

A file is read in chunks and each entry of `log.entries` is parsed on its own (the `json`
module's scanner, one value at a time), so the first captures are ready long before the last
byte is read, and 100,000 entries never exist as one parsed document. A file cut short (a crash
mid-save) or an entry that is not valid JSON ends the reading with a one-line `problem`, keeping
every entry before it; an entry that is JSON but no request is skipped and noted the same way.

Our files follow the conventions written down in `har.py` (which re-exports `HarError`,
`from_har` and `load_har`); one entry becomes one capture in `har_entries.py`.
"""

from __future__ import annotations

import codecs
import json
import os
import re
from collections.abc import Iterator
from typing import Any

from whisper_tui.core.fast_json import object_line, object_lines
from whisper_tui.core.har_attempts import AttemptRecord, attempt_records
from whisper_tui.core.har_entries import (
    HarError,
    Numbering,
    capture_fields,
)
from whisper_tui.core.models import CapturedRequest
from whisper_tui.core.sent_answers import response_fields

CHUNK = 1 << 20
"""Bytes read at a time: the first captures are out after one read, not the whole file."""

_SPACE = re.compile(r"[ \t\n\r]*")
_DECODER = json.JSONDecoder()


_OLD_USUAL_RESPONSE = response_fields(200, '"OK"', '"HTTP/1.1"')
"""What every 200 entry of ours held before answers were kept (no headers, no body). Replaced
by `OLD_RESPONSE` before parsing: loading reads that as this answer (not known)."""

OLD_RESPONSE = ', "response": 0'


def _usual_pattern() -> re.Pattern[str]:
    """The usual ack to HTTP/1.1 (ack.usual_answer) as our entries write it, when its id is
    the entry's own `_whisper.id` and its three lengths are its body's: `{"ok":true,"id":N}`
    is 17 bytes and N's digits (1 to 15 of them, each count a group a conditional asks)."""
    text = re.escape(
        response_fields(
            200,
            '"OK"',
            '"HTTP/1.1"',
            '{"name": "Content-Type", "value": "application/json"}, '
            '{"name": "Content-Length", "value": "@LENGTH@"}',
            '{"size": @SAME@, "mimeType": "application/json", '
            '"text": "{\\"ok\\":true,\\"id\\":@ID@}"}',
            "@SAME@",
        )
    )
    digits = range(1, 16)
    length = "(?P<length>" + "|".join(f"(?P<d{n}>{17 + n})" for n in digits) + ")"
    ack_id = "(?P<id>" + "".join(f"(?(d{n})[1-9]\\d{{{n - 1}}})" for n in digits) + ")"
    return re.compile(
        text.replace("@LENGTH@", length, 1).replace("@SAME@", "(?P=length)").replace("@ID@", ack_id)
        + r'(?=, "_whisper": \{"id": (?P=id),)'
    )


_USUAL_RESPONSE = _usual_pattern()
"""Nearly every entry we write holds the usual ack with its own id. Parsing its objects was
half the JSON time of an entry, so the text is dropped before parsing (a constant replacement:
no Python call per entry), and loading reads an entry of ours without `response` as that ack.
It can't match inside a JSON string (its quotes would be escaped there), only as the entry's
fields."""


class _NeedMore(Exception):
    """The text read so far ends before the value does: read on, unless at the end."""


# -- whole documents -----------------------------------------------------------------------------


def read_har(path: str | os.PathLike[str]) -> tuple[list[CapturedRequest], str | None]:
    """Every capture a HAR file holds up to its first problem, and that problem in one line.

    As `--load` reads: a file cut short or a bad entry keeps what came before it (the problem
    says where). Raises OSError, or HarError when the file is no HAR document at all.
    """
    with open(path, "rb") as source:
        reader = HarReader(source)
        captures = list(reader.captures())
    return captures, reader.problem


def load_har(path: str | os.PathLike[str]) -> list[CapturedRequest]:
    """Captures from a HAR file: one saved by whisper-tui or exported by a browser.

    Strict: any problem (a damaged or cut-short file, a bad entry) raises HarError. `--load`
    and `send` read with `read_har` / HarReader instead, which keep what comes before a problem.
    """
    captures, problem = read_har(path)
    if problem:
        raise HarError(problem)
    return captures


# -- streaming -----------------------------------------------------------------------------------


def open_har(path: str | os.PathLike[str]) -> HarReader:
    """The HAR file at `path`, opened and read up to its first entry, ready for `captures()`.

    Use it in a `with` (or call `close()`): it owns the file. Raises HarError whose text says
    in one line why the file can't be read (not found, no permission, no HAR document).
    """
    try:
        source = open(path, "rb")  # noqa: SIM115 - the reader owns it, closed by close()
    except OSError as error:
        raise HarError(str(error.strerror or error)) from None
    reader = HarReader(source)
    try:
        reader.start()
    except BaseException:
        source.close()
        raise
    return reader


class HarReader:
    """The captures of a HAR file, parsed entry by entry as its chunks are read.

    `problem` says, in one line, why reading stopped early or which entries were skipped
    (None when every entry loaded); `read_bytes` and `size` tell how far it is.
    """

    def __init__(
        self, source: Any, size: int | None = None, chunk: int = CHUNK, *, fast: bool = True
    ) -> None:
        self._source = source
        self._fast = fast
        """Entries alone on a line go to orjson where it is installed (fast_json.py)."""
        self._decoder = codecs.getincrementaldecoder("utf-8-sig")()
        self._text = ""
        self._at = 0
        self._eof = False
        self.size = size if size is not None else _size_of(source)
        self.read_bytes = 0
        self.entries = 0
        """Entries read so far, loaded or skipped."""
        self.skipped = 0
        self.problem: str | None = None
        self.not_utf8: str | None = None
        self._attempts: dict[int, list[AttemptRecord]] = {}
        self._kept = 0
        """Characters of text read so far, after dropping (for done_bytes)."""
        self._base_chunk = self._chunk = chunk
        self._runs = fast
        """Try `object_lines` on the text ahead (off after it failed, until more is read)."""
        self._run_end = 0
        self._run_chars = 0.0
        """`entries` once the last run's values are all given out, and the characters each
        of them took: they are parsed before they are counted (for done_bytes)."""

    def close(self) -> None:
        """Close the file being read."""
        self._source.close()

    def __enter__(self) -> HarReader:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    @property
    def done_bytes(self) -> int:
        """About how many bytes of the file are parsed (text not yet parsed counted out)."""
        # The text left holds fewer characters than the bytes it came from (the usual response
        # fields are dropped): scale it back up by what was kept of what was read.
        ahead = len(self._text) - self._at + max(self._run_end - self.entries, 0) * self._run_chars
        unparsed = ahead * self.read_bytes / max(self._kept, 1)
        return max(0, self.read_bytes - round(unparsed))

    def _read_more(self) -> None:
        if self._eof:
            raise _NeedMore
        data = self._source.read(self._chunk)
        self.read_bytes += len(data)
        state = self._decoder.getstate()
        try:
            text = self._decoder.decode(data, final=not data)
        except UnicodeDecodeError:
            text = self._valid_part(state[0] + data)
        self._eof = self._eof or not data
        text, usual = _USUAL_RESPONSE.subn("", text)
        if not usual:  # a file from before answers were kept (a mixed chunk parses them)
            text = text.replace(_OLD_USUAL_RESPONSE, OLD_RESPONSE)
        self._kept += len(text)
        self._text = self._text[self._at :] + text
        self._at = 0
        self._runs = self._fast

    def _valid_part(self, data: bytes) -> str:
        """The text before the first byte that is not UTF-8; reading ends there."""
        text = data.decode("utf-8", "surrogateescape")
        if self.read_bytes == len(data):
            text = text.removeprefix("\ufeff")  # the BOM utf-8-sig would have dropped
        bad = next(i for i, char in enumerate(text) if "\udc80" <= char <= "\udcff")
        self._eof = True
        self.not_utf8 = f"not UTF-8 text near byte {self.read_bytes - len(data) + bad:,}"
        return text[:bad]

    def _skip_space(self) -> int:
        text, at = self._text, self._at
        if at < len(text) and text[at] not in " \t\n\r":
            return at  # most calls: no space to skip, so no regular expression to run
        end = _SPACE.match(text, at)
        assert end is not None  # the pattern matches the empty string
        self._at = end.end()
        return self._at

    def _peek(self) -> str:
        """The next non-space character, reading on as needed ('' at the end of the file)."""
        while True:
            at = self._skip_space()
            if at < len(self._text):
                return self._text[at]
            if self._eof:
                return ""
            self._read_more()

    def _expect(self, char: str, what: str) -> None:
        if self._peek() != char:
            raise HarError(f"not a HAR document: expected {what}")
        self._at += 1

    def _value(self) -> Any:
        """The next JSON value, reading on until it is complete."""
        self._peek()
        while True:
            try:
                value, end = _DECODER.raw_decode(self._text, self._at)
            except json.JSONDecodeError:
                if self._eof:
                    raise
                # Probably cut by the chunk's end: read on (growing, so a value that really is
                # broken costs a few reads, not one per chunk of the rest of the file).
                self._read_more()
                self._chunk = min(self._chunk * 2, 64 * CHUNK)
                continue
            self._chunk = self._base_chunk
            self._at = end
            return value

    def _entry(self) -> Any:
        """The next entry: orjson's when it stands alone on its line (our files), else json's."""
        if self._fast and self._peek() == "{":
            parsed = object_line(self._text, self._at)
            if parsed is not None:
                value, self._at = parsed
                return value
        return self._value()

    def _entry_run(self) -> list[Any] | None:
        """The entries on the whole lines ahead that end in `,`, parsed at once (our files:
        one entry to a line); None where `object_lines` can't, which stops trying until more
        text is read, so a browser's export is not tried again at every entry."""
        if not self._runs or self._peek() != "{":
            return None
        if not self._eof and self._text.find(",\n", self._at) < 0:
            self._read_more()  # the rest of the chunk is one entry or part of one
        at = self._at
        parsed = object_lines(self._text, at)
        if parsed is None:
            self._runs = False
            return None
        values, self._at = parsed
        self._run_end = self.entries + len(values)
        self._run_chars = (self._at - at) / len(values)
        return values

    def _keys(self, what: str) -> Iterator[str]:
        """The keys of the object starting here; the caller reads or skips each value."""
        self._expect("{", what)
        if self._peek() == "}":
            self._at += 1
            return
        while True:
            key = self._value()
            if not isinstance(key, str):
                raise HarError(f"not a HAR document: {what} is not an object")
            self._expect(":", "':'")
            yield key
            following = self._peek()
            self._at += 1
            if following == "}":
                return
            if following != ",":
                raise HarError(f"not a HAR document: {what} is not an object")

    def _find_entries(self) -> None:
        """Read up to the `[` that starts log.entries, skipping whatever comes before it."""
        try:
            for key in self._keys("a JSON object"):
                if key != "log":
                    self._value()
                    continue
                for field in self._keys("log"):
                    if field == "entries" and self._peek() == "[":
                        self._at += 1
                        return
                    self._value()
                break
        except (json.JSONDecodeError, _NeedMore) as error:
            raise HarError(f"not a HAR document: {error}") from None
        raise HarError("not a HAR document: no log.entries list")

    def start(self) -> None:
        """Check the file is a HAR document, reading up to its first entry (HarError if not)."""
        if self.read_bytes == 0:
            self._find_entries()

    def entry_values(self) -> Iterator[Any]:
        """Each entry of log.entries as parsed JSON; stops at `]` or at a problem."""
        self.start()
        if self._peek() == "]":
            return
        while True:
            run = self._entry_run() if self._runs else None
            if run is not None:
                for value in run:
                    self.entries += 1
                    yield value
                continue  # each value was followed by its `,`
            try:
                value = self._entry()
            except (json.JSONDecodeError, _NeedMore) as error:
                self.problem = self._cut(error)
                return
            self.entries += 1
            yield value
            following = self._peek()
            if following == "]":
                return
            if following != ",":
                self.problem = self._cut(None)
                return
            self._at += 1

    def _cut(self, error: json.JSONDecodeError | _NeedMore | None) -> str:
        where = f"entry {self.entries} (near byte {self.done_bytes:,})"
        if self.not_utf8:
            return f"entry {self.entries}: {self.not_utf8}; the rest of the file is not read"
        if self._eof and (error is None or isinstance(error, _NeedMore) or self._at_end(error)):
            return f"{where}: the file ends before it does (cut short, e.g. by a crash mid-save)"
        reason = error.msg if isinstance(error, json.JSONDecodeError) else "expected ',' or ']'"
        return f"{where}: not valid JSON ({reason}); the rest of the file is not read"

    def _at_end(self, error: json.JSONDecodeError) -> bool:
        # Unterminated strings point at their start; anything else cut short, at the end.
        return error.pos >= len(self._text) or error.msg.startswith("Unterminated string")

    def captures(self) -> Iterator[CapturedRequest]:
        """The captures, numbered as `Numbering` says; a bad entry is skipped and noted."""
        for fields in self.records():
            yield CapturedRequest(*fields)

    def records(self) -> Iterator[tuple[Any, ...]]:
        """`captures` as CapturedRequest's arguments (`capture_fields`), not yet built; their
        saved replays and forwards wait in `take_attempts()`."""
        number = Numbering().number
        for index, entry in enumerate(self.entry_values()):
            try:
                fields = capture_fields(entry, index, number(entry))
            except HarError as error:
                self.skipped += 1
                if self.problem is None:
                    self.problem = f"{error} (skipped)"
                continue
            if "_attempts" in entry and (found := attempt_records(entry)):
                self._attempts[fields[0]] = found
            yield fields
        if self.skipped > 1 and self.problem and "(skipped)" in self.problem:
            self.problem += f"; {self.skipped:,} entries skipped in all"

    def take_attempts(self) -> dict[int, list[AttemptRecord]]:
        """The attempts of the captures given out since the last call, by the capture's id
        (as numbered in this file): for each, `Attempt(*record)` oldest first."""
        taken, self._attempts = self._attempts, {}
        return taken

    def estimated_total(self) -> int:
        """About how many entries the file holds, from the bytes each one has taken so far."""
        done = self.done_bytes
        if not self.entries or not done or not self.size:
            return self.entries
        return max(self.entries, round(self.entries * self.size / done))


def _size_of(source: Any) -> int:
    try:
        return os.fstat(source.fileno()).st_size
    except (AttributeError, OSError, ValueError):
        return 0
