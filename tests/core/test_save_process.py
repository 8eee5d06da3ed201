"""--save's appending process: the same bytes as appending in the app, its low priority, and
the autosave going on in its thread when the process is gone."""

from __future__ import annotations

import asyncio
import os
import threading
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.helpers import numbered_capture as capture
from whisper_tui.core import autosave as autosave_module
from whisper_tui.core import har
from whisper_tui.core.autosave import HarAutosave
from whisper_tui.core.har import FILE_TAIL, load_har
from whisper_tui.core.har_process import capture_record
from whisper_tui.core.models import Attempt, CapturedRequest
from whisper_tui.core.save_process import (
    PRIORITY,
    FileChanged,
    SavingProcess,
    answer,
    append_entries,
    cpu_of_thread,
    frame_spans,
)
from whisper_tui.core.store import RequestStore

BASE_URL = "http://127.0.0.1:8080"

ODD = [
    capture(1, b"\x00\xff\xfe binary"),
    CapturedRequest(
        2,
        1764000000.5,
        "::1",
        "PATCH",
        "/caf\udce9?x=1&y=%20",  # a target that was not UTF-8, and a query
        (1, 0),
        ((b"Cookie", b"a=1; b=2"), (b"X-Name", b"Zo\xc3\xab"), (b"X-Raw", b"\xff\xfe")),
        b"a=1&b=caf%C3%A9",
    ),
    CapturedRequest(
        3,
        1764000001.25,
        "127.0.0.1",
        "POST",
        "/form",
        (1, 1),
        ((b"Content-Type", b"application/x-www-form-urlencoded"),),
        b"k=v&empty=",
    ),
    CapturedRequest(
        4, 1764000002.0, "127.0.0.1", "POST", "/big", (1, 1), (), b"", True, 10**9, 413
    ),
]


def saved_both_ways(tmp_path: Path, captures: list[CapturedRequest]) -> tuple[bytes, bytes]:
    """The file appended by the child and the file appended in the app's thread."""
    files = []
    for in_child in (True, False):
        store = RequestStore()
        path = tmp_path / f"{in_child}.har"
        autosave = HarAutosave(path, store, lambda: BASE_URL, in_child=in_child)
        asyncio.run(autosave.save_if_changed())  # the first save: whole, no entries
        for request in captures:
            store.add(request)
        store.add_attempt(3, Attempt(target_url="http://t/", started_at=1.0, status=201))
        asyncio.run(autosave.save_if_changed())  # the rest: appended
        assert autosave.rewrites == 1 and autosave.in_child == in_child
        autosave.close()
        files.append(path.read_bytes())
    return files[0], files[1]


def test_the_child_appends_the_very_bytes_the_app_would(tmp_path: Path) -> None:
    by_child, in_app = saved_both_ways(tmp_path, ODD)
    assert by_child == in_app
    loaded = load_har(tmp_path / "True.har")
    assert loaded == ODD


def test_the_child_serializes_at_the_lowest_priority(tmp_path: Path) -> None:
    child = SavingProcess()
    try:
        path = tmp_path / "x.har"
        path.write_bytes(b'{"log": {"entries": [' + FILE_TAIL)
        stat = path.stat()
        reply = child.request(
            ("append", str(path), BASE_URL, 0, stat.st_size - len(FILE_TAIL),
             (stat.st_dev, stat.st_ino), [capture_record(ODD[0])], [None], {})
        )  # fmt: skip
        assert reply[:3] == ("appended", 1, path.stat().st_size - stat.st_size + len(FILE_TAIL))
        if hasattr(os, "getpriority"):
            assert os.getpriority(os.PRIO_PROCESS, child.process.pid) == PRIORITY
        if hasattr(os, "SCHED_IDLE"):
            # Below every normal task: the server, waking, takes the core back at once.
            assert os.sched_getscheduler(child.process.pid) == os.SCHED_IDLE
    finally:
        child.close()
    assert child.process.returncode == 0  # ended by itself once its input did


def test_a_file_not_as_last_written_is_left_alone(tmp_path: Path) -> None:
    path = tmp_path / "theirs.har"
    path.write_bytes(b"someone else's")
    stat = path.stat()
    request = ("append", str(path), BASE_URL, 3, 0, (stat.st_dev, stat.st_ino), [], [], {})
    assert answer(request) == ("changed",)
    assert answer(("append", str(tmp_path / "gone.har"), *request[2:])) == ("changed",)
    assert path.read_bytes() == b"someone else's"
    directory = tmp_path / "a-dir"
    directory.mkdir()
    assert answer(("append", str(directory), *request[2:]))[0] == "error"


