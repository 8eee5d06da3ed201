"""Reading HAR files entry by entry: chunk boundaries, any key order, files cut short or damaged."""

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
from whisper_tui.core.har_reader import HarError, HarReader, load_har, open_har, read_har
from whisper_tui.core.models import CapturedRequest
from whisper_tui.core.sent_answers import usual_answer
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


def test_read_har_keeps_what_precedes_a_cut_where_load_har_refuses(tmp_path: Path) -> None:
    path = tmp_path / "cut.har"
    data = saved_bytes(tmp_path, [capture(n) for n in range(1, 4)])
    path.write_bytes(data[: data.index(b"/hooks/3") + 5])
    captures, problem = read_har(path)
    assert [c.id for c in captures] == [1, 2]
    third = data.rindex(b'{"startedDateTime"', 0, data.index(b"/hooks/3"))
    assert problem is not None and problem.startswith(f"entry 3 (near byte {third:,}): ")
    assert "cut short" in problem
    with pytest.raises(HarError, match="cut short"):
        load_har(path)
    path.write_bytes(b"[]")
    with pytest.raises(HarError, match="not a HAR document"):
        read_har(path)


def test_an_entry_without_a_request_is_skipped_and_noted_once(tmp_path: Path) -> None:
    entries = [{"request": {"url": "http://a/1"}}, {"response": {}}, {"nope": 1}]
    entries.append({"request": {"url": "http://a/4"}})
    captures, problem = read(json.dumps({"log": {"entries": entries}}).encode())
    assert [c.target for c in captures] == ["/1", "/4"]
    assert problem == "entry 2: no request object (skipped); 2 entries skipped in all"


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


def test_open_har_says_in_one_line_why_a_file_cannot_be_read(tmp_path):
    with pytest.raises(HarError, match=r"^No such file or directory$"):
        open_har(tmp_path / "missing.har")
    not_har = tmp_path / "notes.txt"
    not_har.write_text("just some notes\n")
    with pytest.raises(HarError) as raised:
        open_har(not_har)
    assert "\n" not in str(raised.value)
    saved = tmp_path / "one.har"
    save_har(saved, [numbered_capture(1)], "http://127.0.0.1:8080")
    with open_har(saved) as reader:
        assert [capture.id for capture in reader.captures()] == [1]
    assert reader._source.closed


# -- whisper-tui's answers -------------------------------------------------------------------------


def test_the_usual_ack_is_read_without_parsing_its_text_and_keeps_its_id_when_renumbered(
    tmp_path: Path,
) -> None:
    # Two entries with id 7 (e.g. files joined by hand): the second is numbered 1 on --load,
    # but its sender got {"ok":true,"id":7}, and its entry keeps saying so.
    path = tmp_path / "twice.har"
    save_har(path, [CapturedRequest(7, 1.0, "", "POST", "/", (1, 1), (), b"{}")] * 2, "http://h")
    with open_har(path) as reader:
        values = list(reader.entry_values())
    assert all("response" not in v for v in values)  # the usual response text was not parsed
    first, second = load_har(path)
    assert (first.id, first.answer) == (7, None)
    assert second.id == 1
    assert second.answer == usual_answer(200, 7)
    saved_again = tmp_path / "again.har"
    save_har(saved_again, [first, second], "http://h")
    entries = json.loads(saved_again.read_text())["log"]["entries"]
    assert [e["response"]["content"]["text"] for e in entries] == [
        '{"ok":true,"id":7}',
        '{"ok":true,"id":7}',
    ]


def test_a_file_from_before_answers_were_kept_loads_and_saves_as_it_was(tmp_path: Path) -> None:
    path = tmp_path / "old.har"
    save_har(path, [CapturedRequest(1, 1.0, "", "POST", "/", (1, 1), (), b"{}")], "http://h")
    entry = json.loads(path.read_text())["log"]["entries"][0]
    entry["response"].update(headers=[], content={"size": 0, "mimeType": ""}, bodySize=-1)
    path.write_text(json.dumps({"log": {"version": "1.2", "entries": [entry]}}))
    (capture,) = load_har(path)
    assert capture.answer == ("OK", (), b"")  # not known: not claimed to be the usual ack
    save_har(path, [capture], "http://h")
    response = json.loads(path.read_text())["log"]["entries"][0]["response"]
    assert (response["headers"], response["content"]) == ([], {"size": 0, "mimeType": ""})
