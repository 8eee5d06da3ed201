"""The line diff: lines mapped to integers, compared with Myers' O(ND) algorithm.

The divide and conquer "middle snake" form, linear in space; a region too different for
that within a work budget is split on lines unique to both sides (patience anchors)
instead, so two unrelated megabyte bodies still diff in bounded time.
"""

from __future__ import annotations

from bisect import bisect_left
from collections import Counter
from collections.abc import Sequence
from itertools import count

from whisper_tui.core.diff.models import Opcode

DIFF_WORK_BUDGET = 4_000_000
"""Rough count of Myers steps one diff_lines call may spend before falling back to anchors."""
BISECT_MAX_D = 1024
"""One middle-snake search gives up beyond this many edits each way (then: anchors)."""


def diff_lines(a: Sequence[str], b: Sequence[str]) -> list[Opcode]:
    """Opcodes turning a into b, like difflib's get_opcodes, in near-linear time.

    Each distinct line becomes one integer so every later comparison is an int compare.
    The result is a minimal edit script (a longest common subsequence is kept) whenever
    the sides differ by up to about two thousand lines; beyond that, or past the work
    budget, it is still a correct script, just not always a minimal one.
    """
    # Each line is labelled with the position it is first seen at (a's, then len(a) + b's),
    # so equal lines share a label and the work runs in C: setdefault mapped over the lines
    # and a counter (a Python-level setdefault per line took a third longer).
    labels: dict[str, int] = {}
    label = labels.setdefault
    left = list(map(label, a, count()))
    right = list(map(label, b, count(len(a))))
    ops = _opcodes(_matching_blocks(left, right), len(left), len(right))
    _slide(ops, left, right, a, b)
    return ops


def _indent(line: str) -> int:
    stripped = line.lstrip()
    # Blank lines rank worst, so a block neither starts nor ends on one when it can move.
    return len(line) - len(stripped) if stripped else 1 << 20


def _slide(
    ops: list[Opcode], a: list[int], b: list[int], a_text: Sequence[str], b_text: Sequence[str]
) -> None:
    """Move each pure insertion or deletion to the equivalent place that reads best.

    An inserted array item can be shown as '{ "id": 1 },' or as '"id": 1 }, {' (both are
    minimal); like git's indent heuristic, prefer the place whose first and last lines are
    least indented, and the lowest such place on ties.
    """
    n, m = len(a), len(b)
    # Empty equal runs at both ends give every change an equal neighbour on each side.
    padded: list[Opcode] = [("equal", 0, 0, 0, 0), *ops, ("equal", n, n, m, m)]
    last = len(padded) - 1
    for index in range(1, last):
        tag, i1, i2, j1, j2 = padded[index]
        before, after = padded[index - 1], padded[index + 1]
        if (tag != "insert" and tag != "delete") or before[0] != "equal" or after[0] != "equal":
            continue
        seq, text, lo, hi = (b, b_text, j1, j2) if tag == "insert" else (a, a_text, i1, i2)
        # A neighbour between two changes keeps one line, so changes never touch.
        up_limit = before[2] - before[1] - (index - 1 > 1)
        down_limit = after[2] - after[1] - (index + 1 < last - 1)
        up = 0
        while up < up_limit and seq[hi - 1 - up] == seq[lo - 1 - up]:
            up += 1
        down = 0
        while down < down_limit and seq[lo + down] == seq[hi + down]:
            down += 1
        if not up and not down:
            continue
        best = min(
            range(-up, down + 1),
            key=lambda shift: (_indent(text[lo + shift]) + _indent(text[hi - 1 + shift]), -shift),
        )
        padded[index - 1] = ("equal", before[1], i1 + best, before[3], j1 + best)
        padded[index] = (tag, i1 + best, i2 + best, j1 + best, j2 + best)
        padded[index + 1] = ("equal", i2 + best, after[2], j2 + best, after[4])
    ops[:] = [op for op in padded if op[0] != "equal" or op[2] > op[1]]


def _opcodes(blocks: list[tuple[int, int, int]], n: int, m: int) -> list[Opcode]:
    ops: list[Opcode] = []
    i = j = 0
    for bi, bj, size in [*sorted(blocks), (n, m, 0)]:
        if i < bi and j < bj:
            ops.append(("replace", i, bi, j, bj))
        elif i < bi:
            ops.append(("delete", i, bi, j, j))
        elif j < bj:
            ops.append(("insert", i, i, j, bj))
        if size:
            if ops and ops[-1][0] == "equal" and ops[-1][2] == bi:
                ops[-1] = ("equal", ops[-1][1], bi + size, ops[-1][3], bj + size)
            else:
                ops.append(("equal", bi, bi + size, bj, bj + size))
        i, j = bi + size, bj + size
    return ops