async def test_a_child_that_dies_leaves_the_saving_to_the_thread(tmp_path: Path) -> None:
    store = RequestStore()
    path = tmp_path / "on.har"
    autosave = HarAutosave(path, store, lambda: BASE_URL)
    try:
        for request_id in range(1, 4):
            store.add(capture(request_id))
            assert await autosave.save_if_changed()
        assert autosave.in_child and autosave._child is not None
        autosave._child.process.kill()
        autosave._child.process.wait()
        store.add(capture(4))
        assert await autosave.save_if_changed()
        assert not autosave.in_child and autosave.last_error is None
        assert load_har(path) == list(store) and autosave.rewrites == 1
    finally:
        autosave.close()


async def test_exit_during_an_append_writes_each_capture_once(tmp_path: Path) -> None:
    # stop() cancels the saving task while its append may still be in the thread, then saves
    # at once: that save waits for the append and plans from what it wrote. Cancelled at
    # different points, before the thread started and while it runs.
    for attempt in range(10):
        store = RequestStore()
        path = tmp_path / f"exit{attempt}.har"
        autosave = HarAutosave(path, store, lambda: BASE_URL)
        store.add(capture(1))
        await autosave.save_if_changed()
        for request_id in range(2, 400):
            store.add(capture(request_id))
        task = asyncio.create_task(autosave.save_if_changed())
        for _ in range(attempt % 5):
            await asyncio.sleep(0)
        task.cancel()
        store.add(capture(400))
        autosave.save_now()
        assert load_har(path) == list(store)


def test_an_append_cut_part_way_is_dropped_and_written_again(tmp_path: Path) -> None:
    # The child killed in the middle of its pwrite (at exit, or a bug): the thread's append
    # starts from the last closing the app knows of.
    store = RequestStore()
    for request_id in range(1, 3):
        store.add(capture(request_id))
    path = tmp_path / "cut.har"
    autosave = HarAutosave(path, store, lambda: BASE_URL)
    autosave.save_now()
    whole = path.read_bytes()
    tail_at = len(whole) - len(FILE_TAIL)
    with path.open("r+b") as file:  # what a cut append leaves: part of an entry, no closing
        file.seek(tail_at)
        file.write(b',\n{"startedDateTime": "2026-')
    stat = path.stat()
    lines = [har.entry_bytes(capture(3), BASE_URL), har.entry_bytes(capture(4), BASE_URL)]
    identity = (stat.st_dev, stat.st_ino)
    with pytest.raises(FileChanged):  # as an ordinary append: not the file last written
        append_entries(str(path), tail_at, identity, 2, lines)
    assert append_entries(str(path), tail_at, identity, 2, lines, cut=True)[0] == 2
    assert load_har(path) == [capture(n) for n in range(1, 5)]
    assert path.read_bytes().startswith(whole[:tail_at])


