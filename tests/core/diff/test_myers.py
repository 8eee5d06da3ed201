"""The line diff: minimal edit scripts, correct fallbacks past the work budget, bounded time."""

from __future__ import annotations

import difflib
import random
import time

from hypothesis import given, settings
from hypothesis import strategies as st

from whisper_tui.core.diff import (
    diff_lines,
    myers,
)


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
        monkeypatch.setattr(myers, "DIFF_WORK_BUDGET", budget)
        monkeypatch.setattr(myers, "BISECT_MAX_D", cap)
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
