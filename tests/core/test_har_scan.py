"""A HAR file's entries read as JSON values as its chunks come: chunk boundaries, any key order,
files cut short or damaged, orjson's runs of lines read as json reads them."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.core.test_har import capture_strategy
from tests.helpers import numbered_capture
from whisper_tui.core.autosave import HarAutosave
from whisper_tui.core.delivery_index import json_view_of
from whisper_tui.core.har import FILE_TAIL, file_head, save_har, write_entries
from whisper_tui.core.har_reader import HarError, HarReader
from whisper_tui.core.models import CapturedRequest
from whisper_tui.core.store import RequestStore

BASE = "http://127.0.0.1:8080"


def capture(request_id: int, body: bytes = b'{"ok": true}') -> CapturedRequest:
    # What must come back exactly: a fraction of a second, non-ASCII, repeated headers.
    return numbered_capture(
        request_id,
        body,
        query="?x=é",
        headers=((b"Content-Type", b"application/json"), (b"X-Dup", b"1"), (b"x-dup", b"2")),
        at=1_764_000_000.25,
    )


def read(data: bytes, chunk: int = 1 << 20) -> tuple[list[CapturedRequest], str | None]:
    reader = HarReader(io.BytesIO(data), size=len(data), chunk=chunk)
    captures = list(reader.captures())
    return captures, reader.problem


def saved_bytes(tmp_path: Path, captures: list[CapturedRequest]) -> bytes:
    path = tmp_path / "saved.har"
    save_har(path, captures, BASE)
    return path.read_bytes()


def test_every_entry_comes_back_exactly_whatever_the_chunk_size(tmp_path: Path) -> None:
    captures = [capture(n, bytes(range(n, n + 200)) if n % 2 else b"x" * n) for n in range(1, 40)]
    data = saved_bytes(tmp_path, captures)
    for chunk in (1, 7, 100, 4096, 1 << 20):
        assert read(data, chunk) == (captures, None)


def test_entries_are_found_after_other_keys_in_any_order() -> None:
    entry = json.loads(json.dumps({"request": {"method": "PUT", "url": "https://a.test/p?q=1"}}))
    document = {
        "meta": {"entries": ["not these"]},
        "log": {"pages": [{"id": "p", "title": "[x]"}], "creator": {}, "entries": [entry]},
        "after": [1, 2],
    }
    (loaded,), problem = read(json.dumps(document, indent=3).encode(), chunk=5)
    assert (loaded.method, loaded.target, problem) == ("PUT", "/p?q=1", None)


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b"not json", "expected a JSON object"),
        (b"[]", "expected a JSON object"),
        (b'{"log": []}', "expected log"),
        (b'{"log": {"entries": {}}}', "no log.entries list"),
        (b'{"log": {"pages": [', "not a HAR document"),
        (b"", "expected a JSON object"),
    ],
)
def test_a_file_that_is_not_har_is_refused_before_any_entry(content: bytes, reason: str) -> None:
    with pytest.raises(HarError, match=reason):
        HarReader(io.BytesIO(content)).start()


def test_an_entry_that_is_not_json_ends_the_reading_and_keeps_the_ones_before(
    tmp_path: Path,
) -> None:
    data = saved_bytes(tmp_path, [capture(n) for n in range(1, 6)])
    third = data.index(b'{"startedDateTime"', data.index(b"/hooks/2"))
    damaged = data[: third + 20] + b"@@@" + data[third + 20 :]
    captures, problem = read(damaged, chunk=64)
    assert [c.id for c in captures] == [1, 2]
    assert problem is not None and "\n" not in problem
    assert problem.startswith("entry 3 (near byte") and "not valid JSON" in problem  # from 1


def test_bytes_that_are_not_utf8_end_the_reading_with_one_line(tmp_path: Path) -> None:
    data = saved_bytes(tmp_path, [capture(1), capture(2)])
    cut = data.index(b"/hooks/2")
    captures, problem = read(data[:cut] + b"\xff" + data[cut + 1 :], chunk=16)
    assert [c.id for c in captures] == [1]
    assert problem is not None and "not UTF-8" in problem


def test_the_estimate_follows_the_bytes_each_entry_took(tmp_path: Path) -> None:
    data = saved_bytes(tmp_path, [capture(n) for n in range(1, 101)])
    # 2048: an entry or two a chunk; 1 MiB: the whole file parsed as one run of lines, each
    # entry counted as it is given out.
    for chunk in (2048, 1 << 20):
        reader = HarReader(io.BytesIO(data), size=len(data), chunk=chunk)
        seen = iter(reader.captures())
        for _ in range(30):
            next(seen)
        assert 90 <= reader.estimated_total() <= 110, chunk
        list(seen)
        assert reader.estimated_total() == 100


@pytest.mark.parametrize("damage", [b"@@@", b'"x": 123456789012345678901, ', b'"x": NaN, '])
def test_a_run_of_lines_with_one_odd_entry_reads_as_json_reads_it(
    tmp_path: Path, damage: bytes
) -> None:
    # orjson reads every whole line read so far at once; one line it can't read (not JSON, or
    # JSON it would read otherwise) sends that run entry by entry: what json reads, exactly.
    captures = [capture(n) for n in range(1, 41)]
    data = saved_bytes(tmp_path, captures)
    at = data.index(b'"request"', data.index(b"/hooks/29"))  # entry 30's
    damaged = data[:at] + damage + data[at:]
    results = []
    for fast in (True, False):
        reader = HarReader(io.BytesIO(damaged), size=len(damaged), fast=fast)
        results.append((list(reader.captures()), reader.problem))
    assert results[0] == results[1]
    loaded, problem = results[0]
    if damage == b"@@@":
        assert loaded == captures[:29] and problem is not None
        assert problem.startswith("entry 30 (near byte")
    else:
        assert loaded == captures and problem is None


def test_a_save_cut_at_any_byte_of_its_last_append_loads_every_whole_entry(
    tmp_path: Path,
) -> None:
    # What kill -9 or a power cut in the middle of an append can leave: the new bytes written
    # up to some offset, and after it either nothing or what the old closing still has there.
    store = RequestStore()
    path = tmp_path / "cut.har"
    autosave = HarAutosave(path, store, lambda: BASE)
    for n in range(1, 4):
        store.add(capture(n, b"\x00\xffbinary" if n == 2 else b"text"))
    autosave.save_now()
    before = path.read_bytes()
    for n in range(4, 7):
        store.add(capture(n))
    autosave.save_now()
    after = path.read_bytes()
    assert autosave.rewrites == 1 and after.startswith(before[: -len(FILE_TAIL)])
    appended_from = len(before) - len(FILE_TAIL)
    # Where each appended entry's text ends: with those bytes it is whole.
    ends = [
        after.index(b"}}\n" if n == 6 else b"}},\n", after.index(f"/hooks/{n}".encode())) + 2
        for n in range(4, 7)
    ]
    for offset in range(appended_from, len(after) + 1):
        for leftover in (b"", before[offset:]):
            captures, problem = read(after[:offset] + leftover)
            whole = 3 + sum(end <= offset for end in ends)
            assert captures == list(store)[:whole], (offset, leftover)
            if leftover:
                continue  # the old closing may still close it: a problem or not
            if offset >= len(after) - len(FILE_TAIL) + 2:  # the closing `]` is there
                assert problem is None
            else:
                assert problem is not None and "\n" not in problem


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(capture_strategy, max_size=4, unique_by=lambda r: r.id))
def test_orjson_and_json_read_every_capture_exactly_alike(
    requests: list[CapturedRequest],
) -> None:
    # Our lines go to orjson where it is installed (fast_json.py), to json otherwise.
    data = io.BytesIO()
    data.write(file_head())
    write_entries(data, requests, BASE, None, json_view_of(requests))
    data.write(FILE_TAIL)
    for fast in (True, False):
        reader = HarReader(io.BytesIO(data.getvalue()), fast=fast)
        assert list(reader.captures()) == requests and reader.problem is None