async def test_a_save_of_many_bytes_goes_to_the_child_in_several_frames(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Each frame an append of its own: the file is whole after each, and in all it holds
    # what one append would have written.
    monkeypatch.setattr(autosave_module, "FRAME_BYTES", 3_000)
    store = RequestStore()
    path = tmp_path / "frames.har"
    autosave = HarAutosave(path, store, lambda: BASE_URL)
    try:
        await autosave.save_if_changed()
        before = path.stat().st_size
        for request_id in range(1, 11):
            store.add(capture(request_id, b"z" * 1_000))
        assert await autosave.save_if_changed()
        assert autosave.in_child and autosave.rewrites == 1
        assert autosave.last_save_bytes == path.stat().st_size - before + len(FILE_TAIL)
        assert load_har(path) == list(store)
        store.add(capture(11))
        assert await autosave.save_if_changed()  # and the next append follows on
        assert load_har(path) == list(store)
    finally:
        autosave.close()


def saved_by_the_app(tmp_path: Path, store: RequestStore) -> bytes:
    """What save_har in the app writes for the store (the thread's whole rewrite)."""
    path = tmp_path / "reference" / "by-app.har"
    path.parent.mkdir(exist_ok=True)
    har.save_har(path, list(store), BASE_URL, store.attempts, store.deliveries.json_view())
    return path.read_bytes()


async def test_a_whole_rewrite_is_serialized_by_the_child_with_the_same_bytes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = RequestStore()
    for request in ODD:
        store.add(request)
    store.add_attempt(3, Attempt(target_url="http://t/", started_at=1.0, status=201))
    path = tmp_path / "whole.har"
    autosave = HarAutosave(path, store, lambda: BASE_URL)
    try:
        expected = saved_by_the_app(tmp_path, store)

        def not_in_the_app(*args: object, **kwargs: object) -> bytes:
            raise AssertionError("an entry serialized by the app's save_har")

        # save_har's serializing, in this process only: the child has its own.
        monkeypatch.setattr(har, "entry_bytes", not_in_the_app)
        assert await autosave.save_if_changed()
        assert autosave.rewrites == 1 and autosave.in_child
        assert path.read_bytes() == expected
        monkeypatch.undo()
        store.remove(2)  # a deletion: the next save is a whole rewrite again
        expected = saved_by_the_app(tmp_path, store)
        monkeypatch.setattr(har, "entry_bytes", not_in_the_app)
        assert await autosave.save_if_changed()
        assert autosave.rewrites == 2 and path.read_bytes() == expected
    finally:
        autosave.close()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["reference", "whole.har"]
    assert os.stat(path).st_mode & 0o777 == 0o600  # captures carry secrets


async def test_a_rewrite_without_its_child_is_written_by_the_thread(tmp_path: Path) -> None:
    store = RequestStore()
    for request in ODD:
        store.add(request)
    path = tmp_path / "alone.har"
    autosave = HarAutosave(path, store, lambda: BASE_URL)
    try:
        assert await autosave.save_if_changed()
        assert autosave._child is not None
        autosave._child.process.kill()
        autosave._child.process.wait()
        store.remove(1)
        assert await autosave.save_if_changed()
        assert not autosave.in_child and autosave.last_error is None
        assert autosave.rewrites == 2 and path.read_bytes() == saved_by_the_app(tmp_path, store)
    finally:
        autosave.close()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["alone.har", "reference"]


def test_cpu_of_thread_names_the_cpu_a_pinned_thread_runs_on() -> None:
    if not hasattr(os, "sched_setaffinity"):
        assert cpu_of_thread(threading.get_native_id()) is None
        return
    mine = os.sched_getaffinity(0)
    try:
        for cpu in sorted(mine)[:2]:
            os.sched_setaffinity(0, {cpu})  # this thread alone, moved there at once
            assert cpu_of_thread(threading.get_native_id()) == cpu
    finally:
        os.sched_setaffinity(0, mine)
    assert cpu_of_thread(2**31 - 1) is None  # no such thread


@pytest.mark.skipif(not hasattr(os, "sched_setaffinity"), reason="Linux's CPU affinity")
def test_a_set_someone_else_gave_the_child_is_kept_when_the_loop_moves(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Four CPUs (this machine may have two): the child's set as the kernel would keep it.
    child = SavingProcess()
    pid = child.process.pid
    sets = {pid: {0, 1, 2, 3}}
    monkeypatch.setattr(os, "sched_getaffinity", lambda which: set(sets[which]))
    monkeypatch.setattr(
        os, "sched_setaffinity", lambda which, cpus: sets.update({which: set(cpus)})
    )
    try:
        child.keep_off(0)
        assert sets[pid] == {1, 2, 3}
        sets[pid] = {2, 3}  # the user's `taskset -p` of the child: never CPU 0 or 1
        child.keep_off(2)  # the loop moved to CPU 2
        assert sets[pid] == {3}  # CPU 0, taken by keep_off before, was not given back
        child.keep_off(3)
        assert sets[pid] == {2}
    finally:
        monkeypatch.undo()
        child.close()


def test_the_child_keeps_off_the_capture_servers_cpu_and_gives_it_back() -> None:
    cpus = sorted(os.sched_getaffinity(0))
    child = SavingProcess()
    pid = child.process.pid
    try:
        os.sched_setaffinity(pid, cpus)
        child.keep_off(cpus[0])
        if len(cpus) == 1:
            assert os.sched_getaffinity(pid) == {cpus[0]}  # its only CPU: it keeps it
        else:
            assert os.sched_getaffinity(pid) == set(cpus[1:])
            child.keep_off(cpus[1])  # the loop moved: the first CPU is given back
            assert os.sched_getaffinity(pid) == set(cpus) - {cpus[1]}
        # A child allowed one CPU (a user's taskset) keeps it, whoever runs there.
        os.sched_setaffinity(pid, {cpus[-1]})
        child.keep_off(cpus[-1])
        assert os.sched_getaffinity(pid) == {cpus[-1]}
        child.keep_off(None)  # where no CPU is known, nothing changes
        assert os.sched_getaffinity(pid) == {cpus[-1]}
    finally:
        child.close()


@settings(max_examples=60, deadline=None)
@given(st.lists(st.integers(0, 5000), max_size=30), st.integers(600, 8000))
def test_frames_cover_the_captures_in_order_each_within_its_bytes(
    sizes: list[int], most: int
) -> None:
    captures = [capture(number, b"x" * size) for number, size in enumerate(sizes, 1)]
    spans = list(frame_spans(captures, most))
    assert [index for first, end in spans for index in range(first, end)] == list(
        range(len(captures))
    )
    for first, end in spans:
        held = sum(512 + size for size in sizes[first:end])
        assert end - first == 1 or held <= most + 512 + sizes[end - 1]
        assert end - first >= 1
