"""The detail's head lines: what the sender got, header values as UTF-8, values `y` copies."""

from __future__ import annotations

import shlex

import pytest
from rich.cells import cell_len

from whisper_tui.core.models import NOT_ANSWERED, Attempt, CapturedRequest
from whisper_tui.core.responses import ResponsePolicy, parse_rule
from whisper_tui.core.signatures import Verdict
from whisper_tui.ui.detail_lines import (
    answer_line,
    answer_reason,
    attempt_lines,
    body_line_value,
    build_head,
    copied_note,
    pair_rows,
    summary_lines,
    verdict_lines,
    waiting_lines,
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


def test_a_relayed_answer_says_it_is_awaited_and_then_what_the_sender_got():
    ok = Attempt("http://t/x", 1.0, kind="forward", status=201, reason="Created")
    awaited = answer_line(capture(status=NOT_ANSWERED), ResponsePolicy(), [])
    assert awaited.plain == "answer awaited (relaying)"
    relayed = answer_line(capture(status=201), ResponsePolicy(), [ok])
    assert relayed.plain == "answered 201  ·  forward 201 Created"


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


# -- a narrow detail (issue 19: at 80 columns the head lines ran past the pane's edge) ------------

NARROW = 36
"""The detail's width at 80x24, beside the list."""


def json_capture(target: str = "/x") -> CapturedRequest:
    headers = ((b"Content-Type", b"application/json"),)
    return CapturedRequest(1, 1_764_000_000.0, "127.0.0.1", "POST", target, (1, 1), headers, b"")


def test_in_a_narrow_detail_no_head_line_runs_past_the_edge_and_nothing_is_cut(utc):
    forward = Attempt(
        "http://127.0.0.1:18791/hooks/stripe?attempt=3",
        1_764_000_001.0,
        kind="forward",
        status=201,
        reason="Created",
        latency=0.003,
    )
    request = json_capture("/hooks/stripe?attempt=3")
    head = build_head(request, None, NARROW, attempts=[forward])
    shown = [line.plain for line in head.lines]
    assert all(cell_len(line) <= NARROW for line in shown), shown
    text = "\n".join(shown)
    assert shown[:2] == ["POST /hooks/stripe?attempt=3", "  HTTP/1.1"]
    assert "from 127.0.0.1" in text and "application/json" in text
    assert "answered 200  ·  forward 201 Created" in shown
    # The attempt's status, latency and time follow its URL instead of going out of sight.
    start = next(n for n, line in enumerate(shown) if line.startswith("forward → "))
    assert shown[start + 2] == "  201 Created  3 ms  16:00:01"
    assert head.values[1] == ("target", "/hooks/stripe?attempt=3")  # y on either row


def test_the_summary_drops_the_date_of_a_capture_from_today_before_it_flows(utc):
    request = json_capture()
    wide = summary_lines(request, 100, today=request.received_at)
    assert [line.plain for line in wide] == [
        "#1  2025-11-24 16:00:00.000  from 127.0.0.1  0 B  application/json"
    ]
    narrow = [line.plain for line in summary_lines(request, NARROW, today=request.received_at)]
    assert narrow == ["#1  16:00:00.000  from 127.0.0.1", "  0 B  application/json"]
    older = summary_lines(request, NARROW, today=request.received_at + 86_400)
    assert older[0].plain == "#1  2025-11-24 16:00:00.000"


@pytest.mark.parametrize("width", [20, 30, 38, 44, 60, 120])
@pytest.mark.parametrize("base", ["http://127.0.0.1:8080", "http://[::1]:18614"])
def test_the_waiting_hint_copied_from_the_screen_is_the_same_command_at_any_width(width, base):
    lines = [line.plain for line in waiting_lines(base, width)]
    command = lines[lines.index("  Send one with:") + 1 :]
    assert all(line.endswith(" \\") for line in command[:-1])
    # What a shell makes of the rows as copied: shlex reads each ` \` + newline as a word of
    # its own (a shell drops it); inside quotes it would stay in the word, which is the bug.
    words = [word for word in shlex.split("\n".join(command)) if word != "\n"]
    assert words == [
        "curl",
        "-H",
        "content-type:application/json",
        "-d",
        '{"hello":"world"}',
        f"{base}/hooks/test",
    ]
    # Rows stay within the pane, but a word never splits: one wider than a row keeps it.
    longest_word = max(len(word) + 2 for word in words)  # + 2: quotes
    room = 2 + 2 + longest_word + 2  # the detail's margin, the row's indent, the word, " \\"
    assert all(cell_len(line) <= max(width, room) for line in lines)


@pytest.mark.parametrize(
    "error",
    [
        "connection refused to 127.0.0.1:18766",
        "refusing to send to whisper-tui's own address 127.0.0.1:8080 (it would loop)",
    ],
)
def test_an_attempt_error_breaks_between_words_in_a_narrow_pane(error):
    # 38 cells: the detail's width at 80x24, where 'refu' / 'sed' and 'sen' / 'd' were seen.
    attempt = Attempt("http://127.0.0.1:18766/hooks/a", 0.0, kind="forward", error=error)
    rows = [row.plain for row in attempt_lines(attempt, 38, with_body=True)]
    assert all(cell_len(row) <= 38 for row in rows)
    words = [word for row in rows for word in row.split()]
    assert " ".join(error.split()) in " ".join(words)  # every word whole, in order


def test_an_answers_content_type_wraps_under_its_value_in_a_narrow_pane():
    # At 80x24 ' charset=utf-8' went on the next row at column 1, under nothing.
    attempt = Attempt(
        "http://127.0.0.1:3000/hooks/a",
        0.0,
        status=200,
        reason="OK",
        response_headers=((b"Content-Type", b"application/json; charset=utf-8"),),
        response_body=b'{"ok": true}',
    )
    rows = [row.plain for row in attempt_lines(attempt, 38, with_body=True)]
    start = next(n for n, row in enumerate(rows) if row.startswith("    answer: 12 B  "))
    assert rows[start] == "    answer: 12 B  application/json;"
    assert rows[start + 1] == " " * len("    answer: 12 B  ") + "charset=utf-8"
    assert all(cell_len(row) <= 38 for row in rows)


def test_an_attempt_s_notes_wrap_between_words_in_a_narrow_pane():
    # At 80x24 'edited: body' / 're-signed (stripe) with a fresh timestamp' was cut at the edge.
    notes = ["edited: body, headers", "re-signed (stripe) with a fresh timestamp"]
    attempt = Attempt("http://127.0.0.1:3000/hooks/a", 0.0, status=200, reason="OK", notes=notes)
    rows = [row.plain for row in attempt_lines(attempt, 38, with_body=False)]
    assert all(cell_len(row) <= 38 for row in rows)
    text = " ".join(word for row in rows for word in row.split())
    assert all(" ".join(note.split()) in text for note in notes)


def test_a_replay_that_cannot_reach_its_target_says_which_key_changes_it():
    failed = Attempt("http://nonexistent.invalid/x", 0.0, error="cannot resolve host x")
    assert "T changes the replay target" in str(attempt_lines(failed, 38, with_body=True))
    forward = Attempt("http://127.0.0.1:9/x", 0.0, kind="forward", error="connection refused")
    assert "replay target" not in str(attempt_lines(forward, 38, with_body=True))
    assert "replay target" not in str(attempt_lines(failed, 38, with_body=False))  # not the latest


@pytest.mark.parametrize(
    "scheme, reason",
    [
        ("stripe", "no v1 signature in Stripe-Signature"),
        ("github", "X-Hub-Signature-256 does not match"),
        ("stripe", "timestamp 1764000000 is 900 s old (181855580 s), over the tolerance 300 s"),
    ],
)
@pytest.mark.parametrize("width", range(30, 61))
def test_a_signature_verdict_wraps_at_spaces_on_its_first_row_too(scheme, reason, width):
    rows = [row.plain for row in verdict_lines(Verdict(scheme, "failed", reason, True), width)]
    assert all(cell_len(row) <= width for row in rows)
    assert all(row.startswith("    ") for row in rows[1:])
    # Every word of the reason is on one row, whole.
    words = " ".join(rows).split()
    assert words[:3] == ["signature:", "failed", f"({scheme}):"]
    assert words[3:] == reason.split()


def test_the_empty_filter_message_names_the_filter_keys_a_keymap_put_in_effect():
    keymap = {"clear_filter": "ctrl+l", "filter": "ctrl+f"}
    head = build_head(None, None, 80, hidden=("zzz", 3), keymap=keymap)
    shown = [line.plain for line in head.lines]
    assert "  the filter: Ctrl+L clears it," in shown and "  Ctrl+F changes it." in shown
    assert not any("Esc" in line for line in shown)


def test_an_attempt_shows_its_url_s_password_masked():
    attempt = Attempt("http://admin:hunter2pass@127.0.0.1:18300/hooks/a", 0.0, kind="forward")
    shown = " ".join(row.plain for row in attempt_lines(attempt, 120, with_body=False))
    assert "hunter2pass" not in shown and "http://admin:***@127.0.0.1:18300/hooks/a" in shown


def test_in_a_narrow_pane_the_name_column_takes_at_most_a_third():
    pairs = [("Content-Type", "application/json"), ("X-Slack-Request-Timestamp", "1714265330")]
    rows = [line.plain for line, _ in pair_rows(pairs, 40, ":", "b")]
    assert rows[0] == "Content-Type:  application/json"  # the column: 13 of 40 cells
    assert rows[1] == "X-Slack-Request-Timestamp: 1714265330"  # longer, and fits beside
