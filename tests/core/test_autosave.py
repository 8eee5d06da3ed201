"""--save: the HAR file follows the store, is replaced whole, and says when it cannot be written."""

from __future__ import annotations

import asyncio
import json
import os
import stat
import threading
from pathlib import Path

from tests.helpers import send_raw
from whisper_tui.core.autosave import SAVE_INTERVAL, HarAutosave
from whisper_tui.core.har import load_har
from whisper_tui.core.models import Attempt, CapturedRequest
from whisper_tui.core.store import RequestStore

BASE_URL = "http://127.0.0.1:8080"


def capture(request_id: int, body: bytes = b'{"ok": true}') -> CapturedRequest:
    return CapturedRequest(
        id=request_id,
        received_at=1_764_000_000.0 + request_id,
        remote="127.0.0.1:5000",
        method="POST",
        target=f"/hooks/{request_id}",
        http_version=(1, 1),
        raw_headers=((b"Content-Type", b"application/json"),),
        body=body,
    )


def filled_store(count: int, body: bytes = b'{"ok": true}') -> RequestStore:
    store = RequestStore()
    for request_id in range(1, count + 1):
        store.add(capture(request_id, body))
    return store


def request_bytes(method: str, target: str, body: bytes) -> bytes:
    head = f"{method} {target} HTTP/1.1\r\nHost: h\r\nContent-Length: {len(body)}\r\n\r\n"
    return head.encode("ascii") + body


async def wait_for_captures(path: Path, count: int, timeout: float = 5.0) -> list[CapturedRequest]:
    """Poll the file until it holds `count` captures (each save is a whole file, so it parses)."""
    loaded: list[CapturedRequest] = []
    for _ in range(int(timeout / 0.02)):
        if path.exists():
            loaded = load_har(path)
            if len(loaded) == count:
                return loaded
        await asyncio.sleep(0.02)
    raise AssertionError(f"the file never held {count} captures (last: {len(loaded)})")


def test_save_now_writes_a_har_that_loads_back_with_the_attempts(tmp_path: Path) -> None:
    store = filled_store(2)
    store.add_attempt(2, Attempt(target_url="http://t/hook", started_at=1.0, status=202))
    path = tmp_path / "captures.har"
    autosave = HarAutosave(path, store, lambda: BASE_URL)
    autosave.save_now()
    assert load_har(path) == list(store)
    entries = json.loads(path.read_text(encoding="utf-8"))["log"]["entries"]
    assert entries[0]["request"]["url"] == f"{BASE_URL}/hooks/1"
    assert [a["response"]["status"] for a in entries[1]["_attempts"]] == [202]
    assert (autosave.saves, autosave.saved_version) == (1, store.version)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600  # captures carry secrets


async def test_the_file_follows_captures_arriving_at_the_real_server(
    capture_server, tmp_path: Path
) -> None:
    path = tmp_path / "live.har"
    autosave = HarAutosave(path, capture_server.store, lambda: capture_server.url, interval=0.05)
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


async def test_nothing_is_written_while_nothing_changes(tmp_path: Path) -> None:
    store = filled_store(1)
    path = tmp_path / "quiet.har"
    autosave = HarAutosave(path, store, lambda: BASE_URL)
    assert await autosave.save_if_changed() is True
    written = path.stat()
    assert await autosave.save_if_changed() is False
    assert autosave.saves == 1
    assert (path.stat().st_ino, path.stat().st_mtime_ns) == (written.st_ino, written.st_mtime_ns)
    store.add(capture(2))
    assert await autosave.save_if_changed() is True
    assert len(load_har(path)) == 2


async def test_a_reader_always_sees_a_whole_file_and_no_temp_file_stays(tmp_path: Path) -> None:
    # Large enough that writing takes a while: a non-atomic rewrite would be caught half done.
    store = filled_store(300, body=b"x" * 20_000)
    path = tmp_path / "busy.har"
    autosave = HarAutosave(path, store, lambda: BASE_URL)
    autosave.save_now()
    stop = threading.Event()
    reads: list[int] = []
    failures: list[str] = []

    def read_continuously() -> None:
        while not stop.is_set():
            try:
                reads.append(len(json.loads(path.read_bytes())["log"]["entries"]))
            except ValueError as error:
                failures.append(str(error))

    reader = threading.Thread(target=read_continuously)
    reader.start()
    try:
        for request_id in range(301, 306):
            store.add(capture(request_id))
            assert await autosave.save_if_changed() is True
    finally:
        stop.set()
        reader.join()
    assert failures == []
    assert reads and set(reads) <= set(range(300, 306))
    assert os.listdir(tmp_path) == ["busy.har"]


async def test_an_unwritable_path_is_reported_and_the_next_save_retries(tmp_path: Path) -> None:
    folder = tmp_path / "not-yet"
    path = folder / "captures.har"
    store = filled_store(1)
    autosave = HarAutosave(path, store, lambda: BASE_URL)
    assert await autosave.save_if_changed() is False
    assert autosave.last_error == f"cannot write {path}: No such file or directory"
    assert (autosave.saves, autosave.saved_version) == (0, -1)
    folder.mkdir()
    assert await autosave.save_if_changed() is True  # still unsaved, so tried again
    assert autosave.last_error is None
    assert load_har(path) == list(store)


def test_save_now_lets_the_error_through(tmp_path: Path) -> None:
    # At exit there is no status bar to show last_error on; the caller reports it.
    autosave = HarAutosave(tmp_path / "missing" / "x.har", filled_store(1), lambda: BASE_URL)
    try:
        autosave.save_now()
    except FileNotFoundError:
        pass
    else:
        raise AssertionError("save_now hid the error")
    assert autosave.saves == 0


async def test_the_base_url_is_read_at_each_save(tmp_path: Path) -> None:
    # The port may only be known once the server is bound, after the autosave was made.
    urls = iter(["http://first:1", "http://second:2"])
    current = {"url": next(urls)}
    store = filled_store(1)
    path = tmp_path / "urls.har"
    autosave = HarAutosave(path, store, lambda: current["url"])
    await autosave.save_if_changed()
    current["url"] = next(urls)
    store.add(capture(2))
    await autosave.save_if_changed()
    entries = json.loads(path.read_text(encoding="utf-8"))["log"]["entries"]
    assert [e["request"]["url"] for e in entries] == [
        "http://second:2/hooks/1",
        "http://second:2/hooks/2",
    ]


async def test_a_slow_save_spaces_out_the_next_one(tmp_path: Path) -> None:
    autosave = HarAutosave(tmp_path / "big.har", filled_store(200, b"y" * 5000), lambda: BASE_URL)
    assert autosave.wait == SAVE_INTERVAL
    autosave.interval = 0.0
    await autosave.save_if_changed()
    # Ten times what the save took, so writing stays near a tenth of the time.
    assert autosave.wait > 0.0
