"""--save: the HAR file follows the store by appending, is rewritten only when it must be, survives
a crash mid-write, and says when it cannot be written."""

from __future__ import annotations

import asyncio
import json
import os
import resource
import signal
import stat
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.helpers import numbered_capture as capture
from tests.helpers import send_raw
from tests.ports import listening_port
from whisper_tui.core.autosave import (
    FEWEST_PER_SAVE,
    LONGEST_WAIT,
    SAVE_INTERVAL,
    HarAutosave,
    SaveFailed,
)
from whisper_tui.core.har import load_har
from whisper_tui.core.har_reader import HarReader
from whisper_tui.core.models import Attempt, CapturedRequest
from whisper_tui.core.save_process import ChildGone
from whisper_tui.core.store import RequestStore

BASE_URL = "http://127.0.0.1:8080"


def filled_store(count: int, body: bytes = b'{"ok": true}') -> RequestStore:
    store = RequestStore()
    for request_id in range(1, count + 1):
        store.add(capture(request_id, body))
    return store


def request_bytes(method: str, target: str, body: bytes) -> bytes:
    head = f"{method} {target} HTTP/1.1\r\nHost: h\r\nContent-Length: {len(body)}\r\n\r\n"
    return head.encode("ascii") + body


async def wait_for_captures(path: Path, count: int, timeout: float = 60.0) -> list[CapturedRequest]:
    """Poll the file until it holds `count` captures (each save is a whole file, so it parses).

    Appends come from a process at the lowest priority: on a busy machine it may wait its
    turn for seconds, hence the long limit (the poll ends as soon as the file is there)."""
    loaded: list[CapturedRequest] = []
    for _ in range(int(timeout / 0.02)):
        if path.exists():
            loaded = load_har(path)
            if len(loaded) == count:
                return loaded
        await asyncio.sleep(0.02)
    raise AssertionError(f"the file never held {count} captures (last: {len(loaded)})")


@pytest.fixture
def autosave_of() -> Iterator[Callable[..., HarAutosave]]:
    """HarAutosave(...), each closed at the end (its saving process, if one was started)."""
    made: list[HarAutosave] = []

    def make(*args: Any, **options: Any) -> HarAutosave:
        made.append(HarAutosave(*args, **options))
        return made[-1]

    yield make
    for autosave in made:
        autosave.close()


def test_save_now_writes_a_har_that_loads_back_with_the_attempts(
    autosave_of: Callable[..., HarAutosave], tmp_path: Path
) -> None:
    store = filled_store(2)
    store.add_attempt(2, Attempt(target_url="http://t/hook", started_at=1.0, status=202))
    path = tmp_path / "captures.har"
    autosave = autosave_of(path, store, lambda: BASE_URL)
    autosave.save_now()
    assert load_har(path) == list(store)
    entries = json.loads(path.read_text(encoding="utf-8"))["log"]["entries"]
    assert entries[0]["request"]["url"] == f"{BASE_URL}/hooks/1"
    assert [a["response"]["status"] for a in entries[1]["_attempts"]] == [202]
    assert (autosave.saves, autosave.saved_version) == (1, store.version)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600  # captures carry secrets


async def test_the_file_follows_captures_arriving_at_the_real_server(
    autosave_of: Callable[..., HarAutosave], capture_server, tmp_path: Path
) -> None:
    path = tmp_path / "live.har"
    autosave = autosave_of(path, capture_server.store, lambda: capture_server.url, interval=0.05)
    task = asyncio.create_task(autosave.run())
    try:
        await send_raw(
            capture_server.port, b"POST /a HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\n\r\none"
        )
        [first] = await wait_for_captures(path, 1)
        assert (first.target, first.body) == ("/a", b"one")
        await send_raw(
            capture_server.port, b"PUT /b HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\n\r\ntwo"
        )
        saved = await wait_for_captures(path, 2)
        assert saved == list(capture_server.store)
    finally:
        task.cancel()
    assert autosave.last_error is None


async def test_nothing_is_written_while_nothing_changes(
    autosave_of: Callable[..., HarAutosave], tmp_path: Path
) -> None:
    store = filled_store(1)
    path = tmp_path / "quiet.har"
    autosave = autosave_of(path, store, lambda: BASE_URL)
    assert await autosave.save_if_changed() is True
    written = path.stat()
    assert await autosave.save_if_changed() is False
    assert autosave.saves == 1
    assert (path.stat().st_ino, path.stat().st_mtime_ns) == (written.st_ino, written.st_mtime_ns)
    store.add(capture(2))
    assert await autosave.save_if_changed() is True
    assert len(load_har(path)) == 2


