"""`--load`: HAR files read off the loop, their captures handed to the loop in batches.

The reading (chunks, JSON, building captures) happens in a process of its own
(har_process.py), on the other core, or in a thread where no process can be started; the
loop only puts each batch in the store, so the list can be drawn, scrolled and filtered while
the rest comes in. The first batch is small so the first rows show at once. `read_early`
starts the first file's process before the app has even imported its UI. A file that can't be
opened or is not HAR, a file cut short, and skipped entries each leave one line in
`problems`; everything read before a problem stays loaded.
"""

from __future__ import annotations

import asyncio
import os
import threading
from collections.abc import Callable, Sequence
from dataclasses import replace

from whisper_tui.core.deliveries import Found, rules_in_force
from whisper_tui.core.har_attempts import AttemptRecord
from whisper_tui.core.har_entries import HarError
from whisper_tui.core.har_process import (
    BATCH,
    FIRST_BATCH,
    ReadingProcess,
    captures_of,
    start_early,
    stop_early,
    take_early,
)
from whisper_tui.core.har_reader import HarReader, open_har
from whisper_tui.core.models import Attempt, CapturedRequest
from whisper_tui.core.store import RequestStore


def read_early(paths: Sequence[str]) -> None:
    """Start reading the first file now, in its own process (the CLI calls this once the
    flags are checked: the app's imports take longer than reading the first batches), unless
    the command's entry already did; one it started on another file is ended."""
    stop_early(keep=paths[0] if paths else None)
    if paths:
        start_early(paths[0])  # har_process's rule: a regular file, ended at exit if untaken


def check_loadable(path: str) -> str | None:
    """Why `path` can't be loaded, read up to its first entry (None when it looks like HAR)."""
    try:
        open_har(path).close()
    except HarError as error:
        return f"cannot load {path}: {error}"
    return None


