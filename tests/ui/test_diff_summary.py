"""The diff summary: a change too long for its width keeps both values in sight."""

from __future__ import annotations

from rich.cells import cell_len

from whisper_tui.core.diff import Change
from whisper_tui.ui.diff_summary import change_lines, elide_around

OLD_SIGNATURE = '"t=1714265330,v1=6c53645ddbab28a3d8edb63f3a90bf96af64bebcf734783a2fe04afc42bedddf"'
NEW_SIGNATURE = '"t=1614265330,v1=00cd8805b6dfb4317048892c492f8ff769e2075ec20013c6ed546e639a4e20ba"'


def test_a_long_header_change_is_its_path_then_old_and_new_each_on_a_line_that_fits():
    change = Change("header Stripe-Signature", "changed", OLD_SIGNATURE, NEW_SIGNATURE, True)
    lines = change_lines(change, 60)
    assert lines[0] == "header Stripe-Signature:"
    assert lines[1].startswith('  - "t=1714265330,v1=6c53') and lines[1].endswith('bedddf"')
    assert lines[2].startswith('  + "t=1614265330,v1=00cd') and lines[2].endswith('4e20ba"')
    assert all(cell_len(line) <= 60 for line in lines)
    assert "…" in lines[1] and "…" in lines[2]


def test_a_change_that_fits_stays_on_one_line():
    change = Change("data.object.status", "changed", '"pending"', '"paid"')
    assert change_lines(change, 60) == ['data.object.status: "pending" -> "paid"']


def test_a_difference_deep_in_a_long_value_is_what_is_kept():
    shared = "x" * 100
    value = f'"{shared}OLD-PART and some more text after it"'
    short = elide_around(value, 101, 30)
    assert cell_len(short) <= 30
    assert short.startswith('"xxx') and "…xxxxxxxxOLD" in short


def test_wide_characters_are_measured_in_cells():
    value = '"' + "山" * 40 + '"'
    assert cell_len(elide_around(value, 5, 21)) <= 21
