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
    build_head,
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
