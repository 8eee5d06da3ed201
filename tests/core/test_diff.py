"""Request diffs: row alignment, summaries, volatile headers, folding, and the line diff."""

from __future__ import annotations

import difflib
import gzip
import itertools
import json
import random
import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.helpers import delivery_request, load_deliveries
from whisper_tui.core import diff as diff_module
from whisper_tui.core.content import body_view, reindent_json, split_long
from whisper_tui.core.diff import (
    VOLATILE_HEADERS,
    Change,
    DiffRow,
    Folded,
    diff_lines,
    diff_requests,
    fold,
    inline_changes,
    is_volatile_header,
    json_changes,
    pretty_json_lines,
)
from whisper_tui.core.models import CapturedRequest


def capture(
    body: bytes | str | dict | list = b"",
    content_type: str | None = "application/json",
    headers: list[tuple[str, str]] | None = None,
    *,
    method: str = "POST",
    target: str = "/hooks/test",
    request_id: int = 1,
) -> CapturedRequest:
    if isinstance(body, dict | list):
        body = json.dumps(body, separators=(",", ":"))
    if isinstance(body, str):
        body = body.encode()
    pairs = [("Content-Type", content_type)] if content_type else []
    pairs += headers or []
    return CapturedRequest(
        id=request_id,
        received_at=1_764_000_000.0 + request_id,
        remote="127.0.0.1",
        method=method,
        target=target,
        http_version=(1, 1),
        raw_headers=tuple((n.encode("latin-1"), v.encode("latin-1")) for n, v in pairs),
        body=body,
    )


def body_rows(result) -> list[DiffRow]:
    return [row for row in result.rows if row.section == "body" and row.kind != "section"]


def header_rows(result) -> list[DiffRow]:
    return [row for row in result.rows if row.section == "headers" and row.kind != "section"]


def texts(result) -> list[str]:
    return [change.text() for change in result.changes]


def event(status: str = "pending", **extra) -> dict:
    return {
        "id": "evt_1",
        "type": "payment_intent.updated",
        "data": {
            "object": {
                "id": "pi_1",
                "amount": 2000,
                "status": status,
                "items": [{"id": "a"}, {"id": "b"}, {"id": "c"}],
                **extra,
            }
        },
        "livemode": False,
    }


# -- JSON bodies -------------------------------------------------------------------------


def test_one_nested_value_changed_pairs_the_two_values_and_aligns_the_rest():
    result = diff_requests(capture(event("pending")), capture(event("paid"), request_id=2))
    rows = body_rows(result)
    changed = [row for row in rows if row.kind != "equal"]
    assert changed == [
        DiffRow("changed", '      "status": "pending",', '      "status": "paid",', 8, 8, "body")
    ]
    # Every unchanged line sits on the same row as its twin, at the same line number.
    for row in rows:
        if row.kind == "equal":
            assert row.left == row.right and row.left_number == row.right_number
    assert texts(result) == ['data.object.status: "pending" -> "paid"']
    assert not result.identical
    assert result.left_kind == result.right_kind == "json"
    # One jump target, on the changed row.
    assert [result.rows[i].kind for i in result.change_rows] == ["changed"]
    row = result.rows[result.change_rows[0]]
    left_spans, right_spans = inline_changes(row.left, row.right)
    assert [row.left[s:e] for s, e in left_spans] == ["pending"]
    assert [row.right[s:e] for s, e in right_spans] == ["paid"]


def test_body_lines_are_the_detail_views_lines():
    for delivery in load_deliveries():
        request = delivery_request(delivery)
        result = diff_requests(request, request)
        assert result.identical, delivery["name"]
        assert result.changes == [] and result.change_rows == []
        view = body_view(request)
        view.lines.advance(10**9)
        expected = [view.lines[i] for i in range(len(view.lines))]
        assert [row.left for row in body_rows(result)] == expected, delivery["name"]
        assert result.left_kind == view.kind


def test_added_and_removed_keys_and_literal_numbers():
    before = b'{"a":{"amount":1.10,"flag":1,"gone":"x"}}'
    after = b'{"a":{"amount":1.1,"flag":true,"refund":{"id":"re_1"}}}'
    result = diff_requests(capture(before), capture(after))
    assert texts(result) == [
        "a.amount: 1.10 -> 1.1",  # literals compare as sent, like the detail view shows them
        "a.flag: 1 -> true",
        '- a.gone: "x"',
        "+ a.refund: {...}",
    ]


