"""The one-line header: address, counts, modes. Repainted in place, never relaid out."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

from rich.text import Text
from textual.widget import Widget

from whisper_tui.core.status import KEPT, StatusPart

GAP = 3
"""Cells kept between the status and the notice at the right end."""


@dataclass(frozen=True, slots=True)
class BarPart:
    """One thing the bar says, and how it gives way when the bar is narrow."""

    text: Text
    short: Text | None = None
    """Said instead where `text` does not fit (None: the same; empty: nothing)."""
    rank: int = 0
    """Higher ranks are shortened first, then (unless `keep`) left out first."""
    keep: bool = True
    separator: str = "   "
    """Before the part, unless it is the first shown."""
    cut: bool = False
    """Cut (with an ellipsis) when all else is not enough, rather than what follows it."""


CUT_TO = 6
"""Cells a cut part keeps."""


def fit(parts: Sequence[BarPart], width: int) -> Text:
    """The parts on one line of at most `width` cells: each rank's short forms in turn (the
    highest rank first), then each rank's parts left out in turn; then, the most important
    first, longer forms given back where they fit; then the `cut` part cut, then the line."""
    forms = [part.text for part in parts]
    ranks = sorted({part.rank for part in parts}, reverse=True)
    steps = [(rank, False) for rank in ranks] + [(rank, True) for rank in ranks]
    for rank, leave_out in steps:
        if _join(parts, forms).cell_len <= width:
            break
        for number, part in enumerate(parts):
            if part.rank != rank:
                continue
            if leave_out and not part.keep:
                forms[number] = Text()
            elif not leave_out and part.short is not None:
                forms[number] = part.short
    # Given back: first parts left out that say something even when short, then longer
    # forms (names and labels too); each time the most important first. A count says more
    # than the answer mode's 'to everything'.
    by_rank = sorted(range(len(parts)), key=lambda n: parts[n].rank)
    for lengthen in (False, True):
        for number in by_rank:
            part = parts[number]
            says_nothing_short = part.short is not None and not part.short.plain
            if not lengthen and (forms[number].plain or says_nothing_short):
                continue
            candidates = (part.text, part.short) if lengthen else (part.short, part.text)
            for longer in candidates:
                if longer is None or longer.cell_len <= forms[number].cell_len:
                    continue
                trial = [*forms[:number], longer, *forms[number + 1 :]]
                if _join(parts, trial).cell_len <= width:
                    forms = trial
                    break
    line = _join(parts, forms)
    over = line.cell_len - width
    for number, part in enumerate(parts):
        if over > 0 and part.cut and forms[number].cell_len > CUT_TO:
            cut = forms[number].copy()
            cut.truncate(max(cut.cell_len - over, CUT_TO), overflow="ellipsis")
            forms[number] = cut
            line = _join(parts, forms)
            over = line.cell_len - width
    line.truncate(max(width, 0), overflow="ellipsis")
    return line


def _join(parts: Sequence[BarPart], forms: list[Text]) -> Text:
    line = Text(no_wrap=True, overflow="ellipsis", end="")
    # A part after one left out takes that one's separator ('listening on' gone, the
    # address keeps the gap before it rather than its own single space).
    left_out: str | None = None
    for part, form in zip(parts, forms, strict=True):
        if not form.plain:
            left_out = part.separator if left_out is None else left_out
            continue
        if line.plain:
            line.append(part.separator if left_out is None else left_out)
        line.append_text(form)
        left_out = None
    return line


class TopBar(Widget):
    """Static.update would lay out the screen on every count change; this only repaints.

    A notice (`deleted #12 · u to undo`, `12 new · End to follow`) sits at the right end and
    is never cut: when the line is too narrow for both, the status gives way part by part
    (see fit), the way mitmproxy's and posting's status bars do.
    """

    DEFAULT_CSS = """
    TopBar {
        height: 1;
        /* One line cut with an ellipsis: a long word (a URL) is not wrapped out of sight. */
        text-wrap: nowrap;
        text-overflow: ellipsis;
    }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._parts: list[BarPart] = []
        self._notice = Text()

    def show(self, text: Text | Sequence[BarPart], notice: Text | None = None) -> None:
        """Show `text` (or parts that give way in a narrow bar), and `notice` at the right end."""
        self._parts = [BarPart(text)] if isinstance(text, Text) else list(text)
        self._notice = notice or Text()
        self.refresh()

    def render(self) -> Text:
        width = self.content_size.width
        notice = self._notice.copy()
        notice.truncate(width, overflow="ellipsis")
        room = width - notice.cell_len - (GAP if notice.plain else 0)
        if room <= 0:
            return notice
        line = fit(self._parts, room if notice.plain else width)
        if notice.plain:
            line.append(" " * (width - line.cell_len - notice.cell_len))
            line.append_text(notice)
        return line


STYLES = {"answer": "wt.warn", "rejected": "wt.warn", "save": "wt.error", "url-changed": "wt.warn"}
"""Status parts by kind (others bold): what senders get, or got refused, or a public URL
that changed under the providers, stands out."""


def bar_parts(base_url: str, status: Sequence[StatusPart], shown: str = "") -> list[BarPart]:
    """The app's bar: name, what is loading, the address, the session's state, the filter.

    `shown`: 'showing 4 of 5 for ...' while a filter is on (said last of all: the list's
    rows alone do not tell that some are hidden)."""
    parts = [BarPart(Text("whisper-tui", "bold"), Text(), rank=9, keep=False)]
    loading = [part for part in status if part.kind == "loading"]
    for part in loading:
        parts.append(BarPart(Text(part.text, "bold"), Text(part.short, "bold"), 4, separator="  "))
    label = BarPart(Text("listening on"), Text(), rank=8, keep=False, separator="   ")
    parts.append(label if loading else replace(label, separator="  "))
    address = Text(base_url.removeprefix("http://"), "bold underline")
    parts.append(BarPart(Text(base_url, "bold underline"), address, 5, separator=" ", cut=True))
    for part in status:
        if part.kind != "loading":
            style = STYLES.get(part.kind, "bold")
            short = Text(part.short, style)
            # What senders get, and a --save that fails, are never left out.
            keep = part.rank == KEPT or part.kind in ("answer", "save")
            parts.append(BarPart(Text(part.text, style), short, part.rank, keep))
    if shown:
        count = shown.split(" for ", 1)[0].removeprefix("showing ")
        parts.append(BarPart(Text(shown, "bold"), Text(f"filter: {count}", "bold"), rank=1))
    return parts
