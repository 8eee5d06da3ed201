"""The session's state as status parts: each with a short form and a rank to give way by."""

from __future__ import annotations

from whisper_tui.core.models import CapturedRequest
from whisper_tui.core.session import Session
from whisper_tui.core.settings import Settings
from whisper_tui.core.status import KEPT, StatusPart, join


def test_join_says_every_part_in_full_and_skips_empty_ones():
    parts = [
        StatusPart("5 requests", "5 requests", 3, "count"),
        StatusPart("", "", 2, "tunnel"),
        StatusPart("answering 500 to everything", "answering 500", 1, "answer"),
    ]
    assert join(parts) == "5 requests   answering 500 to everything"


def test_what_senders_get_outranks_where_captures_are_forwarded():
    settings = Settings(port=0, forward_url="http://127.0.0.1:9", relay_response=True)
    session = Session(settings)
    for _ in range(4):  # 500, slow, 410, 429
        session.policy.cycle_mode()
    parts = {part.kind: part for part in session.status_parts()}
    assert parts["answer"].text == "answering 429 Retry-After: 30 to everything"
    assert parts["answer"].short == "answering 429"
    assert parts["forward"].short == "→ http://127.0.0.1:9 (relaying)"
    assert KEPT < parts["answer"].rank < parts["forward"].rank
    assert parts["count"].rank > parts["answer"].rank


def test_the_short_answer_modes_keep_the_status_and_gone():
    session = Session(Settings(port=0))
    shorts = []
    for _ in range(4):
        session.policy.cycle_mode()
        shorts.append(session.policy.describe_short())
    assert shorts == [
        "answering 500",
        "answering after 15 s",
        "answering 410 Gone",
        "answering 429",
    ]


def test_the_count_is_of_the_captures_listed_then_what_went():
    # Newcomer E: after X the top bar read '12 requests (0 kept)'.
    session = Session(Settings(port=0, max_requests=3))
    for number in (1, 2, 3):
        session.store.add(CapturedRequest(number, 1.0, "127.0.0.1", "POST", "/", (1, 1), (), b""))
    session.store.remove(2)
    [count] = session.status_parts()
    assert (count.text, count.short) == ("2 requests (1 deleted)", "2 requests (1 deleted)")
    session.store.remove_all()  # X
    [count] = session.status_parts()
    assert count.text == "0 requests (3 deleted)"
    for number in (4, 5, 6, 7):  # the fourth evicts the oldest
        session.store.add(CapturedRequest(number, 1.0, "127.0.0.1", "POST", "/", (1, 1), (), b""))
    [count] = session.status_parts()
    assert (count.text, count.short) == ("3 requests (1 evicted, 3 deleted)", "3 requests (4 gone)")
