"""A HAR file's `log.entries` read as JSON values, one at a time, as its chunks are read.

A file is read in chunks and each entry is parsed on its own (the `json` module's scanner, one
value at a time; our files' whole lines go to orjson in runs), so the first entries are ready
long before the last byte is read, and 100,000 entries never exist as one parsed document. A
file cut short (a crash mid-save) or an entry that is not valid JSON ends the reading with a
one-line `problem`. What an entry becomes is har_reader.py's (HarReader builds on this).
"""

from __future__ import annotations

import codecs
import json
import os
import re
from collections.abc import Iterator
from typing import Any, Self

from whisper_tui.core.fast_json import object_line, object_lines, values_of_lines
from whisper_tui.core.har_acks import dropped, dropped_bytes
from whisper_tui.core.har_entries import HarError

CHUNK = 1 << 20
"""Bytes read at a time: the first captures are out after one read, not the whole file."""

_SPACE = re.compile(r"[ \t\n\r]*")
_SPACE_BYTES = re.compile(rb"[ \t\n\r]*")
_DECODER = json.JSONDecoder()


class _NeedMore(Exception):
    """The text read so far ends before the value does: read on, unless at the end."""


class EntryScanner:
    """The entries of a HAR file's `log.entries`, parsed one by one as its chunks are read.

    `problem` says, in one line, why reading stopped early (None when it reached the end);
    `read_bytes` and `size` tell how far it is.
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
        self._raw = b""
        """Bytes read and not decoded yet (they follow `_text`): our files' lines are parsed
        straight from them (`_raw_run`); the text path decodes them when it needs them."""
        self._eof = False
        self._flushed = False
        """The decoder was told the file ended (it holds no byte back)."""
        self.size = size if size is not None else _size_of(source)
        self.read_bytes = 0
        self.entries = 0
        """Entries read so far, loaded or skipped."""
        self.problem: str | None = None
        self.not_utf8: str | None = None
        self._processed = 0
        """Bytes of the file decoded into text or parsed as runs of lines so far."""
        self._kept = 0
        """What those became after dropping, in characters or bytes (for done_bytes)."""
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

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    @property
    def done_bytes(self) -> int:
        """About how many bytes of the file are parsed (text not yet parsed counted out)."""
        # What is processed and not given out yet holds less than the bytes it came from (the
        # usual response fields are dropped): scale it back up by what was kept of them.
        ahead = len(self._text) - self._at + max(self._run_end - self.entries, 0) * self._run_chars
        processed = self._processed
        return max(0, processed - round(ahead * processed / max(self._kept, 1)))

    def _read_more(self) -> None:
        """Read the next chunk into `_raw` (not decoded yet)."""
        if self._eof:
            raise _NeedMore
        data = self._source.read(self._chunk)
        self.read_bytes += len(data)
        self._eof = not data
        self._raw = self._raw + data if self._raw else data
        self._runs = self._fast

    def _more_text(self) -> None:
        """More text for the text path: the bytes read decoded, after reading a chunk if none
        wait (_NeedMore at the end of the file)."""
        if not self._raw:
            if not self._eof:
                self._read_more()
            elif self._flushed:
                raise _NeedMore
        raw, self._raw = self._raw, b""
        state = self._decoder.getstate()
        try:
            text = self._decoder.decode(raw, final=self._eof)
        except UnicodeDecodeError:
            text = self._valid_part(state[0] + raw)
        self._flushed = self._eof
        text = dropped(text)
        self._processed += len(raw)
        self._kept += len(text)
        self._text = self._text[self._at :] + text
        self._at = 0

    def _unread_text(self) -> None:
        """Give the text not parsed yet back to the bytes (before them), so the lines after it
        are parsed as bytes again (the text path decoded the file's first chunk)."""
        text = self._text[self._at :]
        pending, first = self._decoder.getstate()
        data = text.encode()  # decoded strictly (or cut before the bad byte): valid UTF-8
        self._processed -= len(data)
        self._kept -= len(text)
        self._raw = data + pending + self._raw
        self._decoder.setstate((b"", first))
        self._text, self._at = "", 0

    def _valid_part(self, data: bytes) -> str:
        """The text before the first byte that is not UTF-8 (`data` the last bytes read);
        reading ends there."""
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
            if self._eof and self._flushed and not self._raw:
                return ""
            self._more_text()

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
                if self._eof and self._flushed and not self._raw:
                    raise
                # Probably cut by the chunk's end: read on (growing, so a value that really is
                # broken costs a few reads, not one per chunk of the rest of the file).
                self._more_text()
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
        one entry to a line); None where orjson can't, which stops trying until more is read,
        so a browser's export is not tried again at every entry."""
        if not self._runs:
            return None
        at = self._skip_space()
        if at == len(self._text):
            return self._raw_run()
        if self._text[at] != "{":
            return None
        if self._text.find(",\n", at) < 0:
            # The rest of the text is one entry or part of one: on from here as bytes.
            self._unread_text()
            return self._raw_run()
        parsed = object_lines(self._text, at)
        if parsed is None:
            self._runs = False
            return None
        values, self._at = parsed
        self._run_end = self.entries + len(values)
        self._run_chars = (self._at - at) / len(values)
        return values

    def _raw_run(self) -> list[Any] | None:
        """`_entry_run` on the bytes read: the lines go to orjson as they are in the file, with
        no decoding to text and encoding back (orjson checks they are UTF-8)."""
        if self._decoder.getstate()[0]:
            return None  # the decoder holds the start of a character: the text path's
        raw = self._raw
        space = _SPACE_BYTES.match(raw)
        assert space is not None  # the pattern matches the empty string
        at = space.end()
        if not self._eof and raw.find(b",\n", at) < 0:
            self._read_more()  # the rest of the chunk is one entry or part of one
            raw = self._raw
        if not raw.startswith(b"{", at):
            return None  # the end of the list, or no entry: the text path says which
        first_end = raw.find(b"\n", at)
        if first_end < 0 or not raw.endswith(b"},", at, first_end):
            self._runs = False  # not one object to a line (a browser's pretty-printed export)
            return None
        end = raw.rfind(b",\n", first_end - 1)
        lines = dropped_bytes(raw[at:end])
        values = values_of_lines(lines)
        if values is None:
            self._runs = False
            return None
        self._raw = raw[end + 1 :]
        self._processed += end + 1
        self._kept += len(lines) + 1
        self._run_end = self.entries + len(values)
        self._run_chars = (len(lines) + 1) / len(values)
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
        number = self.entries + 1  # from 1, as `send` numbers its sends and a person counts
        if self.not_utf8:
            return f"entry {number}: {self.not_utf8}; the rest of the file is not read"
        if self._eof and (error is None or isinstance(error, _NeedMore) or self._at_end(error)):
            where = f"entry {number} (near byte {self._cut_entry_start():,})"
            return f"{where}: the file ends before it does (cut short, e.g. by a crash mid-save)"
        reason = error.msg if isinstance(error, json.JSONDecodeError) else "expected ',' or ']'"
        where = f"entry {number} (near byte {self.done_bytes:,})"
        return f"{where}: not valid JSON ({reason}); the rest of the file is not read"

    def _cut_entry_start(self) -> int:
        """Where the entry cut by the file's end starts: the file's size less the text after
        it (done_bytes' scaling put it inside the entry before; later only by a dropped ack)."""
        self._skip_space()
        return max(0, self._processed - len(self._text[self._at :].encode("utf-8", "replace")))

    def _at_end(self, error: json.JSONDecodeError) -> bool:
        # Unterminated strings point at their start; anything else cut short, at the end.
        return error.pos >= len(self._text) or error.msg.startswith("Unterminated string")

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
