"""--load off the loop (a reading process, or a thread): batches into the store, numbering
across files, progress, problems kept."""

from __future__ import annotations

import asyncio
import socket
from dataclasses import replace
from pathlib import Path

import pytest

from tests.helpers import delivery_request, load_deliveries
from whisper_tui.core import har_process, loading
from whisper_tui.core.har import save_har
from whisper_tui.core.loading import Loading, check_loadable
from whisper_tui.core.models import Attempt, CapturedRequest
from whisper_tui.core.session import Session
from whisper_tui.core.settings import Settings
from whisper_tui.core.signatures import register, unregister
from whisper_tui.core.signatures.scheme import Scheme
from whisper_tui.core.store import RequestStore

BASE = "http://127.0.0.1:8080"


def capture(request_id: int, target: str = "/x") -> CapturedRequest:
    return CapturedRequest(
        request_id, 1_764_000_000.5, "127.0.0.1:1", "POST", target, (1, 1), (), target.encode()
    )


def har_file(tmp_path: Path, name: str, targets: list[str]) -> str:
    path = tmp_path / name
    save_har(path, [capture(n, t) for n, t in enumerate(targets, 1)], BASE)
    return str(path)


both_ways = pytest.mark.parametrize("separate_process", [True, False], ids=["process", "thread"])


@both_ways
async def test_files_load_in_batches_in_order_and_a_taken_file_is_numbered_on(
    tmp_path: Path, monkeypatch, separate_process: bool
) -> None:
    monkeypatch.setattr(loading, "FIRST_BATCH", 2)
    monkeypatch.setattr(loading, "BATCH", 3)
    first = har_file(tmp_path, "a.har", [f"/a{n}" for n in range(1, 9)])
    second = har_file(tmp_path, "b.har", ["/b1", "/b2"])
    store = RequestStore()
    versions: list[int] = []
    load = Loading([first, second], store, separate_process=separate_process)
    load.start()
    await load.wait()
    versions.append(store.version)
    assert [(r.id, r.target) for r in store] == [
        *((n, f"/a{n}") for n in range(1, 9)),
        (9, "/b1"),
        (10, "/b2"),
    ]
    # 8 entries as 2 + 3 + 3, then 2: one store version per batch, not per capture.
    assert store.version == 4
    assert (load.loaded, load.expected, load.finished, load.problems) == (10, 10, True, [])
    assert load.describe() == "loading 10 of ~10"


@both_ways
async def test_a_file_cut_short_keeps_what_came_before_and_says_so_once(
    tmp_path: Path, separate_process: bool
) -> None:
    path = Path(har_file(tmp_path, "cut.har", [f"/c{n}" for n in range(1, 6)]))
    data = path.read_bytes()
    path.write_bytes(data[: data.index(b"/c4") + 10])
    missing = str(tmp_path / "missing.har")
    store = RequestStore()
    load = Loading([str(path), missing], store, separate_process=separate_process)
    load.start()
    await load.wait()
    assert [r.target for r in store] == ["/c1", "/c2", "/c3"]
    problems = load.new_problems()
    assert len(problems) == 2 and all("\n" not in p for p in problems)
    assert problems[0].startswith(f"{path}: entry 4 (near byte")
    assert "cut short" in problems[0]
    assert problems[1] == f"cannot load {missing}: No such file or directory"
    assert load.new_problems() == []


async def test_captures_loaded_are_not_announced_as_deliveries(tmp_path: Path) -> None:
    store = RequestStore()
    announced: list[CapturedRequest] = []
    store.subscribe(announced.append)
    load = Loading([har_file(tmp_path, "a.har", ["/a"])], store)
    load.start()
    await load.wait()
    assert len(store) == 1 and announced == []


async def test_the_session_listens_and_saves_only_once_the_files_are_in(tmp_path: Path) -> None:
    path = har_file(tmp_path, "many.har", [f"/m{n}" for n in range(1, 3001)])
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen()
    sock.setblocking(False)
    saved = tmp_path / "out.har"
    settings = Settings(load_paths=(path,), save_path=str(saved), port=0)
    session = Session(settings, sock=sock)
    await session.start()
    assert not session.listening and "loading" in session.status_text()
    await session.until_started()
    assert session.listening and session.status_text().startswith("3,000 requests")
    assert [r.id for r in session.store][-1] == 3000
    await session.stop()
    assert saved.exists()


