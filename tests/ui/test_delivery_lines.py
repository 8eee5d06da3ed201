"""The detail's delivery lines: the id, how many times it came, the answer each arrival got."""

from __future__ import annotations

import tracemalloc

import pytest
from rich.cells import cell_len

from whisper_tui.core.models import NOT_ANSWERED, Attempt, CapturedRequest
from whisper_tui.core.store import RequestStore
from whisper_tui.ui.delivery_lines import (
    ARRIVALS_SHOWN,
    delivery_lines,
    format_offset,
    history_of,
    short_id,
)
from whisper_tui.ui.detail_lines import build_head

pytestmark = pytest.mark.usefixtures("utc")

AT = 1_764_000_000.0  # 2025-11-24 16:00:00 UTC
GITHUB_ID = "72d3162e-cc78-11e3-81ab-4c9367dc0958"


def github(request_id: int, at: float, delivery: str = GITHUB_ID, status: int = 200):
    return CapturedRequest(
        request_id,
        AT + at,
        "127.0.0.1",
        "POST",
        "/hooks/github",
        (1, 1),
        (
            (b"X-GitHub-Event", b"push"),
            (b"X-GitHub-Delivery", delivery.encode()),
            (b"Content-Type", b"application/json"),
        ),
        b"{}",
        answered_status=status,
    )


def store_of(*captures: CapturedRequest, **caps: int) -> RequestStore:
    store = RequestStore(**caps)
    for request in captures:
        store.add(request)
    return store


def shown(store: RequestStore, request_id: int, width: int = 200):
    request = store.get(request_id)
    assert request is not None
    history = history_of(store, request)
    assert history is not None
    return [line.plain for line, _ in delivery_lines(history, request, width)]


@pytest.mark.parametrize(
    ("seconds", "text"),
    [
        (0.4, "+0.4s"),
        (12, "+12s"),
        (62, "+1m 02s"),
        (310, "+5m 10s"),
        (7500, "+2h 05m"),
        (3 * 86400 + 4 * 3600, "+3d 04h"),
        (-1, "+0.0s"),
    ],
)
def test_delays_after_the_first_arrival_read_as_people_write_them(seconds, text):
    assert format_offset(seconds) == text


def test_long_ids_are_shortened_in_the_middle_and_short_ones_kept():
    assert short_id(GITHUB_ID) == "72d3…0958"
    assert short_id("evt_1Abc") == "evt_1Abc"


def test_the_third_arrival_says_three_times_with_the_delays_and_each_answer():
    store = store_of(
        github(12, 0, status=500), github(20, 62, status=500), github(31, 310), github(32, 400, "x")
    )
    assert shown(store, 31, width=90) == [
        "delivery 72d3…0958 · 3 times · first #12, +1m 02s, +5m 10s  (X-GitHub-Delivery)",
        "  #12  16:00:00  answered 500",
        "  #20  +1m 02s   answered 500",
        "▸ #31  +5m 10s   answered 200",
    ]
    # With room, the whole id; every arrival's lines are the same but for the ▸.
    assert shown(store, 12)[0].startswith(f"delivery {GITHUB_ID} · 3 times")
    assert shown(store, 12)[1].startswith("▸ #12")


def test_a_delivery_that_came_once_is_one_line_and_y_copies_the_whole_id():
    store = store_of(github(1, 0))
    request = store.get(1)
    assert request is not None
    history = history_of(store, request)
    assert history is not None
    [(line, value)] = delivery_lines(history, request, 50)
    assert line.plain == "delivery 72d3…0958 · once  (X-GitHub-Delivery)"
    assert value == ("X-GitHub-Delivery", GITHUB_ID)
    rows = delivery_lines(history, request, 30)
    assert [line.plain for line, _ in rows] == [
        "delivery 72d3…0958 · once",
        "  (X-GitHub-Delivery)",
    ]
    assert all(value == ("X-GitHub-Delivery", GITHUB_ID) for _, value in rows)


# -- in a narrow pane (issue 19: at 80 columns the line was cut after 'first') -------------------


def test_in_the_detail_of_an_80_column_screen_the_summary_drops_what_the_arrivals_repeat():
    store = store_of(github(12, 0, status=500), github(20, 62, status=500), github(31, 310))
    # 38 cells: the detail's width at 80x24. The delays are each arrival line's own.
    assert shown(store, 31, width=38) == [
        "delivery 72d3…0958 · 3 times",
        "  · first #12  (X-GitHub-Delivery)",
        "  #12  16:00:00  answered 500",
        "  #20  +1m 02s   answered 500",
        "▸ #31  +5m 10s   answered 200",
    ]


def test_delays_the_arrival_lines_do_not_show_flow_onto_more_rows_instead():
    store = store_of(*(github(n, n * 60.0) for n in range(1, 12)))
    rows = shown(store, 11, width=38)
    assert rows[0] == "delivery 72d3…0958 · 11 times"
    assert rows[1].startswith("  · first #1, +1m 00s, +2m 00s")
    assert all(cell_len(row) <= 38 for row in rows)
    assert "(X-GitHub-Delivery)" in " ".join(rows[1:3])
    assert rows[3] == "  … 3 earlier"


def test_a_capture_without_a_delivery_id_has_no_history():
    request = CapturedRequest(1, AT, "127.0.0.1", "POST", "/x", (1, 1), (), b"")
    assert history_of(store_of(request), request) is None


