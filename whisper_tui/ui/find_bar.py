"""Find inside the selected capture: the matches of a query (counted a slice at a time, so a
5 MB body never blocks the loop) and the one-line bar under the detail that edits it.
"""

from __future__ import annotations

import re
import time
from collections.abc import Sequence
from typing import TYPE_CHECKING

from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Input, Static

from whisper_tui.core.contentviews import Lines
from whisper_tui.core.sanitize import ControlPictures, printable
from whisper_tui.ui.action_bindings import bindings_for

if TYPE_CHECKING:
    from whisper_tui.ui.detail import RequestDetail

MAX_MATCHES = 100_000
"""Matches kept for Enter / N; past this the count says '100,000+'."""

# Named styles (palette.py): the theme's warning and error hues, text readable on them.
MATCH_STYLE = "wt.match"
CURRENT_MATCH_STYLE = "wt.match.current"

Match = tuple[int, int, int]
"""(line in the document, start, end): offsets in the line as displayed."""


class BodyFind:
    """Every case-insensitive match of `query` in the head lines, then the body lines.

    Head matches are found at once (a few dozen lines); body lines are searched by
    `advance()` in time slices, as far as they have loaded.
    """

    def __init__(self, query: str, head: Sequence[str], body: Lines | None) -> None:
        self.query = query
        self.pattern = re.compile(re.escape(query), re.IGNORECASE)
        self.body = body
        self._head_matches: list[Match] = []
        self._body_matches: list[tuple[int, int, int]] = []
        """(body line, start, end)."""
        self.head_size = 0
        self.searched = 0
        """Body lines searched so far."""
        self.current: int | None = None
        """Index of the current match in `matches`, once the user has moved to one."""
        self.wanted: int | None = None
        """A step (Enter, n: 1; N: -1) asked for before any match was found: taken as soon
        as the search finds one (the bar said "searching…", and Enter did nothing)."""
        self.set_head(head)

    def set_head(self, head: Sequence[str]) -> None:
        """The head changed (rewrapped, an attempt arrived): search it again."""
        self.head_size = len(head)
        self._head_matches = [
            (index, start, end)
            for index, line in enumerate(head)
            for start, end in self.spans(line)
        ]

    def spans(self, displayed: str) -> list[tuple[int, int]]:
        """(start, end) of each match in one displayed line."""
        return [match.span() for match in self.pattern.finditer(displayed)]

    def highlight(self, index: int, text: Text) -> Text:
        """Document line `index` as displayed, its matches marked (the current one apart)."""
        spans = self.spans(text.plain)
        if not spans:
            return text
        current = self.match(self.current) if self.current is not None else None
        text = text.copy()
        for start, end in spans:
            is_current = current == (index, start, end)
            text.stylize(CURRENT_MATCH_STYLE if is_current else MATCH_STYLE, start, end)
        return text

    @property
    def done(self) -> bool:
        """Every body line searched (and none will load any more), or the cap reached."""
        body = self.body
        full = len(self._body_matches) >= MAX_MATCHES
        return full or body is None or (body.complete and self.searched >= len(body))

    def advance(self, budget: float) -> bool:
        """Search loaded body lines for about `budget` seconds; True when done."""
        body = self.body
        if body is None:
            return True
        deadline = time.perf_counter() + budget
        search, found = self.pattern.search, self._body_matches
        while self.searched < len(body) and len(found) < MAX_MATCHES:
            end = min(len(body), self.searched + 512)
            for index in range(self.searched, end):
                line = body[index]
                # The raw line first (fast, in C); positions from the displayed form.
                if search(line):
                    found.extend((index, s, e) for s, e in self.spans(printable(line)))
            self.searched = end
            if time.perf_counter() > deadline:
                break
        del found[MAX_MATCHES:]
        return self.done

    @property
    def count(self) -> int:
        return len(self._head_matches) + len(self._body_matches)

    def match(self, number: int) -> Match:
        """The match `number` (0 first) as (document line, start, end)."""
        if number < len(self._head_matches):
            return self._head_matches[number]
        line, start, end = self._body_matches[number - len(self._head_matches)]
        return line + self.head_size, start, end

    def step(self, direction: int) -> Match | None:
        """Move to the next (1) or previous (-1) match, wrapping around; None if none."""
        if not self.count:
            return None
        if self.current is None:
            self.current = 0 if direction > 0 else self.count - 1
        else:
            self.current = (self.current + direction) % self.count
        return self.match(self.current)

    def status(self) -> str:
        """'match 1 of 3', '3 matches', 'no match', with '…' while still counting."""
        if not self.query:
            return ""
        more = "" if self.done else "…"
        if len(self._body_matches) >= MAX_MATCHES:
            more = "+"
        if not self.count:
            return f"searching… {self.searched:,} lines" if more == "…" else "no match"
        total = f"{self.count:,}{more}"
        if self.current is None:
            return f"{total} match{'es' if self.count != 1 or more else ''}"
        return f"match {self.current + 1:,} of {total}"


class FindBar(Horizontal):
    """'find: [query]  match 1 of 3', under the detail. Enter goes to the next match and
    back to the detail (n / Enter next, N previous there); Esc closes."""

    DEFAULT_CSS = """
    FindBar {
        height: 1;
        dock: bottom;
        background: $panel;
        padding: 0 1;
    }
    FindBar > #find-label { width: auto; color: $text-muted; }
    FindBar > Input { width: 1fr; }
    FindBar > #find-status { width: auto; min-width: 10; padding-left: 1; }
    """

    BINDINGS = bindings_for("find_bar")

    def __init__(self, detail: RequestDetail) -> None:
        super().__init__(id="find-bar")
        self.detail = detail

    def compose(self) -> ComposeResult:
        yield Static("find: ", id="find-label")
        yield Input(
            placeholder="text in this request (any case)",
            compact=True,
            id="find-input",
            select_on_focus=False,  # selected, the next key replaced the query
            highlighter=ControlPictures(),  # type: ignore[arg-type]
        )
        yield Static(id="find-status")

    @property
    def input(self) -> Input:
        return self.query_one("#find-input", Input)

    def open(self) -> None:
        """Show the bar with the cursor in the query."""
        self.display = True
        # Focused now, not after a refresh: keys typed right after `f` follow (typeahead.py).
        self.screen.set_focus(self.input)

    def show_status(self, text: str) -> None:
        self.query_one("#find-status", Static).update(Text(text, "bold" if text else ""))

    def on_input_changed(self, event: Input.Changed) -> None:
        event.stop()  # the app's filter listens for Input.Changed too
        self.detail.find(event.value)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.detail.action_find_step(1)
        self.detail.focus()

    def on_key(self, event: events.Key) -> None:
        # Up and down leave the query for the detail, as Enter does, without moving.
        if event.key in ("up", "down"):
            event.stop()
            self.detail.focus()

    def action_close(self) -> None:
        self.detail.action_close_find()