def test_array_length_change_reports_the_length_and_the_new_item():
    grown = event()
    grown["data"]["object"]["items"].insert(1, {"id": "new"})
    result = diff_requests(capture(event()), capture(grown))
    assert texts(result) == [
        "data.object.items: length 3 -> 4",
        "+ data.object.items[1]: {...}",
    ]
    inserted = [row for row in body_rows(result) if row.kind != "equal"]
    assert [row.kind for row in inserted] == ["inserted"] * 3
    assert [row.right.strip() for row in inserted] == ["{", '"id": "new"', "},"]


def test_array_items_changed_in_place_are_named_by_index():
    changed = event()
    changed["data"]["object"]["items"][2]["id"] = "z"
    assert texts(diff_requests(capture(event()), capture(changed))) == [
        'data.object.items[2].id: "c" -> "z"'
    ]


def test_reordered_keys_differ_as_sent_and_match_with_sort_keys():
    before = capture(b'{"a":1,"b":{"x":[1,2],"y":null}}')
    after = capture(b'{"b":{"y":null,"x":[1,2]},"a":1}')
    plain = diff_requests(before, after)
    assert not plain.identical
    assert plain.changes == []  # the values are equal; only the order differs
    assert any("key order" in note for note in plain.notes)
    ordered = diff_requests(before, after, sort_keys=True)
    assert ordered.identical and ordered.change_rows == []
    assert [row.left for row in body_rows(ordered)] == [
        "{",
        '  "a": 1,',
        '  "b": {',
        '    "x": [',
        "      1,",
        "      2",
        "    ],",
        '    "y": null',
        "  }",
        "}",
    ]


def test_sort_keys_keeps_number_literals():
    before = capture(b'{"b":1.10,"a":[1E3, -0]}')
    result = diff_requests(before, before, sort_keys=True)
    assert [row.left for row in body_rows(result)] == [
        "{",
        '  "a": [',
        "    1E3,",
        "    -0",
        "  ],",
        '  "b": 1.10',
        "}",
    ]


def test_sort_keys_with_escaped_control_characters_still_unwraps_numbers():
    body = b'{"b":"\\u0000\\u001e","a":2.50}'
    result = diff_requests(capture(body), capture(body), sort_keys=True)
    assert [row.left for row in body_rows(result)] == [
        "{",
        '  "a": 2.50,',
        '  "b": "\\u0000\\u001e"',
        "}",
    ]


def test_invalid_json_on_one_side_diffs_the_text_views():
    result = diff_requests(capture(b'{"a":1}'), capture(b'{"a":1,'))
    assert (result.left_kind, result.right_kind) == ("json", "text")
    assert any("json (left) and text (right)" in note for note in result.notes)
    assert texts(result) == ["body: -3 +1 lines"]


def test_gzip_bodies_are_compared_decoded():
    before = capture(gzip.compress(b'{"a":1}'), headers=[("Content-Encoding", "gzip")])
    after = capture(gzip.compress(b'{"a":2}'), headers=[("Content-Encoding", "gzip")])
    result = diff_requests(before, after)
    assert texts(result) == ["a: 1 -> 2"]
    assert any(note.startswith("left: decoded gzip") for note in result.notes)


def test_deep_nesting_does_not_crash():
    deep = b"[" * 200_000 + b"]" * 200_000
    deeper = b"[" * 200_000 + b"1" + b"]" * 200_000
    for sort_keys in (False, True):
        result = diff_requests(capture(deep), capture(deeper), sort_keys=sort_keys)
        assert not result.identical
        assert result.left_kind == "text"  # content.py shows it as sent, and says why
        assert any("too deep" in note for note in result.notes)


def test_json_changes_on_a_deep_structure_stops_at_the_depth_cap():
    before: dict = {}
    after: dict = {}
    for root in (before, after):
        node = root
        for _ in range(100_000):
            node["k"] = {}
            node = node["k"]
        node["leaf"] = root is after
    changes = json_changes(before, after)
    assert len(changes) == 1
    assert changes[0].path.count(".") == 255 and changes[0].before == "{...}"