async def test_quitting_while_loading_saves_nothing_over_the_file(tmp_path: Path) -> None:
    # A --save file (often the one being loaded) must not be replaced by part of the load.
    path = har_file(tmp_path, "big.har", [f"/s{n}" for n in range(1, 20_001)])
    other = tmp_path / "other.har"
    other.write_bytes(b"kept")
    session = Session(Settings(load_paths=(path,), save_path=str(other), port=0))
    await session.start(serve=False)
    await session.stop()  # at once: the thread has read a batch or two at most
    assert session.loading is not None and not session.loading.finished
    assert other.read_bytes() == b"kept"


def test_check_loadable_reads_only_the_start(tmp_path: Path) -> None:
    path = tmp_path / "start.har"
    path.write_bytes(b'{"log": {"entries": [{"request": ')  # cut short, but HAR so far
    assert check_loadable(str(path)) is None
    path.write_bytes(b"<html>")
    assert check_loadable(str(path)) == (
        f"cannot load {path}: not a HAR document: expected a JSON object"
    )


@both_ways
async def test_a_held_loading_stops_after_its_first_batch_until_released(
    tmp_path: Path, monkeypatch, separate_process: bool
) -> None:
    monkeypatch.setattr(loading, "FIRST_BATCH", 2)
    monkeypatch.setattr(loading, "BATCH", 3)
    store = RequestStore()
    path = har_file(tmp_path, "held.har", [f"/h{n}" for n in range(1, 9)])
    load = Loading([path], store, separate_process=separate_process)
    load.start(hold=True)
    for _ in range(100):
        await asyncio.sleep(0.01)
    assert [r.target for r in store] == ["/h1", "/h2"] and not load.finished
    load.release()
    await load.wait()
    assert len(store) == 8


async def test_a_file_read_early_is_taken_by_the_loading(tmp_path: Path) -> None:
    path = har_file(tmp_path, "early.har", [f"/e{n}" for n in range(1, 6)])
    loading.read_early([path])
    assert path in har_process.early
    store = RequestStore()
    load = Loading([path], store)
    load.start()
    await load.wait()
    assert [r.target for r in store] == [f"/e{n}" for n in range(1, 6)]
    assert har_process.early == {} and load.problems == []


async def test_a_file_started_early_on_a_guess_the_flags_disagree_with_is_ended(
    tmp_path: Path,
) -> None:
    # The command's entry reads `--load X` before the flags are parsed; the CLI's own parse
    # names the first file for sure: a process started on another file is ended, not kept.
    guessed = har_file(tmp_path, "guessed.har", ["/g1"])
    loaded = har_file(tmp_path, "loaded.har", ["/l1", "/l2"])
    har_process.start_early(guessed)
    wrong = har_process.early[guessed]
    loading.read_early([loaded])
    assert list(har_process.early) == [loaded]
    assert wrong.process.poll() is not None
    store = RequestStore()
    load = Loading([loaded], store)
    load.start()
    await load.wait()
    assert [r.target for r in store] == ["/l1", "/l2"] and har_process.early == {}


async def test_a_reading_process_that_cannot_start_leaves_the_file_to_the_thread(
    tmp_path: Path, monkeypatch
) -> None:
    # Ends before a word (as when the interpreter can't start there): nothing lost, no problem.
    monkeypatch.setattr(har_process, "_CHILD", "import sys; sys.exit(3)")
    store = RequestStore()
    load = Loading([har_file(tmp_path, "a.har", ["/a1", "/a2"])], store)
    load.start()
    await load.wait()
    assert [r.target for r in store] == ["/a1", "/a2"] and load.problems == []


_DIES_AFTER_ONE_BATCH = (
    "import sys; sys.path.insert(0, sys.argv.pop(1))\n"
    "from whisper_tui.core.har_process import serve\n"
    "out = sys.stdout.buffer\n"
    "class Twice:\n"  # the rules, then one batch: two frames, each a length and its data
    "    written = 0\n"
    "    def write(self, data):\n"
    "        out.write(data); out.flush(); self.written += 1\n"
    "        if self.written == 4: sys.exit(5)\n"
    "    def flush(self): pass\n"
    "serve(sys.argv[1], Twice(), int(sys.argv[2]), int(sys.argv[3]))\n"
)


async def test_a_reading_process_that_dies_midway_keeps_its_batches_and_says_so(
    tmp_path: Path, monkeypatch
) -> None:
    monkeypatch.setattr(har_process, "_CHILD", _DIES_AFTER_ONE_BATCH)
    monkeypatch.setattr(loading, "FIRST_BATCH", 2)
    path = har_file(tmp_path, "a.har", ["/a1", "/a2", "/a3"])
    store = RequestStore()
    load = Loading([path], store)
    load.start()
    await load.wait()
    assert [r.target for r in store] == ["/a1", "/a2"]
    assert load.new_problems() == [
        f"{path}: loading stopped: the reading process ended early (exit status 5)"
    ]


