"""--load's reading process: its batches carry every capture exactly, and it ends cleanly."""

from __future__ import annotations

import io
import marshal
import os
import tempfile
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.core.test_har import capture_strategy
from tests.helpers import delivery_request, load_deliveries
from whisper_tui.core import har_process
from whisper_tui.core.deliveries import find, rules_in_force
from whisper_tui.core.har import save_har
from whisper_tui.core.har_process import ReadingProcess, capture_record, captures_of, serve
from whisper_tui.core.har_reader import load_har
from whisper_tui.core.models import CapturedRequest

BASE = "http://127.0.0.1:8080"


def unusual_captures() -> list[CapturedRequest]:
    """Bytes that only survive when nothing on the way decodes them."""
    return [
        CapturedRequest(
            1,
            1_764_000_000.125,
            "[::1]:5000",
            "POST",
            b"/caf\xe9?\xff=1".decode("utf-8", "surrogateescape"),
            (1, 1),
            ((b"X-Raw", b"\xff\x00\x80"), (b"Content-Type", b"application/json")),
            b'{"ok": true}',
        ),
        CapturedRequest(2, 0.0, "", "PUT", "/b", (2, 0), (), bytes(range(256)), True, 10**12),
        CapturedRequest(
            3, 5.5, "x", "GET", "/\u00e9\U0001f600", (1, 0), ((b"A", b"\xc3\xa9"),), b""
        ),
    ]


def messages(data: bytes) -> list[tuple[Any, ...]]:
    found, at = [], 0
    while at < len(data):
        size = int.from_bytes(data[at : at + 8], "little")
        found.append(marshal.loads(data[at + 8 : at + 8 + size]))
        at += 8 + size
    return found


def served(path: Path, first: int = 2, batch: int = 3) -> list[tuple[Any, ...]]:
    out = io.BytesIO()
    serve(str(path), out, first, batch)
    return messages(out.getvalue())


def test_batches_come_small_first_then_full_then_the_end(tmp_path: Path) -> None:
    path = tmp_path / "a.har"
    save_har(
        path,
        [CapturedRequest(n, 1.0, "", "GET", f"/{n}", (1, 1), (), b"") for n in range(1, 8)],
        BASE,
    )
    said = served(path)
    assert [m[0] for m in said] == ["rules", "batch", "batch", "batch", "end"]
    assert said[0] == ("rules", rules_in_force())
    batches = said[1:-1]
    assert [len(m[1]) for m in batches] == [2, 3, 2]
    assert said[-1] == ("end", None)
    # Progress: entries read so far, and an estimate that ends exact.
    assert [m[4] for m in batches] == [2, 5, 7] and batches[-1][3] == 7


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(capture_strategy, max_size=4, unique_by=lambda r: r.id))
def test_every_capture_crosses_exactly(requests: list[CapturedRequest]) -> None:
    out = io.BytesIO()
    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory) / "c.har"
        save_har(path, requests, BASE)
        serve(str(path), out, 2, 3)
    records = [record for m in messages(out.getvalue()) if m[0] == "batch" for record in m[1]]
    assert captures_of(records) == requests


def test_each_capture_comes_with_its_delivery_id_found(tmp_path: Path) -> None:
    captures = [
        delivery_request(delivery, number) for number, delivery in enumerate(load_deliveries(), 1)
    ]
    path = tmp_path / "d.har"
    save_har(path, captures, BASE)
    batches = [m for m in served(path, first=2, batch=7) if m[0] == "batch"]
    found = [its_id for m in batches for its_id in m[2]]
    assert found == [find(capture) for capture in captures]
    assert any(found) and None in found  # the fixtures hold both kinds


def test_a_record_holds_every_field_a_har_entry_gives() -> None:
    capture = unusual_captures()[1]
    assert captures_of([capture_record(capture)]) == [capture]
    assert len(capture_record(capture)) == len(har_process.CAPTURE_FIELDS)


def test_a_file_that_cannot_be_loaded_is_one_error_message(tmp_path: Path) -> None:
    assert served(tmp_path / "missing.har") == [("error", "No such file or directory")]
    (tmp_path / "page.html").write_bytes(b"<html>")
    assert served(tmp_path / "page.html") == [
        ("error", "not a HAR document: expected a JSON object")
    ]


def test_a_file_cut_short_ends_with_its_problem_after_what_came_before(tmp_path: Path) -> None:
    path = tmp_path / "cut.har"
    save_har(path, unusual_captures(), BASE)
    data = path.read_bytes()
    path.write_bytes(data[: data.rindex(b'"GET"')])
    said = served(path, first=10)
    assert captures_of(said[1][1]) == unusual_captures()[:2]
    assert said[-1][0] == "end" and "cut short" in said[-1][1]


def test_the_process_reads_a_file_as_load_har_does(tmp_path: Path) -> None:
    path = tmp_path / "p.har"
    save_har(path, unusual_captures(), BASE)
    process = ReadingProcess(str(path), 1, 5)
    try:
        said = list(process.messages())
    finally:
        process.stop()
    records = [record for m in said if m[0] == "batch" for record in m[1]]
    assert captures_of(records) == load_har(path) == unusual_captures()
    assert said[-1] == ("end", None) and process.process.returncode == 0


def test_a_process_stopped_while_reading_ends_and_its_output_with_it(tmp_path: Path) -> None:
    # A FIFO nobody writes to: the child waits in open() until it is stopped.
    fifo = tmp_path / "waits.har"
    os.mkfifo(fifo)
    process = ReadingProcess(str(fifo), 1, 5)
    process.stop()
    assert list(process.messages()) == []
    assert process.process.returncode is not None and process.process.returncode < 0


def test_a_child_that_dies_says_so_in_one_line(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(har_process, "_CHILD", "import sys; sys.exit(3)")
    process = ReadingProcess("unused.har", 1, 5)
    try:
        assert list(process.messages()) == []
        assert process.ended_early() == (
            "loading stopped: the reading process ended early (exit status 3)"
        )
    finally:
        process.stop()