def test_summary_is_capped():
    before = {f"k{i}": i for i in range(800)}
    after = {f"k{i}": i + 1 for i in range(800)}
    result = diff_requests(capture(before), capture(after))
    assert len(result.changes) == 500
    assert any("500 changes" in note for note in result.notes)
    assert len(json_changes(before, after, limit=10)) == 10


def test_json_paths_quote_odd_keys():
    changes = json_changes({"a b": {"x.y": 1}}, {"a b": {"x.y": 2}}, "data")
    assert [c.text() for c in changes] == ['data["a b"]["x.y"]: 1 -> 2']
    assert [c.text() for c in json_changes(1, 2)] == ["body: 1 -> 2"]


# -- other bodies ------------------------------------------------------------------------


def test_form_bodies_compare_one_field_a_line():
    form = "application/x-www-form-urlencoded"
    before = capture(b"amount=10&currency=usd&note=a%20b", form)
    after = capture(b"amount=20&currency=usd&note=a%20b&extra=1", form)
    result = diff_requests(before, after)
    assert result.left_kind == result.right_kind == "form"
    assert [(row.kind, row.left, row.right) for row in body_rows(result)] == [
        ("changed", "amount = 10", "amount = 20"),
        ("equal", "currency = usd", "currency = usd"),
        ("equal", "note = a b", "note = a b"),
        ("inserted", None, "extra = 1"),
    ]
    assert texts(result) == ['form amount: "10" -> "20"', '+ form extra: "1"']


def test_binary_bodies_diff_as_hex_lines():
    data = bytes(range(256)) * 4
    changed = bytearray(data)
    changed[100] ^= 0xFF
    result = diff_requests(
        capture(data, "application/octet-stream"),
        capture(bytes(changed), "application/octet-stream"),
    )
    assert result.left_kind == result.right_kind == "hex"
    rows = [row for row in body_rows(result) if row.kind != "equal"]
    assert len(rows) == 1 and rows[0].kind == "changed"
    assert rows[0].left.startswith("00000060") and rows[0].right.startswith("00000060")
    left_spans, right_spans = inline_changes(rows[0].left, rows[0].right)
    assert [rows[0].left[s:e] for s, e in left_spans] == ["64", "d"]
    assert [rows[0].right[s:e] for s, e in right_spans] == ["9b", "."]  # byte and its character
    assert texts(result) == ["body: -1 +1 lines"]


def test_one_side_empty_body():
    result = diff_requests(capture(b""), capture(b'{"a":1}'))
    assert (result.left_kind, result.right_kind) == ("empty", "json")
    assert [row.kind for row in body_rows(result)] == ["inserted"] * 3
    assert [row.left for row in body_rows(result)] == [None] * 3
    reverse = diff_requests(capture(b'{"a":1}'), capture(b""))
    assert [row.kind for row in body_rows(reverse)] == ["deleted"] * 3
    assert texts(reverse) == ["body: -3 +0 lines"]


def test_identical_captures():
    request = capture(event(), headers=[("X-Foo", "a")])
    result = diff_requests(request, request)
    assert result.identical
    assert result.change_rows == [] and result.changes == []
    assert {row.kind for row in result.rows} == {"equal", "section"}
    assert [row.left for row in result.rows if row.kind == "section"] == [
        "Request",
        "Headers",
        "Body (json)",
    ]


def test_text_and_xml_bodies_diff_by_line():
    before = capture(b"<a><b>1</b><c>x</c></a>", "application/xml")
    after = capture(b"<a><b>2</b><c>x</c></a>", "application/xml")
    result = diff_requests(before, after)
    assert result.left_kind == "xml"
    assert [(row.kind, row.left, row.right) for row in body_rows(result)] == [
        ("equal", "<a>", "<a>"),
        ("changed", "  <b>1</b>", "  <b>2</b>"),
        ("equal", "  <c>x</c>", "  <c>x</c>"),
        ("equal", "</a>", "</a>"),
    ]
    assert texts(result) == ["body: -1 +1 lines"]
    text = diff_requests(capture(b"one\ntwo\n", "text/plain"), capture(b"one\n2\n", "text/plain"))
    assert [row.kind for row in body_rows(text)] == ["equal", "changed", "equal"]


