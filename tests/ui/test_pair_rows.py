"""Aligned 'name: value' rows: values start inside a narrow pane, long names get their own
line, the name column takes at most a third."""

from __future__ import annotations

from rich.cells import cell_len

from whisper_tui.ui.pair_rows import pair_rows


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


def test_in_a_narrow_pane_the_name_column_takes_at_most_a_third():
    pairs = [("Content-Type", "application/json"), ("X-Slack-Request-Timestamp", "1714265330")]
    rows = [line.plain for line, _ in pair_rows(pairs, 40, ":", "b")]
    assert rows[0] == "Content-Type:  application/json"  # the column: 13 of 40 cells
    assert rows[1] == "X-Slack-Request-Timestamp: 1714265330"  # longer, and fits beside
