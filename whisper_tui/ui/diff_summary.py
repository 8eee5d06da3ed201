"""The diff screen's summary: what changed, by path, one change to a line where it fits.

A change too long for the summary's width (a Stripe-Signature, a long JSON string) is put on
three lines: its path, then `- old` and `+ new`, each shortened in the middle around where
the two values start to differ. Wrapped whole, one such change filled the summary's few rows
and pushed its new value out of sight.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from rich.cells import cell_len
from textual.content import Content

from whisper_tui.core.diff import Change, RequestDiff
from whisper_tui.core.probe import ProbeResult
from whisper_tui.core.sanitize import printable
from whisper_tui.core.sizes import format_size
from whisper_tui.ui.list_rows import ELLIPSIS, head_cells, tail_cells

SUMMARY_STYLES = {
    "added": "$text-success",
    "removed": "$text-error",
    "changed": "$text-warning",
    "length": "$text-warning",
}
"""Theme variables, resolved when drawn: a theme change recolours the summary at once."""

VALUE_INDENT = "  "
"""Before the '- ' and '+ ' of a change split over lines, under its path."""
CONTEXT = 8
"""Characters kept before the first difference when a value's start is cut."""


VERDICT_STYLES = {
    "verified": "bold $text-success",
    "failed": "bold $text-error",
}
"""A signature line by the newer capture's verdict; 'not checked' and 'unsigned' in warning."""


def summary_text(diff: RequestDiff, width: int, first_line: str = "request line") -> Content:
    """What changed, by path: 'data.object.status: "pending" -> "paid"', then notes; a
    change longer than `width` cells is split as the module says (two answers' summary; two
    captures' is request_summary)."""
    lines: list[tuple[str, str]] = []
    if diff.identical:
        lines.append(
            (f"identical: {first_line}, headers and body are the same", "bold $text-success")
        )
    lines.extend(styled_changes(diff.changes, width))
    for note in diff.notes:
        lines.append((printable(note), "italic $text-muted"))
    return Content("\n").join(Content.styled(text, style) for text, style in lines)


def request_summary(
    diff: RequestDiff,
    width: int,
    signatures: list[tuple[str, str]],
    same_bytes: bool,
    size: int,
) -> Content:
    """Two captures' summary, answering first what a retry is diffed for, "did the provider
    resend the same bytes?": the body's verdict (identical, or how many changes and the first),
    then a signature verdict that changed, then the request line and headers, then the body's
    other changes and the notes. At 80x24 the summary has five rows: listed in the diff's
    order, a retry's timestamp and signature headers took them and the body's one change (or
    that there was none) showed only after `v`. `same_bytes`: the bodies' bytes are equal;
    `size`: the newer body's."""
    head = diff.changes[: diff.body_changes_from]
    body = diff.changes[diff.body_changes_from :]
    good = "bold $text-success"
    warn = "bold $text-warning"
    lines: list[tuple[str, str]] = []
    unlisted = unlisted_head_differences(diff)
    if diff.identical and same_bytes:
        lines.append(("identical: request line, headers and body are the same", good))
    elif diff.identical:
        # `{"a":1}` against `{"a": 1}`: equal once normalized, but not the same bytes resent.
        lines.append(("identical but for the body's formatting: the bytes differ", warn))
    elif (
        not diff.body_differs
        and same_bytes
        and head
        and all(change.volatile for change in head)
        and not unlisted
    ):
        same = f"same body ({format_size(size)})"
        lines.append((f"identical but for volatile headers (v hides them): {same}", good))
    elif same_bytes:
        # Headers reordered or renamed in case make no Change: say so, or nothing would.
        also = "".join(f"; {text}" for text in unlisted)
        lines.append((f"body identical ({format_size(size)}){also}", good))
        unlisted = []
    elif not body:
        # JSON re-indented (or keys sorted with s) reads the same: the notes say what differs.
        lines.append(("body: the same once normalized; the bytes differ", warn))
    elif body[0].path == "body":
        lines.append((printable(body[0].text()), "bold $text-warning"))  # body: -3 +4 lines
    else:
        count = f"{len(body)} changes, first" if len(body) > 1 else "1 change"
        prefix = f"body ({count}): "
        first = change_lines(body[0], width - len(prefix))
        if len(first) > 1:  # path, - old, + new: the values get the whole width
            first = change_lines(body[0], width, split=True)
        lines.append((prefix + first[0], "bold $text-warning"))
        lines.extend((line, "$text-warning") for line in first[1:])
    lines.extend(
        (printable(line), VERDICT_STYLES.get(status, "bold $text-warning"))
        for line, status in signatures
    )
    lines.extend(styled_changes(head, width))
    # Not said by the verdict (the body differs): after the headers' changes.
    lines.extend((text, "$text-warning") for text in unlisted)
    lines.extend(styled_changes(body[1:], width))
    lines.extend((printable(note), "italic $text-muted") for note in diff.notes)
    return Content("\n").join(Content.styled(text, style) for text, style in lines)


