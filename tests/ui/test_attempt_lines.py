"""An attempt's lines in the detail: errors, notes and the answer's type broken between words
in a narrow pane, the key that changes an unreachable replay target, passwords masked."""

from __future__ import annotations

import pytest
from rich.cells import cell_len

from whisper_tui.core.models import Attempt
from whisper_tui.ui.attempt_lines import attempt_lines


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


def test_an_attempt_shows_its_url_s_password_masked():
    attempt = Attempt("http://admin:hunter2pass@127.0.0.1:18300/hooks/a", 0.0, kind="forward")
    shown = " ".join(row.plain for row in attempt_lines(attempt, 120, with_body=False))
    assert "hunter2pass" not in shown and "http://admin:***@127.0.0.1:18300/hooks/a" in shown