def _matching_blocks(a: list[int], b: list[int]) -> list[tuple[int, int, int]]:
    """Equal runs (i, j, size) of a minimal-ish alignment, unordered."""
    blocks: list[tuple[int, int, int]] = []
    # An explicit work list instead of recursion: depth stays flat however the regions split.
    regions = [(0, len(a), 0, len(b))]
    budget = DIFF_WORK_BUDGET
    while regions:
        a0, a1, b0, b1 = regions.pop()
        size = _common_prefix(a, b, a0, a1, b0, b1)
        if size:
            blocks.append((a0, b0, size))
            a0 += size
            b0 += size
        size = _common_suffix(a, b, a0, a1, b0, b1)
        if size:
            a1 -= size
            b1 -= size
            blocks.append((a1, b1, size))
        if a0 == a1 or b0 == b1:
            continue  # what is left is a pure insert or delete
        if a1 - a0 == 1 or b1 - b0 == 1:
            _single_line(a, b, a0, a1, b0, b1, blocks)
            continue
        split = None
        if budget > 0:
            limit = min(BISECT_MAX_D, int(budget**0.5) + 1)
            split, spent = _bisect(a, b, a0, a1, b0, b1, limit)
            budget -= spent
        if split is not None and split != (0, 0) and split != (a1 - a0, b1 - b0):
            x, y = split
            regions.append((a0, a0 + x, b0, b0 + y))
            regions.append((a0 + x, a1, b0 + y, b1))
        else:
            # Too different for Myers within budget: anchor on lines unique to both sides and
            # diff the gaps between anchors, as git's patience diff does. Each gap is smaller
            # than the region, and a region without anchors stays one replace block.
            regions.extend(_patience_split(a, b, a0, a1, b0, b1, blocks))
    return blocks


def _common_prefix(a: list[int], b: list[int], a0: int, a1: int, b0: int, b1: int) -> int:
    """Length of the equal run starting at a[a0], b[b0]."""
    limit = min(a1 - a0, b1 - b0)
    size = 0
    short = min(limit, 8)
    while size < short and a[a0 + size] == b[b0 + size]:
        size += 1
    if size < 8:
        return size
    # A long run: gallop with slice comparisons (C speed), then narrow down.
    step = 8
    while (
        size + step <= limit and a[a0 + size : a0 + size + step] == b[b0 + size : b0 + size + step]
    ):
        size += step
        step *= 2
    while step > 1:
        step //= 2
        if (
            size + step <= limit
            and a[a0 + size : a0 + size + step] == b[b0 + size : b0 + size + step]
        ):
            size += step
    while size < limit and a[a0 + size] == b[b0 + size]:
        size += 1
    return size


def _common_suffix(a: list[int], b: list[int], a0: int, a1: int, b0: int, b1: int) -> int:
    """Length of the equal run ending at a[a1 - 1], b[b1 - 1]."""
    limit = min(a1 - a0, b1 - b0)
    size = 0
    short = min(limit, 8)
    while size < short and a[a1 - size - 1] == b[b1 - size - 1]:
        size += 1
    if size < 8:
        return size
    step = 8
    while (
        size + step <= limit and a[a1 - size - step : a1 - size] == b[b1 - size - step : b1 - size]
    ):
        size += step
        step *= 2
    while step > 1:
        step //= 2
        if (
            size + step <= limit
            and a[a1 - size - step : a1 - size] == b[b1 - size - step : b1 - size]
        ):
            size += step
    while size < limit and a[a1 - size - 1] == b[b1 - size - 1]:
        size += 1
    return size


def _single_line(
    a: list[int],
    b: list[int],
    a0: int,
    a1: int,
    b0: int,
    b1: int,
    blocks: list[tuple[int, int, int]],
) -> None:
    """One side is a single line (after trimming): it matches at most one line of the other."""
    if a1 - a0 == 1:
        value = a[a0]
        for j in range(b0, b1):
            if b[j] == value:
                blocks.append((a0, j, 1))
                return
    else:
        value = b[b0]
        for i in range(a0, a1):
            if a[i] == value:
                blocks.append((i, b0, 1))
                return


_UNREACHED = -(1 << 40)
"""Marks a diagonal whose furthest point would lie outside the edit grid."""