def test_a_rejected_body_is_empty_with_its_note():
    rejected = CapturedRequest(
        id=2,
        received_at=0.0,
        remote="127.0.0.1",
        method="POST",
        target="/hooks/test",
        http_version=(1, 1),
        raw_headers=((b"Content-Type", b"application/json"),),
        body=b"",
        rejected=True,
        declared_length=5_000_000,
    )
    result = diff_requests(capture(b'{"a":1}'), rejected)
    assert result.right_kind == "empty"
    assert any(note.startswith("right: body rejected (413)") for note in result.notes)


def test_a_megabyte_json_diff_finds_every_change():
    # Speed is measured by tests/bench/bench_diff.py, never asserted here.
    from tests.bench.bench_diff import bodies

    old_body, new_body = bodies(1_000_000)
    result = diff_requests(capture(old_body), capture(new_body))
    assert len(result.change_rows) >= 50
    assert not result.identical


# -- request line and headers ------------------------------------------------------------


def test_request_line_change():
    result = diff_requests(capture(target="/a?x=1"), capture(target="/a?x=2", method="PUT"))
    rows = [row for row in result.rows if row.section == "request" and row.kind != "section"]
    assert rows == [
        DiffRow("changed", "POST /a?x=1 HTTP/1.1", "PUT /a?x=2 HTTP/1.1", 1, 1, "request")
    ]
    assert texts(result) == ["request line: POST /a?x=1 HTTP/1.1 -> PUT /a?x=2 HTTP/1.1"]
    assert result.change_rows[0] == 1


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
    assert any("6 volatile header" in note for note in hidden.notes)


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


def test_change_text():
    assert Change("a.b", "changed", '"x"', '"y"').text() == 'a.b: "x" -> "y"'
    assert Change("a.c", "added", None, "{...}").text() == "+ a.c: {...}"
    assert Change("a.d", "removed", "1", None).text() == "- a.d: 1"
    assert Change("a.e", "length", "3", "4").text() == "a.e: length 3 -> 4"


# -- inline emphasis ---------------------------------------------------------------------


def spans_text(text: str, spans: list[tuple[int, int]]) -> list[str]:
    return [text[start:end] for start, end in spans]


@pytest.mark.parametrize(
    ("left", "right", "left_parts", "right_parts"),
    [
        ('"status": "pending",', '"status": "paid",', ["pending"], ["paid"]),
        ('"id": "evt_1001",', '"id": "evt_1002",', ["1"], ["2"]),
        ('"created": 1700000000,', '"created": 1700000123,', ["000"], ["123"]),
        ('"a": 1', '"a": 1,', [], [","]),
        ("X-Foo: a", "X-Foo: a b", [], [" b"]),
        ("same", "same", [], []),
        ("alpha beta gamma", "alpha delta gamma", ["beta"], ["delta"]),
    ],
)
def test_inline_changes(left, right, left_parts, right_parts):
    left_spans, right_spans = inline_changes(left, right)
    assert spans_text(left, left_spans) == left_parts
    assert spans_text(right, right_spans) == right_parts


def test_inline_changes_on_very_long_lines_marks_the_differing_middle():
    left = "x" * 5000 + "a" * 3000 + "y" * 10
    right = "x" * 5000 + "b" * 3000 + "y" * 10
    assert inline_changes(left, right) == ([(5000, 8000)], [(5000, 8000)])
    blob_left = "sig=" + "A" * 100 + "x" + "B" * 100
    blob_right = "sig=" + "A" * 100 + "y" + "B" * 100
    assert inline_changes(blob_left, blob_right) == ([(104, 105)], [(104, 105)])


@given(st.text(max_size=40), st.text(max_size=40))
def test_inline_changes_spans_are_ordered_and_cover_every_difference(left, right):
    left_spans, right_spans = inline_changes(left, right)
    for spans, text in ((left_spans, left), (right_spans, right)):
        for (_, end), (start, _) in itertools.pairwise(spans):
            assert end < start
        assert all(0 <= s < e <= len(text) for s, e in spans)

    # What is outside the spans is common text, in order, on both sides.
    def outside(text, spans):
        kept, last = [], 0
        for s, e in spans:
            kept.append(text[last:s])
            last = e
        kept.append(text[last:])
        return "".join(kept)

    assert outside(left, left_spans) == outside(right, right_spans)