async def test_saves_append_only_the_new_entries_and_the_file_stays_valid(
    autosave_of: Callable[..., HarAutosave], tmp_path: Path
) -> None:
    store = filled_store(300, body=b"x" * 2_000)
    path = tmp_path / "busy.har"
    autosave = autosave_of(path, store, lambda: BASE_URL)
    autosave.save_now()
    whole = path.stat()
    assert autosave.last_save_bytes == whole.st_size
    for request_id in range(301, 306):
        store.add(capture(request_id))
        assert await autosave.save_if_changed() is True
        # One entry and the closing: far less than the 600 KB file.
        assert autosave.last_save_bytes < 1_000
        # Between saves a strict JSON reader sees a whole document.
        assert len(json.loads(path.read_bytes())["log"]["entries"]) == request_id
    assert path.stat().st_ino == whole.st_ino  # appended to, never replaced
    assert (autosave.saves, autosave.rewrites) == (6, 1)
    assert load_har(path) == list(store)
    assert os.listdir(tmp_path) == ["busy.har"]


async def test_what_an_append_cannot_say_rewrites_the_file_whole(
    autosave_of: Callable[..., HarAutosave], tmp_path: Path
) -> None:
    store = filled_store(5)
    path = tmp_path / "edits.har"
    autosave = autosave_of(path, store, lambda: BASE_URL)
    autosave.save_now()
    removed = store.remove(3)  # `d`
    assert removed is not None
    await autosave.save_if_changed()
    assert [r.id for r in load_har(path)] == [1, 2, 4, 5] and autosave.rewrites == 2
    store.restore(removed)  # undo
    await autosave.save_if_changed()
    assert [r.id for r in load_har(path)] == [1, 2, 3, 4, 5] and autosave.rewrites == 3
    store.add_attempt(2, Attempt(target_url="http://t/", started_at=1.0, status=500))
    await autosave.save_if_changed()
    entries = json.loads(path.read_bytes())["log"]["entries"]
    assert entries[1]["_attempts"][0]["response"]["status"] == 500 and autosave.rewrites == 4
    store.add(capture(6))
    store.add_attempt(6, Attempt(target_url="http://t/", started_at=1.0, status=201))
    await autosave.save_if_changed()  # a new capture's attempts go out with it: an append
    entries = json.loads(path.read_bytes())["log"]["entries"]
    assert entries[5]["_attempts"][0]["response"]["status"] == 201 and autosave.rewrites == 4


async def test_a_file_changed_by_someone_else_is_rewritten_not_appended_to(
    autosave_of: Callable[..., HarAutosave],
    tmp_path: Path,
) -> None:
    store = filled_store(2)
    path = tmp_path / "theirs.har"
    autosave = autosave_of(path, store, lambda: BASE_URL)
    autosave.save_now()
    path.write_bytes(b"overwritten")
    store.add(capture(3))
    assert await autosave.save_if_changed() is True
    assert load_har(path) == list(store) and autosave.rewrites == 2
    path.unlink()
    autosave.save_now()  # at exit, even with nothing new: the file is put back
    assert load_har(path) == list(store)


async def test_evicted_captures_are_dropped_once_they_would_be_half_the_file(
    autosave_of: Callable[..., HarAutosave],
    tmp_path: Path,
) -> None:
    store = RequestStore(max_requests=10)
    for request_id in range(1, 11):
        store.add(capture(request_id))
    path = tmp_path / "capped.har"
    autosave = autosave_of(path, store, lambda: BASE_URL)
    autosave.save_now()
    for request_id in range(11, 21):
        store.add(capture(request_id))
    await autosave.save_if_changed()
    assert len(load_har(path)) == 20 and autosave.rewrites == 1  # appended: 2x the store
    store.add(capture(21))
    await autosave.save_if_changed()
    assert [r.id for r in load_har(path)] == list(range(12, 22)) and autosave.rewrites == 2


