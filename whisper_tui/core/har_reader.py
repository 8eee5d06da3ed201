"""Read HAR files entry by entry: our own saves or a browser's export, big or cut short.

The entries are parsed one at a time as the file's chunks are read (har_scan.py), so the first
captures are ready long before the last byte is read. A file cut short (a crash mid-save) or an
entry that is not valid JSON ends the reading with a one-line `problem`, keeping every entry
before it; an entry that is JSON but no request is skipped and noted the same way.

Our files follow the conventions written down in `har.py` (which re-exports `HarError`,
`from_har` and `load_har`); one entry becomes one capture in `har_entries.py`.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

from whisper_tui.core.har_attempts import AttemptRecord, attempt_records
from whisper_tui.core.har_entries import HarError, Numbering, capture_fields
from whisper_tui.core.har_scan import CHUNK, EntryScanner
from whisper_tui.core.models import CapturedRequest

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


class HarReader(EntryScanner):
    """The captures of a HAR file, parsed entry by entry as its chunks are read.

    `problem` says, in one line, why reading stopped early or which entries were skipped
    (None when every entry loaded); `read_bytes` and `size` tell how far it is.
    """

    def __init__(
        self, source: Any, size: int | None = None, chunk: int = CHUNK, *, fast: bool = True
    ) -> None:
        super().__init__(source, size, chunk, fast=fast)
        self.skipped: list[int] = []
        """Indexes (from 0) of the entries skipped, so a caller can number the rest as filed."""
        self._attempts: dict[int, list[AttemptRecord]] = {}

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
                self.skipped.append(index)
                if self.problem is None:
                    self.problem = f"{error} (skipped)"
                continue
            if "_attempts" in entry and (found := attempt_records(entry)):
                self._attempts[fields[0]] = found
            yield fields
        if len(self.skipped) > 1 and self.problem and "(skipped)" in self.problem:
            self.problem += f"; {len(self.skipped):,} entries skipped in all"

    def take_attempts(self) -> dict[int, list[AttemptRecord]]:
        """The attempts of the captures given out since the last call, by the capture's id
        (as numbered in this file): for each, `Attempt(*record)` oldest first."""
        taken, self._attempts = self._attempts, {}
        return taken