# -- folding -----------------------------------------------------------------------------


def make_rows(kinds: str) -> list[DiffRow]:
    names = {"=": "equal", "~": "changed", "-": "deleted", "+": "inserted", "#": "section"}
    return [DiffRow(names[k], str(i), str(i), i, i) for i, k in enumerate(kinds)]


def expand(folded: list, rows: list[DiffRow]) -> list[DiffRow]:
    out = []
    for item in folded:
        out.extend(rows[item.start : item.end] if isinstance(item, Folded) else [item])
    return out


def test_fold_keeps_context_around_changes():
    rows = make_rows("#" + "=" * 20 + "~" + "=" * 20 + "+" + "=" * 5 + "#" + "=" * 9)
    folded = fold(rows, context=3, min_run=8)
    placeholders = [item for item in folded if isinstance(item, Folded)]
    # Leading run: no change before it, so everything but the 3 rows before the change.
    # Middle run: 3 rows after, 3 before. Short run of 5: kept. Last run: all folded.
    assert [(f.start, f.end) for f in placeholders] == [(1, 18), (25, 39), (49, 58)]
    assert placeholders[0].count == 17
    assert expand(folded, rows) == rows


def test_fold_leaves_short_runs_and_changes_alone():
    rows = make_rows("=" * 7 + "~" + "=" * 8 + "-")
    folded = fold(rows, context=3, min_run=8)
    assert [(f.start, f.end) for f in folded if isinstance(f, Folded)] == [(11, 13)]
    assert expand(folded, rows) == rows
    assert fold(rows, context=10, min_run=8) == rows


def test_fold_on_a_real_diff_round_trips():
    result = diff_requests(capture(event("a")), capture(event("b")))
    rows = result.rows
    folded = fold(rows, context=1, min_run=4)
    assert any(isinstance(item, Folded) for item in folded)
    assert expand(folded, rows) == rows


# -- the line diff -----------------------------------------------------------------------


def apply(ops, a, b):
    """b rebuilt from a and the opcodes, checking their shape on the way."""
    out = []
    position = 0
    position_b = 0
    previous = None
    for tag, i1, i2, j1, j2 in ops:
        assert i1 == position and j1 == position_b, "opcodes must be contiguous"
        # Like difflib: equal runs are merged, and changes are never split in two.
        assert previous is None or (previous == "equal") != (tag == "equal")
        previous = tag
        if tag == "equal":
            assert a[i1:i2] == b[j1:j2]
            assert i2 - i1 > 0
            out.extend(a[i1:i2])
        else:
            assert tag in ("replace", "delete", "insert")
            assert (i2 > i1) == (tag != "insert") and (j2 > j1) == (tag != "delete")
            out.extend(b[j1:j2])
        position, position_b = i2, j2
    assert position == len(a) and position_b == len(b)
    return out


def lcs_length(a, b) -> int:
    previous = [0] * (len(b) + 1)
    for x in a:
        current = [0]
        for j, y in enumerate(b):
            current.append(previous[j] + 1 if x == y else max(previous[j + 1], current[j]))
        previous = current
    return previous[-1]


lines = st.lists(st.sampled_from(["a", "b", "c", "}", "{", ""]), max_size=40)


@settings(max_examples=400)
@given(lines, lines)
def test_diff_lines_rebuilds_b_with_a_longest_common_subsequence(a, b):
    ops = diff_lines(a, b)
    assert apply(ops, a, b) == b
    kept = sum(i2 - i1 for tag, i1, i2, _, _ in ops if tag == "equal")
    assert kept == lcs_length(a, b)
    # Never worse than difflib without its junk heuristic.
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    assert kept >= sum(block.size for block in matcher.get_matching_blocks())