def test_a_process_killed_mid_run_leaves_a_file_that_loads(tmp_path: Path) -> None:
    # kill -9 while captures stream in and saves append: whatever the moment, the file holds
    # only whole entries, exactly as sent (a cut mid-write is covered byte by byte in
    # tests/core/test_har_reader.py).
    path = tmp_path / "killed.har"
    process = subprocess.Popen(
        [sys.executable, "-m", "whisper_tui", "--headless", "--port=0", f"--save={path}"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        port = listening_port(process.pid)
        sent = 0
        deadline = time.monotonic() + 4.5  # saves at 2 s and about 4 s
        while time.monotonic() < deadline or not path.exists():
            body = f'{{"n": {sent}, "pad": "{"x" * (sent % 500)}"}}'.encode()
            asyncio.run(send_raw(port, request_bytes("POST", f"/k/{sent}", body)))
            sent += 1
    finally:
        process.kill()
        process.wait()
    with path.open("rb") as source:
        reader = HarReader(source)
        loaded = list(reader.captures())
    assert reader.problem is None or "cut short" in reader.problem
    assert 0 < len(loaded) <= sent
    for number, request in enumerate(loaded):
        assert request.target == f"/k/{number}"
        assert request.body == f'{{"n": {number}, "pad": "{"x" * (number % 500)}"}}'.encode()


async def test_an_unwritable_path_is_reported_and_the_next_save_retries(
    autosave_of: Callable[..., HarAutosave], tmp_path: Path
) -> None:
    folder = tmp_path / "not-yet"
    path = folder / "captures.har"
    store = filled_store(1)
    autosave = autosave_of(path, store, lambda: BASE_URL)
    assert await autosave.save_if_changed() is False
    assert autosave.last_error == f"cannot write {path}: No such file or directory"
    assert (autosave.saves, autosave.saved_version) == (0, -1)
    folder.mkdir()
    assert await autosave.save_if_changed() is True  # still unsaved, so tried again
    assert autosave.last_error is None
    assert load_har(path) == list(store)


def test_a_failed_save_at_exit_is_one_line_naming_the_file_the_reason_and_what_is_lost(
    autosave_of: Callable[..., HarAutosave], tmp_path: Path
) -> None:
    # At exit there is no status bar to show last_error on; the caller prints this line.
    path = tmp_path / "missing" / "x.har"
    autosave = autosave_of(path, filled_store(2), lambda: BASE_URL)
    with pytest.raises(SaveFailed) as failed:
        autosave.save_now()
    assert str(failed.value) == (
        f"cannot save to {path}: No such file or directory; 2 capture(s) not saved"
    )
    assert failed.value.unsaved == 2
    assert autosave.saves == 0


async def test_captures_saved_before_a_failure_at_exit_are_not_counted_as_lost(
    autosave_of: Callable[..., HarAutosave], tmp_path: Path
) -> None:
    path = tmp_path / "kept.har"
    store = filled_store(3)
    autosave = autosave_of(path, store, lambda: BASE_URL, in_child=False)
    assert await autosave.save_if_changed() is True
    # The file is there, but what is new does not fit (a full disk; here a limit on file
    # sizes, which needs no root: writing past it fails with EFBIG, SIGXFSZ being ignored).
    store.add(capture(4, b"x" * 20_000))
    store.add(capture(5))
    soft, hard = resource.getrlimit(resource.RLIMIT_FSIZE)
    resource.setrlimit(resource.RLIMIT_FSIZE, (16_384, hard))
    try:
        with pytest.raises(SaveFailed) as failed:
            autosave.save_now()
    finally:
        resource.setrlimit(resource.RLIMIT_FSIZE, (soft, hard))
    assert failed.value.unsaved == 2
    assert str(failed.value) == (
        f"cannot save to {path}: File too large; 2 capture(s) not saved "
        "(the 3 before them are in it)"
    )
    assert [r.id for r in load_har(path)] == [1, 2, 3]


async def test_saves_that_start_failing_and_recover_are_told_once_each(
    autosave_of: Callable[..., HarAutosave], tmp_path: Path
) -> None:
    folder = tmp_path / "not-yet"
    path = folder / "captures.har"
    store = filled_store(1)
    autosave = autosave_of(path, store, lambda: BASE_URL)
    told: list[str | None] = []
    autosave.watch_errors(told.append)
    for number in range(2, 5):  # every save retries; the first failure alone is told
        store.add(capture(number))
        assert await autosave.save_if_changed() is False
    assert told == [f"cannot write {path}: No such file or directory"]
    folder.mkdir()
    assert await autosave.save_if_changed() is True
    store.add(capture(5))
    assert await autosave.save_if_changed() is True
    assert told == [f"cannot write {path}: No such file or directory", None]


async def test_the_base_url_is_read_at_each_save(
    autosave_of: Callable[..., HarAutosave], tmp_path: Path
) -> None:
    # The port may only be known once the server is bound, after the autosave was made.
    urls = iter(["http://first:1", "http://second:2"])
    current = {"url": next(urls)}
    store = filled_store(1)
    path = tmp_path / "urls.har"
    autosave = autosave_of(path, store, lambda: current["url"])
    await autosave.save_if_changed()
    current["url"] = next(urls)
    store.add(capture(2))
    await autosave.save_if_changed()
    entries = json.loads(path.read_text(encoding="utf-8"))["log"]["entries"]
    assert [e["request"]["url"] for e in entries] == [
        "http://second:2/hooks/1",
        "http://second:2/hooks/2",
    ]


async def test_an_append_writes_what_fits_its_share_of_time_and_exit_writes_the_rest(
    autosave_of: Callable[..., HarAutosave],
    tmp_path: Path,
) -> None:
    # In the autosave's thread (where no child process can be started): the budget applies.
    store = filled_store(10)
    path = tmp_path / "flood.har"
    autosave = autosave_of(path, store, lambda: BASE_URL, in_child=False)
    await autosave.save_if_changed()
    assert autosave.wait == SAVE_INTERVAL  # the first, whole write is a one-off
    store.add(capture(11))
    await autosave.save_if_changed()
    assert autosave.per_entry > 0.0  # measured on the first append
    autosave.interval = 1e-9  # a budget no entry fits in: the fewest per save it is
    for request_id in range(12, 12 + FEWEST_PER_SAVE + 200):
        store.add(capture(request_id))
    await autosave.save_if_changed()
    assert autosave.backlog == 200 and len(load_har(path)) == 11 + FEWEST_PER_SAVE
    assert await autosave.save_if_changed() is True  # nothing new arrived, but a backlog
    assert autosave.backlog == 0 and load_har(path) == list(store)
    for request_id in range(712, 712 + FEWEST_PER_SAVE + 1):
        store.add(capture(request_id))
    autosave.save_now()
    assert load_har(path) == list(store) and autosave.rewrites == 1


async def test_a_slow_rewrite_spaces_out_the_next_save(
    autosave_of: Callable[..., HarAutosave], tmp_path: Path
) -> None:
    store = filled_store(200, b"y" * 5000)
    autosave = autosave_of(tmp_path / "big.har", store, lambda: BASE_URL)
    autosave.interval = 0.0
    await autosave.save_if_changed()
    store.remove(5)
    await autosave.save_if_changed()
    # Twenty times what the rewrite took, so writing stays near a twentieth of the time.
    assert autosave.rewrites == 2 and 0.0 < autosave.wait <= LONGEST_WAIT


async def test_the_saving_process_starts_with_the_saving_not_at_its_first_save(
    autosave_of: Callable[..., HarAutosave], tmp_path: Path
) -> None:
    # Started while the app is likely idle: the first save may come in the middle of a flood.
    autosave = autosave_of(tmp_path / "early.har", RequestStore(), lambda: BASE_URL, interval=3600)
    task = asyncio.create_task(autosave.run())
    try:
        for _ in range(1000):
            if autosave._child is not None:
                break
            await asyncio.sleep(0.01)
        assert autosave._child is not None and autosave.saves == 0
        assert autosave._child.process.poll() is None
    finally:
        task.cancel()


def test_a_quit_never_waits_on_a_starved_saving_process(
    autosave_of: Callable[..., HarAutosave], tmp_path: Path
) -> None:
    # save_now sets _at_exit first, then kills a child only if a hand-over is under way. A
    # save that had decided on the child before that, and was still building its frame,
    # then handed it over all the same. Here the child is stopped, as SCHED_IDLE leaves it
    # on a busy machine: a hand-over once the quit has begun must give up at once (the app
    # writes that save itself), not wait for ever.
    store = filled_store(3)
    autosave = autosave_of(tmp_path / "starved.har", store, lambda: BASE_URL)
    autosave._start_child()
    child = autosave._child
    assert child is not None
    os.kill(child.process.pid, signal.SIGSTOP)
    outcome: list[BaseException] = []

    def rewrite_decided_before_the_quit() -> None:
        try:
            autosave._rewrite_in_child(autosave._plan())
        except BaseException as error:
            outcome.append(error)

    try:
        autosave._at_exit = True  # the quit begins after the save chose the child
        saving = threading.Thread(target=rewrite_decided_before_the_quit, daemon=True)
        saving.start()
        saving.join(timeout=30)
        assert not saving.is_alive(), "the save waited on a stopped child"
    finally:
        os.kill(child.process.pid, signal.SIGCONT)
    assert [type(error) for error in outcome] == [ChildGone]
    autosave.save_now()  # and the quit's own save writes everything
    assert load_har(tmp_path / "starved.har") == list(store)


@pytest.mark.skipif(not hasattr(os, "sched_setaffinity"), reason="Linux's CPU affinity")
async def test_the_saving_process_keeps_off_the_core_the_loop_runs_on(
    autosave_of: Callable[..., HarAutosave], tmp_path: Path
) -> None:
    # At SCHED_IDLE it would still take every moment the loop waits for the network, and
    # each wake-up of the loop would preempt it (19% of a flood's captures on 2 cores).
    cpus = sorted(os.sched_getaffinity(0))
    store = RequestStore()
    autosave = autosave_of(tmp_path / "aside.har", store, lambda: BASE_URL, interval=0.01)
    task = asyncio.create_task(autosave.run())
    mine = os.sched_getaffinity(0)
    try:
        for _ in range(1000):
            if autosave._child is not None:
                break
            await asyncio.sleep(0.01)
        assert autosave._child is not None
        child = autosave._child.process.pid
        os.sched_setaffinity(child, cpus)
        os.sched_setaffinity(0, {cpus[-1]})  # the loop's thread, now on the last CPU
        store.add(capture(1))
        for _ in range(1000):
            if autosave.saves:
                break
            await asyncio.sleep(0.01)
        assert load_har(tmp_path / "aside.har") == [capture(1)]
        expected = set(cpus[:-1]) or set(cpus)  # on one CPU, it keeps that one
        assert os.sched_getaffinity(child) == expected
    finally:
        os.sched_setaffinity(0, mine)
        task.cancel()


async def test_a_failing_save_retries_in_its_interval_not_after_a_slow_rewrite_s_pause(
    autosave_of: Callable[..., HarAutosave], tmp_path: Path
) -> None:
    # "--save failing: ...; retrying every 2 s" must hold after a slow rewrite too, whose
    # pause (twenty times what it took) was kept while saves failed, up to 60 s.
    folder = tmp_path / "gone"
    folder.mkdir()
    store = filled_store(200, b"y" * 5000)
    autosave = autosave_of(folder / "big.har", store, lambda: BASE_URL)
    autosave.interval = 0.0
    await autosave.save_if_changed()
    store.remove(5)
    await autosave.save_if_changed()
    assert autosave.wait > 0.0  # the slow rewrite's pause
    for entry in folder.iterdir():
        entry.unlink()
    folder.rmdir()
    store.remove(6)
    assert not await autosave.save_if_changed()
    assert autosave.last_error is not None and autosave.wait == autosave.interval


async def test_a_bug_in_one_save_does_not_end_saving(
    autosave_of: Callable[..., HarAutosave], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A save that raises something other than OSError (a bug) is told as a failed save; the
    # next one rewrites the file whole, and saving goes on.
    path = tmp_path / "captures.har"
    store = filled_store(2)
    autosave = autosave_of(path, store, lambda: BASE_URL)
    assert await autosave.save_if_changed() is True
    store.add(capture(3))
    carry_out = autosave._carry_out

    def broken_once(plan: Any) -> Any:
        monkeypatch.setattr(autosave, "_carry_out", carry_out)
        raise RuntimeError("a bug")

    monkeypatch.setattr(autosave, "_carry_out", broken_once)
    assert await autosave.save_if_changed() is False
    assert autosave.last_error == f"cannot write {path}: RuntimeError"
    store.add(capture(4))
    assert await autosave.save_if_changed() is True
    assert autosave.last_error is None
    assert [r.id for r in load_har(path)] == [1, 2, 3, 4]