def deliveries_of(store: RequestStore) -> list[object]:
    view = store.deliveries.json_view()
    return [view(capture) for capture in store]


async def test_delivery_ids_found_by_the_process_index_as_the_store_would(
    tmp_path: Path,
) -> None:
    # Every arrival twice: the second file's captures are retries of the first's.
    captures = [
        delivery_request(delivery, number) for number, delivery in enumerate(load_deliveries(), 1)
    ]
    path = tmp_path / "d.har"
    save_har(path, captures, BASE)
    stores = {}
    for separate_process in (True, False):
        store = stores[separate_process] = RequestStore()
        load = Loading([str(path), str(path)], store, separate_process=separate_process)
        load.start()
        await load.wait()
    expected = RequestStore()
    for capture in [*captures, *captures]:
        expected.add(replace(capture, id=expected.next_id()))
    assert deliveries_of(stores[True]) == deliveries_of(stores[False]) == deliveries_of(expected)
    assert any(d is not None and d["seen"] == 2 for d in deliveries_of(stores[True]))


async def test_a_scheme_known_to_the_app_alone_still_finds_its_ids(
    tmp_path: Path, monkeypatch
) -> None:
    # The reading process knows only the built-in schemes: its answers are not used then.
    def rule(request: CapturedRequest, headers: object) -> tuple[str, str] | None:
        value = request.header("X-Plugin-Id")
        return (value, "X-Plugin-Id") if value else None

    scheme = Scheme(
        name="plugin-test",
        order=999,
        detect_headers=("x-plugin-id",),
        build_check=lambda *args: None,  # type: ignore[arg-type,return-value]
        delivery_id=rule,  # type: ignore[arg-type]
    )
    register(scheme)
    try:
        headers = ((b"X-Plugin-Id", b"abc"),)
        path = tmp_path / "p.har"
        save_har(path, [replace(capture(n), raw_headers=headers) for n in (1, 2)], BASE)
        store = RequestStore()
        load = Loading([str(path)], store)
        load.start()
        await load.wait()
        assert [d and (d["id"], d["seen"]) for d in deliveries_of(store)] == [
            ("abc", 1),
            ("abc", 2),
        ]
    finally:
        unregister("plugin-test")


@both_ways
async def test_saved_replays_and_forwards_come_back_with_their_captures(
    tmp_path: Path, separate_process: bool
) -> None:
    # The file loaded twice: the second copy is numbered on (#3, #4), its attempts follow.
    forward = Attempt(
        "http://127.0.0.1:3000/a",
        1_764_000_001.25,
        "forward",
        502,
        "Bad Gateway",
        ((b"Content-Type", b"text/plain"),),
        b"\x89down",
        0.0123,
        None,
        "POST",
        ((b"X-Bin", b"caf\xe9"),),
        b"/a",
        ["a note"],
    )
    replay = replace(forward, kind="replay", status=None, error="connection refused")
    path = tmp_path / "attempts.har"
    attempts = {1: [forward, replay], 2: []}
    save_har(path, [capture(1, "/a"), capture(2, "/b")], BASE, attempts_for=attempts.__getitem__)
    store = RequestStore()
    load = Loading([str(path), str(path)], store, separate_process=separate_process)
    load.start()
    await load.wait()
    assert [(r.id, r.target) for r in store] == [(1, "/a"), (2, "/b"), (3, "/a"), (4, "/b")]
    assert store.attempts(1) == store.attempts(3) == [forward, replay]
    assert store.attempts(2) == store.attempts(4) == []


def test_the_short_form_is_a_share_that_says_100_only_once_finished() -> None:
    load = Loading([], RequestStore())
    assert load.describe_short() == "loading 0%"  # nothing counted yet: no division by 0
    load.loaded, load.expected = 40_000, 100_000
    assert (load.describe(), load.describe_short()) == ("loading 40,000 of ~100,000", "loading 40%")
    load.loaded = 100_000  # all counted, still reading: the estimate may be short
    assert load.describe_short() == "loading 99%"
    load.loaded = 120_000  # past the estimate
    assert (load.describe(), load.describe_short()) == (
        "loading 120,000 of ~120,000",
        "loading 99%",
    )