class Loading:
    """Loads `paths` into `store`, in order, from a thread; progress is readable any time."""

    def __init__(
        self, paths: Sequence[str], store: RequestStore, *, separate_process: bool = True
    ) -> None:
        self.paths = list(paths)
        self.store = store
        self.separate_process = separate_process
        """Read in a child process (har_process.py); False: in the thread itself."""
        self._process: ReadingProcess | None = None
        self.loaded = 0
        """Captures put in the store so far."""
        self.loaded_from = [0] * len(self.paths)
        """Captures put in the store from each file, in the order given."""
        self.expected = 0
        """About how many captures all the files hold (grows exact as they are read)."""
        self.problems: list[str] = []
        self.finished = False
        self.finished_listeners: list[Callable[[], None]] = []
        """Called on the loop once every file is read (or the loading was stopped)."""
        self._reported = 0
        self._stop = threading.Event()
        self._released = threading.Event()
        self._done: asyncio.Event | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._renumber: dict[int, bool] = {}
        self._highest = 0
        self._before_file: dict[int, int] = {}
        """Captures loaded from the files before each file (for the estimate)."""

    @property
    def started(self) -> bool:
        return self._loop is not None

    def start(self, *, hold: bool = False) -> None:
        """Start reading (on the running loop, which receives the batches).

        `hold`: after the first batch, wait for `release()`: the TUI's first frame is drawn
        sooner without the reading competing with it for the interpreter.
        """
        if not hold:
            self._released.set()
        self._loop = asyncio.get_running_loop()
        self._done = asyncio.Event()
        thread = threading.Thread(target=self._read_all, name="whisper-tui --load", daemon=True)
        thread.start()

    async def wait(self) -> None:
        """Until every file is read (or the loading was stopped)."""
        assert self._done is not None, "start() first"
        await self._done.wait()

    def stop(self) -> None:
        """Stop reading after the current batch (the app is closing)."""
        self._stop.set()
        self._released.set()
        process = self._process
        if process is not None:
            process.stop()

    def release(self) -> None:
        """Go on reading after the first batch (see start)."""
        self._released.set()

    def describe(self) -> str:
        """'loading 40,000 of ~100,000' while loading."""
        return f"loading {self.loaded:,} of ~{max(self.expected, self.loaded):,}"

    def describe_short(self) -> str:
        """'loading 40%' where `describe` does not fit; 99% at most until it has finished
        (the expected count is an estimate, and 100% while still reading would mislead)."""
        share = self.loaded * 100 // max(self.expected, self.loaded, 1)
        return f"loading {min(share, 99)}%"

    def summary(self) -> list[str]:
        """'loaded 3 capture(s) from out.har', a line for each file, in the order given."""
        return [
            f"loaded {count:,} capture(s) from {path}"
            for path, count in zip(self.paths, self.loaded_from, strict=True)
        ]

    def new_problems(self) -> list[str]:
        """Problems not yet returned by this method: each is reported once."""
        fresh = self.problems[self._reported :]
        self._reported = len(self.problems)
        return fresh

    # -- in the thread ---------------------------------------------------------------------

    def _call(self, callback: Callable[..., None], *args: object) -> bool:
        assert self._loop is not None
        try:
            self._loop.call_soon_threadsafe(callback, *args)
        except RuntimeError:  # the loop is closed: the app has gone
            self._stop.set()
            return False
        return True

    def _read_all(self) -> None:
        try:
            for number, path in enumerate(self.paths):
                if self._stop.is_set():
                    break
                self._read(number, path)
        except Exception as error:  # a bug must not leave the loading unfinished
            self._call(self.problems.append, f"loading stopped: {type(error).__name__}: {error}")
        finally:
            self._call(self._finish)

    def _read(self, number: int, path: str) -> None:
        later_bytes = sum(_size(later) for later in self.paths[number + 1 :])
        if self.separate_process:
            process = take_early(path) or ReadingProcess.spawn(path, FIRST_BATCH, BATCH)
            if process is not None:
                self._process = process
                try:
                    done = self._read_from(process, number, path, later_bytes)
                finally:
                    process.stop()
                    self._process = None
                if done:
                    return
        try:
            reader = open_har(path)
        except HarError as error:
            self._call(self.problems.append, f"cannot load {path}: {error}")
            return
        with reader:
            batch: list[CapturedRequest] = []
            limit = FIRST_BATCH
            for capture in reader.captures():
                batch.append(capture)
                if len(batch) >= limit:
                    attempts = reader.take_attempts()
                    if not self._hand_over(number, batch, reader, later_bytes, None, attempts):
                        return
                    batch, limit = [], BATCH
                    self._released.wait()
            self._hand_over(number, batch, reader, later_bytes, None, reader.take_attempts())
            if reader.problem:
                self._call(self.problems.append, f"{path}: {reader.problem}")

    def _read_from(self, process: ReadingProcess, number: int, path: str, later_bytes: int) -> bool:
        """The child's batches into the store (the same steps as _read's, taken there).

        False when the child ended before saying anything (it could not even start Python
        there): the file is then read in this thread instead."""
        said = same_rules = False
        for message in process.messages():
            said = True
            if message[0] == "rules":
                same_rules = message[1] == rules_in_force()
            elif message[0] == "batch":
                _, records, found, estimated, entries, done_bytes, attempts = message
                progress = (estimated, entries, done_bytes)
                batch = captures_of(records)
                if not self._hand_over(
                    number, batch, progress, later_bytes, found if same_rules else None, attempts
                ):
                    return True
                self._released.wait()
            elif message[0] == "error":
                self._call(self.problems.append, f"cannot load {path}: {message[1]}")
                return True
            else:  # "end"
                if message[1]:
                    self._call(self.problems.append, f"{path}: {message[1]}")
                return True
        if self._stop.is_set():
            return True
        if not said:
            return False
        self._call(self.problems.append, f"{path}: {process.ended_early()}")
        return True

    def _hand_over(
        self,
        number: int,
        batch: list[CapturedRequest],
        progress: tuple[int, int, int] | HarReader,
        later_bytes: int,
        found: list[Found | None] | None = None,
        attempts: dict[int, list[AttemptRecord]] | None = None,
    ) -> bool:
        """Send a batch to the loop with the estimate; False when loading should stop.

        `progress`: the reader, or what it said (estimated entries, entries read, bytes
        parsed). `attempts`: the batch's saved attempts, by the id each capture has in its file."""
        if isinstance(progress, HarReader):
            progress = progress.estimated_total(), progress.entries, progress.done_bytes
        expected, entries, done_bytes = progress
        if entries and done_bytes:
            expected += round(later_bytes * entries / done_bytes)
        added = self._call(self._add, number, batch, expected, found, attempts or {})
        return added and not self._stop.is_set()

    # -- on the loop -----------------------------------------------------------------------

    def _add(
        self,
        number: int,
        batch: list[CapturedRequest],
        expected_in_rest: int,
        found: list[Found | None] | None,
        attempts: dict[int, list[AttemptRecord]],
    ) -> None:
        if self._stop.is_set() or not batch:
            return
        store = self.store
        file_ids = [capture.id for capture in batch] if attempts else []
        renumber = self._renumber.get(number)
        if renumber is None:
            self._before_file[number] = self.loaded
            # Each file counts from 1: one whose numbers are taken is numbered on after the
            # captures before it, in its own order, so `#N` stays unique and grows down the list.
            renumber = self._renumber[number] = batch[0].id <= self._highest
        if renumber:
            batch = [replace(capture, id=store.next_id()) for capture in batch]
        elif any(store.get(capture.id) is not None for capture in batch):
            batch = [
                replace(capture, id=store.next_id()) if store.get(capture.id) else capture
                for capture in batch
            ]
        store.add_loaded(batch, found)  # renumbering leaves the delivery ids found as they are
        for file_id, capture in zip(file_ids, batch, strict=False):
            for record in attempts.get(file_id, ()):
                store.add_attempt(capture.id, Attempt(*record))
        self.loaded += len(batch)
        self.loaded_from[number] += len(batch)
        self._highest = max(self._highest, max(capture.id for capture in batch))
        self.expected = self._before_file[number] + expected_in_rest

    def _finish(self) -> None:
        self.finished = True
        self.expected = self.loaded
        assert self._done is not None
        self._done.set()
        for listener in self.finished_listeners:
            listener()


def _size(path: str) -> int:
    try:
        return os.path.getsize(path)
    except OSError:
        return 0