def styled_changes(changes: Sequence[Change], width: int) -> Iterator[tuple[str, str]]:
    """Each change's lines (change_lines) with its style: a volatile change (a timestamp, a
    signature) is muted, not hidden."""
    for change in changes:
        style = "$text-muted" if change.volatile else SUMMARY_STYLES.get(change.kind, "")
        yield from ((line, style) for line in change_lines(change, width))


def unlisted_head_differences(diff: RequestDiff) -> list[str]:
    """What differs in the request line and headers beyond the listed changes, which compare
    headers by name case-insensitively: 'header names' case differs', 'headers reordered'.
    Volatile rows are left out (`v` hides them)."""
    left: list[str] = []
    right: list[str] = []
    differs = False
    for row in diff.rows:
        if row.section == "body":
            break
        if row.section != "headers" or row.kind == "section" or row.volatile:
            continue
        differs = differs or row.kind != "equal"
        left.extend([row.left] if row.left is not None else [])
        right.extend([row.right] if row.right is not None else [])
    if not differs or any(not change.volatile for change in diff.changes[: diff.body_changes_from]):
        return []  # nothing differs, or a listed change already says the headers differ

    def folded(lines: list[str]) -> list[str]:
        return [name.lower() + ":" + value for name, _, value in (x.partition(":") for x in lines)]

    found = []
    if sorted(folded(left)) == sorted(folded(right)):
        if sorted(left) != sorted(right):
            found.append("header names' case differs")
        if folded(left) != folded(right):
            found.append("headers reordered")
    return found or ["headers differ"]


def change_lines(change: Change, width: int, split: bool = False) -> list[str]:
    """One line, or path / - old / + new when a changed value doesn't fit `width` cells
    (or `split`: it didn't fit beside what goes before it)."""
    # Spelled out: a change in a skin tone or a joiner alone is still seen.
    text = printable(change.text(), spell_dropped=True)
    fits = cell_len(text) <= width and not split
    if fits or change.kind != "changed" or change.before is None:
        return [text]
    before = printable(change.before, spell_dropped=True)
    after = printable(change.after or "", spell_dropped=True)
    room = max(width - len(VALUE_INDENT) - 2, 8)
    start = common_prefix(before, after)
    return [
        printable(f"{change.path}:", spell_dropped=True),
        f"{VALUE_INDENT}- {elide_around(before, start, room)}",
        f"{VALUE_INDENT}+ {elide_around(after, start, room)}",
    ]


def common_prefix(one: str, other: str) -> int:
    """How many leading characters the two share."""
    for index, (a, b) in enumerate(zip(one, other, strict=False)):
        if a != b:
            return index
    return min(len(one), len(other))


def elide_around(value: str, differs_at: int, cells: int) -> str:
    """`value` in `cells` cells, shortened in the middle with '…': its start and end, and
    when the start it shares with the other value is long, the part from a little before
    `differs_at` too, so what differs is what is seen."""
    if cell_len(value) <= cells:
        return value
    if differs_at <= cells // 2:
        tail = tail_cells(value, max(cells // 3, 1))
        return head_cells(value, cells - cell_len(tail) - 1) + ELLIPSIS + tail
    cut = max(differs_at - CONTEXT, 1)
    lead = head_cells(value[:cut], max(cells // 3, 1)) + ELLIPSIS
    rest = value[cut:]
    room = cells - cell_len(lead)
    if cell_len(rest) <= room:
        return lead + rest
    tail = tail_cells(rest, max(room // 3, 1))
    return lead + head_cells(rest, max(room - cell_len(tail) - 1, 0)) + ELLIPSIS + tail


def verdict_text(result: ProbeResult) -> Content:
    """'agree: ...' in green or 'differ: ...' in red, each answer's status, then the reasons."""
    style = "bold $text-success" if result.verdict == "agree" else "bold $text-error"
    answers = [
        f"send {number}: {attempt.status}"
        + (f" in {attempt.latency * 1000:.0f} ms" if attempt.latency is not None else "")
        for number, attempt in enumerate(result.attempts, start=1)
    ]
    lines = [(printable(result.summary()), style), (" · ".join(answers), "$text-muted")]
    lines += [
        (printable(line), "italic $text-muted") for line in [*result.reasons[1:], *result.notes]
    ]
    return Content("\n").join(Content.styled(text, style) for text, style in lines)
