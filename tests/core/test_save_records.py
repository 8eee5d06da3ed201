"""--save's records made on arrival: the same fields as a capture has when the save takes it,
whatever was set after it arrived; bounded; dropped with the captures they were for."""

from __future__ import annotations

import asyncio
import marshal
import sys
import threading
import time
from dataclasses import replace
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from tests.helpers import numbered_capture as capture
from whisper_tui.core import save_records
from whisper_tui.core.autosave import HarAutosave
from whisper_tui.core.har import load_har
from whisper_tui.core.har_process import capture_record
from whisper_tui.core.models import NOT_ANSWERED
from whisper_tui.core.save_records import ArrivalRecords, record_of
from whisper_tui.core.store import RequestStore

ANSWER = ("Accepted", ((b"X-Rule", b"1"),), b"later")


def stored(count: int, records: ArrivalRecords, **store_options: int) -> RequestStore:
    store = RequestStore(**store_options)
    store.subscribe(records.made_on_arrival)
    for number in range(1, count + 1):
        store.add(capture(number))
    return store


def test_a_capture_stored_is_handed_over_as_bytes_made_then() -> None:
    records = ArrivalRecords()
    store = stored(3, records)
    assert len(records) == 3
    captures = store.span()
    items = records.take(captures)
    assert all(isinstance(item, bytes) for item in items)
    assert [record_of(item) for item in items] == list(map(capture_record, captures))
    assert len(records) == 0  # taken


def test_an_answer_set_after_arrival_is_in_the_record() -> None:
    # A --respond rule's answer (or a relayed one) is set on the capture once it is sent.
    records = ArrivalRecords()
    store = stored(2, records)
    later = store.get(2)
    assert later is not None
    later.answer = ANSWER
    items = records.take(store.span())
    assert record_of(items[1]) == capture_record(later)
    assert record_of(items[1])[-1] == ANSWER
    assert isinstance(items[0], bytes)


def test_a_relayed_capture_waits_for_its_status() -> None:
    records = ArrivalRecords()
    store = RequestStore()
    store.subscribe(records.made_on_arrival)
    relayed = replace(capture(1), answered_status=NOT_ANSWERED)
    store.add(relayed)
    assert len(records) == 0  # its status is not known yet
    relayed.answered_status = 502
    assert record_of(records.take(store.span())[0]) == capture_record(relayed)


def test_big_bodies_and_a_full_hold_are_left_to_the_save(monkeypatch: object) -> None:
    records = ArrivalRecords()
    store = RequestStore()
    store.subscribe(records.made_on_arrival)
    store.add(capture(1, b"x" * (save_records.BIGGEST_BODY + 1)))
    assert len(records) == 0
    held = ArrivalRecords()
    small = stored(0, held)
    held._held = save_records.HELD_BYTES  # as if a save could not keep up
    small.add(capture(1))
    assert len(held) == 0
    assert [record_of(item) for item in held.take(small.span())] == [
        capture_record(small.span()[0])
    ]


def test_records_of_captures_gone_before_a_save_are_dropped() -> None:
    records = ArrivalRecords()
    store = stored(10, records, max_requests=4)  # six evicted before any save
    assert len(records) == 10
    captures = store.span()
    assert [c.id for c in captures] == [7, 8, 9, 10]
    records.take(captures[:2])
    assert len(records) == 2  # 9 and 10 wait for the next save; 1-6 are gone
    store.add(capture(11))  # 7 evicted: 8 to 11 stored, 8 already taken
    assert [record_of(item)[0] for item in records.take(store.span()[1:])] == [9, 10, 11]
    assert records._held == 0


def test_no_record_is_made_once_stopped() -> None:
    records = ArrivalRecords()
    store = stored(2, records)
    records.stop()
    store.add(capture(3))
    assert len(records) == 0
    assert [record_of(item)[0] for item in records.take(store.span())] == [1, 2, 3]


@settings(max_examples=40, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.binary(max_size=64),
            st.lists(st.tuples(st.binary(max_size=8), st.binary(max_size=8)), max_size=3),
            st.sampled_from(["/x", "/caf\udce9?q=1", "/ü"]),
        ),
        max_size=6,
    )
)
def test_a_record_made_on_arrival_loads_as_the_capture(
    parts: list[tuple[bytes, list[tuple[bytes, bytes]], str]],
) -> None:
    records = ArrivalRecords()
    store = RequestStore()
    store.subscribe(records.made_on_arrival)
    for number, (body, headers, target) in enumerate(parts, 1):
        store.add(replace(capture(number, body), target=target, raw_headers=tuple(headers)))
    captures = store.span()
    items = records.take(captures)
    assert [record_of(item) for item in items] == list(map(capture_record, captures))
    assert all(marshal.loads(item) for item in items if isinstance(item, bytes))


def test_the_saved_file_is_the_one_made_without_records(tmp_path: Path) -> None:
    # The saving process writes from the records; the app's thread from the captures.
    files = []
    for in_child in (True, False):
        store = RequestStore()
        autosave = HarAutosave(
            tmp_path / f"{in_child}.har", store, lambda: "http://h:1", in_child=in_child
        )
        asyncio.run(autosave.save_if_changed())
        store.subscribe(autosave.records.made_on_arrival)  # as run() does
        for number in range(1, 6):
            store.add(capture(number))
        answered = store.get(4)
        assert answered is not None
        answered.answer = ANSWER
        asyncio.run(autosave.save_if_changed())
        assert len(autosave.records) == 0
        autosave.close()
        files.append((tmp_path / f"{in_child}.har").read_bytes())
    assert files[0] == files[1]
    assert load_har(tmp_path / "True.har")[3].answer == ANSWER


@settings(max_examples=60, deadline=None)
@given(st.lists(st.integers(0, 5000), max_size=30), st.integers(600, 8000))
def test_frames_cover_the_captures_in_order_each_within_its_bytes(
    sizes: list[int], most: int
) -> None:
    captures = [capture(number, b"x" * size) for number, size in enumerate(sizes, 1)]
    spans = list(save_records.frame_spans(captures, most))
    assert [index for first, end in spans for index in range(first, end)] == list(
        range(len(captures))
    )
    for first, end in spans:
        held = sum(512 + size for size in sizes[first:end])
        assert end - first == 1 or held <= most + 512 + sizes[end - 1]
        assert end - first >= 1


def test_records_are_taken_while_the_loop_adds_more() -> None:
    # The autosave's thread takes a save's records while the capture server's loop stores
    # captures; some taken captures were evicted first, so old records are dropped meanwhile.
    records = ArrivalRecords()
    arrived: list[int] = [0]
    stop = threading.Event()

    def the_loop() -> None:
        while not stop.is_set():
            # Stored, then counted: a save plans (on the loop) only what is stored.
            records.made_on_arrival(capture(arrived[0] + 1))
            arrived[0] += 1

    loop = threading.Thread(target=the_loop)
    loop.start()
    taken_through, saves = 0, 0
    old_interval = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)  # switch as often as the interpreter can: the race, at once
    try:
        while saves < 30:
            time.sleep(0.02)
            newest = arrived[0]
            # The first few since the last save were evicted before this save took them.
            records.take([capture(n) for n in range(taken_through + 5, newest + 1)])
            taken_through, saves = newest, saves + 1
    finally:
        sys.setswitchinterval(old_interval)
        stop.set()
        loop.join()
    assert all(key > taken_through for key in list(records._made))
