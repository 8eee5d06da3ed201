"""Headers in a diff: volatile names, summaries by name, pairing rows by name."""

from __future__ import annotations

from tests.core.diff.helpers import capture, header_rows, texts
from whisper_tui.core.diff import (
    VOLATILE_HEADERS,
    diff_requests,
    is_volatile_header,
)


def test_volatile_header_names():
    for name in (
        "Date",
        "X-GitHub-Delivery",
        "X-Request-Id",
        "Stripe-Signature",
        "X-Hub-Signature-256",
        "webhook-signature",
        "webhook-timestamp",
        "X-Slack-Request-Timestamp",
        "traceparent",
        "X-Amzn-Trace-Id",
        "Content-Length",
    ):
        assert is_volatile_header(name), name
    assert "date" in VOLATILE_HEADERS
    for name in ("Content-Type", "User-Agent", "X-GitHub-Event", "Host"):
        assert not is_volatile_header(name), name


def test_header_changes_added_removed_and_duplicates():
    before = capture(headers=[("X-Foo", "a"), ("X-Gone", "1"), ("X-Tag", "one"), ("X-Tag", "two")])
    after = capture(headers=[("X-Foo", "b"), ("X-Tag", "one"), ("X-Tag", "2"), ("X-New", "n")])
    result = diff_requests(before, after)
    assert texts(result) == [
        'header X-Foo: "a" -> "b"',
        '- header X-Gone: "1"',
        'header X-Tag #2: "two" -> "2"',
        '+ header X-New: "n"',
    ]
    assert [(row.kind, row.left, row.right) for row in header_rows(result)] == [
        ("equal", "Content-Type: application/json", "Content-Type: application/json"),
        ("changed", "X-Foo: a", "X-Foo: b"),
        ("deleted", "X-Gone: 1", None),
        ("equal", "X-Tag: one", "X-Tag: one"),
        ("changed", "X-Tag: two", "X-Tag: 2"),
        ("inserted", None, "X-New: n"),
    ]
    # Two runs of changes to jump between.
    assert [result.rows[i].left for i in result.change_rows] == ["X-Foo: a", "X-Tag: two"]


def test_header_names_compare_case_insensitively_in_the_summary():
    before = capture(headers=[("x-foo", "a")])
    after = capture(headers=[("X-Foo", "a")])
    result = diff_requests(before, after)
    assert result.changes == []
    # Same header, new casing: one changed row.
    assert [row.kind for row in header_rows(result)] == ["equal", "changed"]


def test_reordered_headers_show_as_moves_but_not_in_the_summary():
    before = capture(headers=[("X-A", "1"), ("X-B", "2")])
    after = capture(headers=[("X-B", "2"), ("X-A", "1")])
    result = diff_requests(before, after)
    assert result.changes == []
    kinds = [row.kind for row in header_rows(result)]
    assert kinds.count("equal") == 2 and "deleted" in kinds and "inserted" in kinds


def test_volatile_headers_are_flagged_and_can_be_hidden():
    common = [("X-Event", "push")]
    before = capture(
        headers=[
            ("Date", "Mon, 01 Dec 2025 10:00:00 GMT"),
            ("X-GitHub-Delivery", "1111"),
            ("X-Hub-Signature-256", "sha256=aa"),
            *common,
        ]
    )
    after = capture(
        headers=[
            ("Date", "Mon, 01 Dec 2025 10:00:05 GMT"),
            ("X-GitHub-Delivery", "2222"),
            ("X-Hub-Signature-256", "sha256=bb"),
            *common,
        ],
        request_id=2,
    )
    shown = diff_requests(before, after)
    changed = [row for row in header_rows(shown) if row.kind == "changed"]
    assert len(changed) == 3 and all(row.volatile for row in changed)
    assert not any(row.volatile for row in header_rows(shown) if row.left == "X-Event: push")
    assert all(change.volatile for change in shown.changes) and len(shown.changes) == 3
    assert not shown.identical

    hidden = diff_requests(before, after, ignore_volatile=True)
    assert hidden.identical and hidden.changes == []
    assert [row.left for row in header_rows(hidden)] == [
        "Content-Type: application/json",
        "X-Event: push",
    ]
    # 3 headers on each side: counted as headers, not as the 6 lines they make.
    assert "3 volatile headers hidden" in hidden.notes


def test_header_values_are_compared_as_utf8_text_never_mojibake():
    from whisper_tui.core.diff.headers import header_pairs
    from whisper_tui.core.models import CapturedRequest

    raw = ((b"X-User", "Zoë".encode()), (b"X-Bad", b"caf\xe9"))
    request = CapturedRequest(1, 0.0, "r", "POST", "/", (1, 1), raw, b"")
    assert header_pairs(request, ignore_volatile=False) == [
        ("X-User", "Zoë"),
        ("X-Bad", "caf\\xe9"),
    ]
