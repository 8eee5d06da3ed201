"""The detail's head lines: what the sender got, header values as UTF-8, values `y` copies."""

from __future__ import annotations

from rich.cells import cell_len

from whisper_tui.core.models import Attempt, CapturedRequest
from whisper_tui.core.responses import ResponsePolicy, parse_rule
from whisper_tui.ui.detail_lines import (
    answer_line,
    answer_reason,
    body_line_value,
    build_head,
    copied_note,
    pair_rows,
)


def capture(target: str = "/x", status: int = 200, **changes: object) -> CapturedRequest:
    return CapturedRequest(
        1,
        1_764_000_000.0,
        "127.0.0.1",
        "POST",
        target,
        (1, 1),
        ((b"X-User", "Zoë Müller".encode()), (b"X-Bad", b"caf\xe9")),
        b"",
        answered_status=status,
        **changes,  # type: ignore[arg-type]
    )


def test_the_answer_reason_names_the_rule_the_status_flag_or_the_answer_mode():
    policy = ResponsePolicy(status=503, rules=[parse_rule("POST /x* 418")])
    assert answer_reason(capture("/x%79", 418), policy) == "by --respond rule 'POST /x* 418'"
    assert answer_reason(capture("/y", 503), policy) == "(--status)"
    assert answer_reason(capture("/y", 500), policy) == "(answer mode)"
    assert answer_reason(capture("/y", 200), policy) == ""
    assert answer_reason(capture("/y", 500), None) == ""


def test_the_answer_line_adds_the_latest_forwards_result():
    failed = Attempt("http://t/x", 0.0, kind="forward", error="connection refused")
    ok = Attempt("http://t/x", 1.0, kind="forward", status=204, reason="No Content")
    replay = Attempt("http://t/x", 2.0, kind="replay", status=500, reason="Oops")
    assert answer_line(capture(), None, []).plain == "answered 200"
    line = answer_line(capture(), None, [failed])
    assert line.plain == "answered 200  ·  forward failed: connection refused"
    assert answer_line(capture(), None, [failed, ok, replay]).plain == (
        "answered 200  ·  forward 204 No Content"
    )


def test_header_values_are_shown_as_utf8_and_copy_the_decoded_value():
    head = build_head(capture(), None, 80)
    shown = [line.plain for line in head.lines]
    user = shown.index("X-User: Zoë Müller")
    assert "X-Bad:  caf\\xe9" in shown
    assert head.values[user] == ("X-User", "Zoë Müller")
    assert head.values[0] == ("target", "/x")


def test_a_json_lines_value_is_unquoted_and_container_lines_have_none():
    assert body_line_value('  "type": "invoice.paid",', "json", "json") == ("type", "invoice.paid")
    assert body_line_value('  "amount": 4200,', "json", "json") == ("amount", "4200")
    assert body_line_value('    "a\\"b",', "json", "json") == ("value", 'a"b')
    assert body_line_value('  "items": [', "json", "json") is None
    assert body_line_value("  },", "json", "json") is None
    assert body_line_value('  "cut": "abc', "json", "json") == ("cut", '"abc')


def test_form_and_text_lines_copy_the_field_value_or_the_line():
    assert body_line_value("name = Zoë", "ini", "form") == ("name", "Zoë")
    assert body_line_value("  plain text  ", None, "text") == ("line", "plain text")
    assert body_line_value("   ", None, "text") is None


def test_the_copied_note_is_sanitized_and_cut_short():
    message, title = copied_note("X-Evil", "\x1b]52;c;x\x07" + "v" * 100)
    assert "\x1b" not in message and message.startswith("X-Evil: ␛]52;c;x␇")
    assert message.endswith("…") and len(message) <= len("X-Evil: ") + 60
    assert title == "Copied 109 characters"


# -- widths in cells (issue 19) ------------------------------------------------------------------


def test_a_long_cjk_query_value_wraps_in_cells_under_its_column():
    value = "日本語のテキストです" * 6  # 120 cells
    head = build_head(capture(f"/q?name={value}&id=7"), None, 40)
    lines = [line.plain for line in head.lines]
    start = next(n for n, line in enumerate(lines) if line.startswith("name ="))
    following = [line for line in lines[start + 1 :] if line.startswith("  ")]
    rows = [lines[start], *following[:4]]
    assert all(cell_len(line) <= 40 for line in rows)
    column = cell_len(rows[0]) - cell_len(rows[0].split("= ", 1)[1].lstrip())
    shown = "".join(line[column:] for line in rows[1:])
    assert (rows[0][column:] + shown).startswith(value[:60])  # nothing cut between rows


def test_values_start_inside_a_narrow_pane_and_long_names_get_their_own_line():
    pairs = [("X-Some-Very-Long-Header-Name-Of-A-Provider", "v" * 30), ("Host", "example.com")]
    for width in (24, 30, 40):
        rows = [line.plain for line, _ in pair_rows(pairs, width, ":", "bold")]
        assert all(cell_len(row) <= width for row in rows), (width, rows)
        assert "".join(row.strip() for row in rows[:-1]).endswith("v" * 30)
        host = rows[-1]
        assert host.startswith("Host:") and host.endswith("example.com")


def test_names_that_fit_keep_the_aligned_column_as_before():
    rows = [line.plain for line, _ in pair_rows([("a", "1"), ("long-name", "2")], 80, ":", "b")]
    assert rows == ["a:         1", "long-name: 2"]
