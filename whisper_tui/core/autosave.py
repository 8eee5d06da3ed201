"""Keep a HAR file current while running (`--save`), and complete at exit.

The file is written whole once, then only appended to: each save writes the new captures'
entries over the closing `]}}` and a new closing after them (one `pwrite`, then `fsync`), so
a save costs what arrived since the last one, not the whole store. Between saves the file is a
complete HAR document. A crash in the middle of a save (kill -9, power loss) leaves every entry
before the cut whole: `--load` (har_reader.HarReader) keeps those and says in one line where
the file was cut. `save_har`'s rename only happens for a whole rewrite.

What an append can't express is done by rewriting the file whole (atomically, as before):
captures deleted or put back (`d`, `D`, undo), a replay or forward added to a capture already
written, a new base URL (the port known only once bound), a file changed by someone else, and
evicted captures once they would be half the file (so it stays under twice the store).

Appends and rewrites are serialized and written by a child process at the lowest priority
(save_process.py): the app's thread only hands it the captures' fields, about a tenth of
serializing them. A rewrite is an empty file next to the target, appended to
by the child and then renamed over it: the same bytes, as atomic as save_har's. Where no
process can be started, or one has failed, the thread does it all; at exit too (save_now).
"""

from __future__ import annotations

import asyncio
import operator
import os
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace

from whisper_tui.core.delivery_index import DeliveryView
from whisper_tui.core.file_targets import file_replacing
from whisper_tui.core.har import (
    FILE_TAIL,
    entry_bytes,
    file_head,
    save_har,
)
from whisper_tui.core.har_process import capture_record
from whisper_tui.core.models import CapturedRequest
from whisper_tui.core.save_process import (
    ChildGone,
    FileChanged,
    Item,
    SavingProcess,
    append_entries,
    cpu_of_thread,
    frame_spans,
)
from whisper_tui.core.store import RequestStore

SAVE_INTERVAL = 2.0
"""Seconds between saves while captures keep arriving."""

WRITING_SHARE = 20
"""Saving may take 1/20 of the time: serializing in the thread is CPU on the loop's core (it
competes for the GIL), and under a flood the capture server comes first. An append in the
thread (not in the child, whose priority does this) writes at
most the entries that fit in SAVE_INTERVAL / WRITING_SHARE of CPU (from the cost per entry
measured so far); more waits for the next save, or exit. A whole rewrite, which can't be cut,
is followed by a pause WRITING_SHARE times as long as it took."""

LONGEST_WAIT = 60.0
"""However long a rewrite took, the next save comes within this."""

FRAME_BYTES = 32 << 20
"""Captures' bytes handed to the child in one frame at most: a flood of big bodies is
appended in several steps rather than copied whole into one message."""

_ID = operator.attrgetter("id")

FEWEST_PER_SAVE = 500
"""An append writes at least this many entries, whatever the measured cost."""


@dataclass(frozen=True, slots=True)
class _Written:
    """What the file on disk holds, as far as this autosave knows."""

    tail_at: int
    """Offset of FILE_TAIL: where the next entries go."""
    entries: int
    received: int
    """store.received when the last entry written had arrived."""
    edits: int
    base_url: str
    identity: tuple[int, int]
    """(st_dev, st_ino): a file replaced by someone else is rewritten, not appended to."""


@dataclass(frozen=True, slots=True)
class _Plan:
    """One save, decided on the loop and carried out in a thread."""

    rewrite: bool
    captures: list[CapturedRequest]
    base_url: str
    received: int
    edits: int
    deliveries: DeliveryView
    """A frozen view of the captures' deliveries, taken on the loop with the captures."""
    saved_before: int = 0
    """How many saves were carried out when this one was planned."""


class SaveFailed(Exception):
    """The save at exit failed twice: `str()` is one line naming the file, reason, losses."""

    def __init__(self, message: str, unsaved: int) -> None:
        super().__init__(message)
        self.unsaved = unsaved


