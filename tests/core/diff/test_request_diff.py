"""Request diffs: row alignment, summaries, body kinds, notes."""

from __future__ import annotations

import gzip

from tests.core.diff.helpers import body_rows, capture, event, texts
from tests.helpers import delivery_request, load_deliveries
from whisper_tui.core.contentviews import body_view
from whisper_tui.core.diff import (
    DiffRow,
    diff_requests,
    inline_changes,
    json_changes,
)
from whisper_tui.core.models import CapturedRequest


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


def test_summary_is_capped():
    before = {f"k{i}": i for i in range(800)}
    after = {f"k{i}": i + 1 for i in range(800)}
    result = diff_requests(capture(before), capture(after))
    assert len(result.changes) == 500
    assert any("500 changes" in note for note in result.notes)
    assert len(json_changes(before, after, limit=10)) == 10


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


def test_request_line_change():
    result = diff_requests(capture(target="/a?x=1"), capture(target="/a?x=2", method="PUT"))
    rows = [row for row in result.rows if row.section == "request" and row.kind != "section"]
    assert rows == [
        DiffRow("changed", "POST /a?x=1 HTTP/1.1", "PUT /a?x=2 HTTP/1.1", 1, 1, "request")
    ]
    assert texts(result) == ["request line: POST /a?x=1 HTTP/1.1 -> PUT /a?x=2 HTTP/1.1"]
    assert result.change_rows[0] == 1