def test_deleted_and_evicted_arrivals_are_counted_and_said_to_be_gone():
    store = store_of(github(1, 0), github(2, 10), github(3, 20), github(4, 30), max_requests=3)
    store.remove(3)
    lines = shown(store, 4)
    assert lines[0].startswith(f"delivery {GITHUB_ID} · 4 times · first #1 (no longer kept)")
    assert "+" not in lines[0]  # no delays: the first arrival's time is gone with it
    assert lines[1:] == [
        "  #2  16:00:10  answered 200",
        "▸ #4  16:00:30  answered 200",
        "  2 arrivals no longer kept (deleted or evicted)",
    ]


def test_a_long_run_of_retries_shows_a_window_around_the_shown_one():
    store = store_of(*(github(n, n) for n in range(1, 31)))
    lines = shown(store, 15)
    arrivals = [line for line in lines[1:] if "#" in line]
    assert len(arrivals) == ARRIVALS_SHOWN
    assert any(line.startswith("▸ #15") for line in arrivals)
    assert lines[1] == "  … 10 earlier"
    assert lines[-1] == "  … 12 later"
    # The summary gives a few delays, then says there are more.
    assert lines[0].endswith("first #1, +1.0s, +2.0s, +3.0s, +4.0s, …  (X-GitHub-Delivery)")


def test_a_relayed_answer_is_what_each_arrival_says_it_got():
    store = store_of(github(1, 0, status=503), github(2, 5, status=NOT_ANSWERED))
    store.add_attempt(1, Attempt("http://app/x", AT, kind="forward", status=503))
    lines = shown(store, 2)
    assert lines[1:] == [
        "  #1  16:00:00  answered 503  forward failed",
        "▸ #2  +5.0s     answer awaited (relaying)",
    ]


def test_the_history_key_changes_with_a_new_arrival_and_a_relayed_answer():
    store = store_of(github(1, 0), github(2, 5, status=NOT_ANSWERED))
    request = store.get(1)
    assert request is not None
    before = history_of(store, request)
    relayed = store.get(2)
    assert relayed is not None
    relayed.answered_status = 200  # as the server sets it, before it adds the attempt
    store.add_attempt(2, Attempt("http://app/x", AT, kind="forward", status=200))
    answered = history_of(store, request)
    store.add(github(3, 9))
    again = history_of(store, request)
    assert before and answered and again
    assert len({before.key, answered.key, again.key}) == 3


def test_the_head_puts_the_delivery_under_the_answer_line():
    store = store_of(github(1, 0), github(2, 62))
    request = store.get(2)
    assert request is not None
    head = build_head(request, None, 100, history=history_of(store, request))
    lines = [line.plain for line in head.lines]
    assert lines[2] == "answered 200"
    assert lines[3].startswith("delivery 72d3162e-cc78-11e3-81ab-4c9367dc0958 · 2 times")
    assert head.values[3] == ("X-GitHub-Delivery", GITHUB_ID)


def test_sender_content_in_an_id_is_shown_as_data():
    hostile = "[bold]\x1b]0;x\x07"
    store = store_of(github(1, 0, delivery=hostile), github(2, 1, hostile))
    lines = shown(store, 2)
    assert lines[0].startswith("delivery [bold]␛]0;x␇ · 2 times")


def loaded(*captures: CapturedRequest) -> RequestStore:
    store = RequestStore()
    store.add_loaded(captures)
    return store


def test_loaded_arrivals_out_of_file_order_are_listed_and_numbered_as_received():
    # --load numbers captures in file order; their received times come from the file, and
    # #14 arrived minutes before #1: it is the first arrival (↻1 in the list), listed first.
    store = loaded(github(1, 300, status=200), github(2, 430), github(14, 0, status=500))
    assert shown(store, 1, width=90) == [
        "delivery 72d3…0958 · 3 times · first #14, +5m 00s, +7m 10s  (X-GitHub-Delivery)",
        "  #14  16:00:00  answered 500",
        "▸ #1   +5m 00s   answered 200",
        "  #2   +7m 10s   answered 200",
    ]
    assert [store.deliveries.repeat_of(store.get(n)) for n in (14, 1, 2)] == [1, 2, 3]


def test_past_a_thousand_arrivals_the_first_and_the_delays_still_go_by_received_time():
    # 1,500 arrivals a minute apart in a file written newest first: #1500 came first.
    store = loaded(*(github(n, (1500 - n) * 60.0) for n in range(1, 1501)))
    lines = shown(store, 1498, width=150)
    assert lines[0] == (
        "delivery 72d3162e-cc78-11e3-81ab-4c9367dc0958 · 1,500 times · first #1500, +1m 00s,"
        " +2m 00s, +3m 00s, +4m 00s, …  (X-GitHub-Delivery)"
    )
    assert lines[1:4] == [
        "  #1500  16:00:00  answered 200",
        "  #1499  +1m 00s   answered 200",
        "▸ #1498  +2m 00s   answered 200",
    ]
    assert lines[-1] == "  … 1,492 later"


def test_drawing_one_arrival_of_a_retry_storm_reads_only_what_is_shown():
    # 20,000 arrivals of one id: a tuple of them all is 160 KB, and sorting them by received
    # time more. What the detail reads for one of them must not grow with the storm.
    store = store_of(*(github(n, float(n)) for n in range(1, 20_001)), max_requests=20_000)
    middle = store.get(10_000)
    assert middle is not None
    history_of(store, middle)  # warm: the first call may fill caches
    tracemalloc.start()
    try:
        history = history_of(store, middle)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert history is not None and history.earlier == 9_995 and history.later == 9_997
    assert peak < 32_000