def _next_x(reach: list[int], centre: int, k: int, cost: int, n: int, m: int) -> int:
    """Furthest x on diagonal k with one more edit: from k+1 (a step down) or k-1 (right).

    Candidates outside the n x m grid are refused, so a dead end never outbids a real path.
    """
    if cost == 0:
        return 0
    best = _UNREACHED
    if k != cost:  # came down from diagonal k + 1
        x = reach[centre + k + 1]
        if x != _UNREACHED and x - k <= m:
            best = x
    if k != -cost:  # came right from diagonal k - 1
        x = reach[centre + k - 1]
        if x != _UNREACHED and x + 1 <= n and x + 1 > best:
            best = x + 1
    return best


def _bisect(
    a: list[int], b: list[int], a0: int, a1: int, b0: int, b1: int, limit: int
) -> tuple[tuple[int, int] | None, int]:
    """A point on a shortest edit path between a and b, searched from both ends at once.

    This is the "middle snake" of Myers (1986, section 4b): furthest-reaching paths grow one
    edit at a time from the start (on a, b) and from the end (on the reversed lists) until
    they meet on a diagonal; the forward end point there splits the problem in two. Gives up
    (None) beyond `limit` edits from each end. Returns (split, work spent), the split counted
    from (a0, b0). The region a[a0:a1], b[b0:b1] is read in place, not copied (nor reversed:
    the search from the end reads back from a1, b1).
    """
    n, m = a1 - a0, b1 - b0
    delta = n - m
    odd = delta % 2 != 0
    centre = limit + 2
    forward = [_UNREACHED] * (2 * centre + 1)
    reverse = [_UNREACHED] * (2 * centre + 1)
    spent = 0
    for cost in range(limit + 1):
        spent += 2 * cost + 2
        for k in range(-cost, cost + 1, 2):
            x = _next_x(forward, centre, k, cost, n, m)
            if x != _UNREACHED:
                y = x - k
                if x < n and y < m and a[a0 + x] == b[b0 + y]:
                    run = _common_prefix(a, b, a0 + x, a1, b0 + y, b1)
                    x += run
                    y += run
                if odd and -(cost - 1) <= delta - k <= cost - 1:
                    back = reverse[centre + delta - k]
                    if back != _UNREACHED and x + back >= n:
                        return (x, y), spent
            forward[centre + k] = x
        for k in range(-cost, cost + 1, 2):
            x = _next_x(reverse, centre, k, cost, n, m)
            if x != _UNREACHED:
                y = x - k
                if x < n and y < m and a[a1 - 1 - x] == b[b1 - 1 - y]:
                    run = _common_suffix(a, b, a0, a1 - x, b0, b1 - y)
                    x += run
            reverse[centre + k] = x
            if x != _UNREACHED and not odd and -cost <= delta - k <= cost:
                ahead = forward[centre + delta - k]
                if ahead != _UNREACHED and ahead + x >= n:
                    return (ahead, ahead - (delta - k)), spent
    return None, spent


def _patience_split(
    a: list[int],
    b: list[int],
    a0: int,
    a1: int,
    b0: int,
    b1: int,
    blocks: list[tuple[int, int, int]],
) -> list[tuple[int, int, int, int]]:
    """Record the longest increasing run of lines unique to both sides; return the gaps."""
    count_a = Counter(a[a0:a1])
    count_b = Counter(b[b0:b1])
    where_b = {b[j]: j for j in range(b0, b1) if count_b[b[j]] == 1 and count_a[b[j]] == 1}
    pairs = [(i, where_b[a[i]]) for i in range(a0, a1) if a[i] in where_b]
    if not pairs:
        return []
    # Longest increasing subsequence of the b positions (patience sorting).
    tails: list[int] = []
    tail_index: list[int] = []
    previous = [-1] * len(pairs)
    for index, (_, j) in enumerate(pairs):
        pos = bisect_left(tails, j)
        if pos == len(tails):
            tails.append(j)
            tail_index.append(index)
        else:
            tails[pos] = j
            tail_index[pos] = index
        previous[index] = tail_index[pos - 1] if pos else -1
    chain = []
    index = tail_index[-1]
    while index != -1:
        chain.append(pairs[index])
        index = previous[index]
    chain.reverse()
    gaps = []
    i0, j0 = a0, b0
    for i, j in chain:
        blocks.append((i, j, 1))
        gaps.append((i0, i, j0, j))
        i0, j0 = i + 1, j + 1
    gaps.append((i0, a1, j0, b1))
    return gaps