class HarAutosave:
    """Appends new captures to the HAR file (in a thread) whenever the store has changed."""

    def __init__(
        self,
        path: str | os.PathLike[str],
        store: RequestStore,
        base_url: Callable[[], str],
        interval: float = SAVE_INTERVAL,
        *,
        in_child: bool = True,
    ) -> None:
        self.path = os.fspath(path)
        self.store = store
        self.base_url = base_url
        self.interval = interval
        self.saved_version = -1
        self.saves = 0
        self.rewrites = 0
        """Saves that wrote the whole file (the first, and after deletions and the like)."""
        self.last_save_bytes = 0
        """Bytes the last save wrote: an append's are those of the new entries only."""
        self.last_error: str | None = None  # why the last periodic save failed, if it did
        self._error_listeners: list[Callable[[str | None], None]] = []
        self._saved_received = -1
        """store.received as of the last save carried out (-1: none yet)."""
        self.wait = interval
        self._at_exit = False
        self.started = False
        """Set by the session once saving has begun (after --load is in)."""
        self._written: _Written | None = None
        self._highest_planned = 0
        """The highest id handed to a save, written or being written."""
        self._stale = False
        self.per_entry = 0.0
        """CPU seconds one entry took to serialize and write, measured (0: not yet)."""
        self.backlog = 0
        """Captures left for the next save by the last append's limit."""
        self.in_child = in_child
        """Appends are serialized and written by a child process (save_process.py), spawned
        at the first; False once none can be started or one has failed: in the thread."""
        self._child: SavingProcess | None = None
        self._handing_over = False
        """An append is with the child, its answer awaited."""
        self._loop_thread: int | None = None  # the capture server loop's thread (run sets it)
        self._lock = threading.RLock()
        """Held while a save is carried out: one at exit waits for one still in its thread
        (whose task was cancelled) and then plans from what that one wrote."""
        store.subscribe_attempts(self._attempt_added)

    def _attempt_added(self, request_id: int) -> None:
        # Ids grow with arrival, so an id up to the highest written is (nearly always) written
        # already: its entry lacks the attempt. A loaded file out of order may rewrite once
        # more than needed, never less.
        if request_id <= self._highest_planned:
            self._stale = True

    # -- deciding (on the loop) ------------------------------------------------------------

    def _plan(self) -> _Plan:
        plan = replace(self._decide(), saved_before=self.saves)
        self._highest_planned = max(self._highest_planned, max(map(_ID, plan.captures), default=0))
        return plan

    def _decide(self) -> _Plan:
        store, written, base_url = self.store, self._written, self.base_url()
        edits = len(store.edits)
        if written is not None and not self._stale:
            new = min(store.received - written.received, len(store))
            in_file = written.entries + new
            if (
                edits == written.edits
                and base_url == written.base_url
                and in_file <= 2 * max(len(store), 1)
            ):
                taken = min(new, self._append_limit())
                self.backlog = new - taken
                first = len(store) - new
                captures = store.span(first, first + taken)
                deliveries = store.deliveries.json_view(captures)
                received = store.received - self.backlog
                return _Plan(False, captures, base_url, received, edits, deliveries)
        self._stale = False
        self.backlog = 0
        captures = store.span()
        return _Plan(
            True, captures, base_url, store.received, edits, store.deliveries.json_view(captures)
        )

    def _append_limit(self) -> int:
        # The child writes everything: its low priority is what leaves the loop's core free.
        if self.in_child or self.per_entry <= 0 or self._at_exit:
            return 1 << 62
        budget = self.interval / WRITING_SHARE
        return max(FEWEST_PER_SAVE, int(budget / self.per_entry))

    def _after(self, plan: _Plan, written: _Written) -> None:
        self._written = written
        self._saved_received = plan.received
        self.saves += 1
        self.rewrites += plan.rewrite

    # -- writing (in a thread, or at exit) ------------------------------------------------

    def _carry_out(self, plan: _Plan) -> bool:
        """Append or rewrite as planned, and take note of what the file now holds; False
        when the file was not ours to append to (a rewrite must follow)."""
        with self._lock:
            if plan.saved_before != self.saves:
                # Planned before a save that has since been carried out (at exit, while this
                # one's task was cancelled): that one wrote what this would have, and more.
                return True
            written = self._write(plan)
            if written is not None:
                self._after(plan, written)
            return written is not None

    def _write(self, plan: _Plan) -> _Written | None:
        if not plan.rewrite:
            assert self._written is not None
            try:
                return self._append(self._written, plan)
            except (FileChanged, FileNotFoundError):
                return None
        count = -1
        if plan.captures and self.in_child and not self._at_exit:
            try:
                count = self._rewrite_in_child(plan)
            except (ChildGone, FileChanged, FileNotFoundError):
                # The child gone, or its temporary file taken away: the thread writes it all.
                self._no_child()
        if count < 0:
            count = save_har(
                self.path, plan.captures, plan.base_url, self.store.attempts, plan.deliveries
            )
        stat = os.stat(self.path)
        self.last_save_bytes = stat.st_size
        return _Written(
            tail_at=stat.st_size - len(FILE_TAIL),
            entries=count,
            received=plan.received,
            edits=plan.edits,
            base_url=plan.base_url,
            identity=(stat.st_dev, stat.st_ino),
        )

    def _append(self, written: _Written, plan: _Plan) -> _Written:
        count, size, cut = 0, 0, False
        done = False
        if plan.captures and self.in_child and not self._at_exit:
            try:
                count, size = self._append_in_child(written, plan)
                done = True
            except ChildGone:
                # Maybe in the middle of the append (killed at exit, or a bug): the bytes
                # past the file's last closing are dropped and the thread writes them again.
                self._no_child()
                cut = True
        if not done:
            began = time.thread_time()
            lines = self._lines(plan)
            count, size = append_entries(
                self.path, written.tail_at, written.identity, written.entries, lines, cut=cut
            )
            if count:
                self.per_entry = (time.thread_time() - began) / count
        self.last_save_bytes = size
        return replace(
            written,
            tail_at=written.tail_at + max(size - len(FILE_TAIL), 0),
            entries=written.entries + count,
            received=plan.received,
        )

    def _lines(self, plan: _Plan) -> Iterator[bytes]:
        for capture in plan.captures:
            attempts = self.store.attempts(capture.id)
            yield entry_bytes(capture, plan.base_url, plan.deliveries(capture), attempts)

    def _rewrite_in_child(self, plan: _Plan) -> int:
        """Write the file whole as save_har would, the entries made and written by the child:
        an empty HAR next to the target, the captures appended to it, then renamed over the
        target (durable first: each append is fsynced). Returns how many entries."""
        head = file_head()
        with file_replacing(self.path) as (fd, temp):
            with os.fdopen(fd, "wb") as out:
                out.write(head + FILE_TAIL)
                stat = os.fstat(out.fileno())
            empty = _Written(
                len(head), 0, plan.received, plan.edits, plan.base_url, (stat.st_dev, stat.st_ino)
            )
            count, _ = self._append_in_child(empty, plan, temp)
        return count

    def _start_child(self) -> None:
        """Start the saving process (in a thread: starting one takes a few milliseconds)."""
        with self._lock:
            # Not once save_now has begun (a quit at once): its close() would miss this one.
            if self._child is None and self.in_child and not self._at_exit:
                self._child = SavingProcess.spawn()
                if self._child is None:
                    self._no_child()

    def _append_in_child(
        self, written: _Written, plan: _Plan, path: str | None = None
    ) -> tuple[int, int]:
        """Hand the captures to the child, in frames of at most FRAME_BYTES of them (each
        an append of its own) to `path` (the target's by default); returns (entries, bytes)
        as one append would."""
        if self._child is None:
            self._child = SavingProcess.spawn()
            if self._child is None:
                raise ChildGone
        count, size = 0, 0
        for first, end in frame_spans(plan.captures, FRAME_BYTES):
            tail_at = written.tail_at + max(size - len(FILE_TAIL), 0)
            added, wrote = self._hand_over(
                plan, plan.captures[first:end], written.entries + count, tail_at, written, path
            )
            # Each append writes the closing anew over the last one's.
            count, size = count + added, max(size - len(FILE_TAIL), 0) + wrote
        return count, size

    def _hand_over(
        self,
        plan: _Plan,
        captures: list[CapturedRequest],
        entries: int,
        tail_at: int,
        written: _Written,
        path: str | None = None,
    ) -> tuple[int, int]:
        assert self._child is not None
        path = path or self.path
        # One pass in C for each list (a Python loop here cost the capture server ~2 us a
        # capture under a flood: this thread holds the interpreter it serves with).
        deliveries = plan.deliveries.of_ids(map(_ID, captures))
        items: list[Item] = list(map(capture_record, captures))
        lines: dict[int, bytes] = {}
        attempted = self.store.attempted()
        if attempted:
            for position, capture in enumerate(captures):
                if capture.id in attempted:
                    # Replays are rare and their objects many: those entries are made here.
                    attempts = self.store.attempts(capture.id)
                    lines[position] = entry_bytes(
                        capture, plan.base_url, deliveries[position], attempts
                    )
        where = (path, plan.base_url, entries, tail_at, written.identity)
        message = ("append", *where, items, deliveries, lines)
        self._handing_over = True
        try:
            # Set before looking, as save_now sets _at_exit before it looks at _handing_over:
            # one of the two sees the other, so a quit never waits on a child that a busy
            # machine starves (SCHED_IDLE); that append is written in the app instead.
            if self._at_exit:
                raise ChildGone
            if self._loop_thread is not None:
                self._child.keep_off(cpu_of_thread(self._loop_thread))
            answer = self._child.request(message)
        finally:
            self._handing_over = False
        if answer[0] == "changed":
            raise FileChanged
        if answer[0] == "error":
            raise OSError(answer[1], answer[2], path)
        _, count, size, cpu = answer
        self.per_entry = cpu / max(count, 1)
        return int(count), int(size)

    def _no_child(self) -> None:
        """The thread writes the entries from now on (no process could be started, or it
        failed)."""
        self.close()
        self.in_child = False

    def close(self) -> None:
        """End the saving process, if one was started (save_now does it too). A later save
        starts another."""
        with self._lock:
            if self._child is not None:
                self._child.close()
                self._child = None

    def _rewrite_plan(self) -> _Plan:
        self._written = None
        return self._plan()

    def unsaved(self) -> int:
        """Captures not in the file: arrived since the last save, or all (none yet, file gone)."""
        if self._saved_received < 0 or not os.path.exists(self.path):
            return len(self.store)
        return min(self.store.received - self._saved_received, len(self.store))

    def save_now(self) -> None:
        """Write synchronously (at exit, when nothing else needs the loop): everything, in
        the app (now idle), not in the low-priority child, which a busy machine may starve.

        A failed save is tried once more, whole (a failed append may have left half an entry;
        a full disk may have room now); SaveFailed if that fails too. The file keeps what the
        saves before wrote (a rewrite replaces it only once whole; --load reads a cut append)."""
        self._at_exit = True
        if self._child is not None and self._handing_over:
            # An append its cancelled task left in the child: the thread sees the child gone
            # and writes that append itself, from where the file's last closing was.
            self._child.kill()
        try:
            with self._lock:
                version = self.store.version
                try:
                    if not self._carry_out(self._plan()):
                        self._carry_out(self._rewrite_plan())  # a rewrite always carries out
                except OSError:
                    try:
                        self._carry_out(self._rewrite_plan())
                    except OSError as error:
                        raise self._failure(error) from None
                self.saved_version = version
        finally:
            self.close()

    def _failure(self, error: OSError) -> SaveFailed:
        unsaved, reason = self.unsaved(), error.strerror or str(error)
        kept = len(self.store) - unsaved
        before = f" (the {kept:,} before them are in it)" if kept else ""
        text = f"cannot save to {self.path}: {reason}; {unsaved:,} capture(s) not saved{before}"
        return SaveFailed(text, unsaved)

    def watch_errors(self, listener: Callable[[str | None], None]) -> None:
        """Call `listener` once when saves start failing (last_error), once when they work."""
        self._error_listeners.append(listener)

    def _set_error(self, error: str | None) -> None:
        if error == self.last_error:
            return
        self.last_error = error
        for listener in self._error_listeners:
            listener(error)

    async def save_if_changed(self) -> bool:
        if self.store.version == self.saved_version and not self._stale and not self.backlog:
            return False
        version = self.store.version
        plan = self._plan()
        first = self.saves == 0
        started = time.monotonic()
        try:
            if not await asyncio.to_thread(self._carry_out, plan):
                plan = self._rewrite_plan()
                await asyncio.to_thread(self._carry_out, plan)  # a rewrite always is
        except Exception as error:  # OSError; anything else is a bug, which must not end saving
            why = error.strerror if isinstance(error, OSError) else type(error).__name__
            self._set_error(f"cannot write {self.path}: {why or error}")
            # The next save rewrites whatever the file holds, in `interval` (as the line says).
            self._written, self.wait = None, self.interval
            return False
        self._set_error(None)
        self.saved_version = version
        self.wait = self.interval
        if plan.rewrite and not first:  # the first whole write (maybe of --load) is a one-off
            took = time.monotonic() - started
            self.wait = min(LONGEST_WAIT, max(self.interval, took * WRITING_SHARE))
        return True

    async def run(self) -> None:
        """Save every `interval` seconds while there is something new; cancel to stop."""
        # The saving process starts now, while the app is likely idle, not at the first
        # save, which may come in the middle of a flood.
        self._loop_thread = threading.get_native_id()
        await asyncio.to_thread(self._start_child)
        while True:
            await asyncio.sleep(self.wait)
            await self.save_if_changed()