@settings(max_examples=100)
@given(st.lists(st.integers(0, 5), min_size=50, max_size=300), st.data())
def test_diff_lines_on_edited_copies(base, data):
    a = [str(x) for x in base]
    b = list(a)
    for _ in range(data.draw(st.integers(0, 8))):
        position = data.draw(st.integers(0, len(b)))
        if data.draw(st.booleans()) and position < len(b):
            del b[position]
        else:
            b.insert(position, data.draw(st.sampled_from(["0", "1", "x"])))
    ops = diff_lines(a, b)
    assert apply(ops, a, b) == b
    kept = sum(i2 - i1 for tag, i1, i2, _, _ in ops if tag == "equal")
    assert kept == lcs_length(a, b)


def test_diff_lines_edge_cases():
    assert diff_lines([], []) == []
    assert diff_lines(["a"], []) == [("delete", 0, 1, 0, 0)]
    assert diff_lines([], ["a"]) == [("insert", 0, 0, 0, 1)]
    assert diff_lines(["a", "b"], ["a", "b"]) == [("equal", 0, 2, 0, 2)]
    assert diff_lines(["a", "x", "b"], ["a", "y", "b"]) == [
        ("equal", 0, 1, 0, 1),
        ("replace", 1, 2, 1, 2),
        ("equal", 2, 3, 2, 3),
    ]


def test_diff_lines_fallbacks_are_still_correct(monkeypatch):
    # With no budget for Myers, every region goes to patience anchors or stays replaced;
    # with a tiny per-search cap, the searches give up early and mix both.
    rng = random.Random(11)
    for budget, cap in ((0, 1024), (10_000, 2)):
        monkeypatch.setattr(diff_module, "DIFF_WORK_BUDGET", budget)
        monkeypatch.setattr(diff_module, "BISECT_MAX_D", cap)
        for _ in range(300):
            a = [str(rng.randrange(12)) for _ in range(rng.randrange(60))]
            b = [str(rng.randrange(12)) for _ in range(rng.randrange(60))]
            assert apply(diff_lines(a, b), a, b) == b


def test_diff_lines_stays_fast_and_correct_on_unrelated_inputs():
    rng = random.Random(5)
    a = [f"{rng.randrange(40)}" for _ in range(20_000)]
    b = [f"{rng.randrange(40)}" for _ in range(20_000)]
    started = time.perf_counter()
    ops = diff_lines(a, b)
    assert time.perf_counter() - started < 10  # bounded by the work budget, not O(N*M)
    assert apply(ops, a, b) == b


def test_diff_lines_finds_scattered_edits_in_a_long_input():
    rng = random.Random(3)
    a = [f'  "key{i % 50}": "{rng.getrandbits(20)}",' for i in range(40_000)]
    b = list(a)
    for index in sorted(rng.sample(range(40_000), 50), reverse=True):
        b[index] = b[index] + " changed"
    ops = diff_lines(a, b)
    assert apply(ops, a, b) == b
    assert sum(i2 - i1 for tag, i1, i2, _, _ in ops if tag != "equal") == 50


# -- JSON pretty-printing matches content.py ---------------------------------------------

json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(10**20), 10**20)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(alphabet=st.characters(codec="utf-8"), max_size=8)
    | st.sampled_from(['a,b:{c}[d]"e', "\\", "x\ny", "", " "]),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=5), children, max_size=4)
    ),
    max_leaves=25,
)


@settings(max_examples=300)
@given(
    json_values,
    st.sampled_from([None, 0, 2, "\t"]),
    st.sampled_from([(",", ":"), (", ", ": "), (" , ", " : ")]),
    st.booleans(),
)
def test_pretty_json_lines_equals_content_reindent(value, indent, separators, ascii_only):
    text = json.dumps(value, indent=indent, separators=separators, ensure_ascii=ascii_only)
    assert pretty_json_lines(text) == list(split_long(reindent_json(text)))


def test_pretty_json_lines_splits_long_lines_like_content():
    text = json.dumps({"a": "x" * 9000, "b": [{}, [], {"c": []}]})
    assert pretty_json_lines(text) == list(split_long(reindent_json(text)))
    spaced = '{ "a" : { } , "b" : [ ] , "c" : [ 1 , { } ] }'
    assert pretty_json_lines(spaced) == list(split_long(reindent_json(spaced)))
