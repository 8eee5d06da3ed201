"""Marks and `d` in the TUI: which two captures the diff shows, and which is which.

A mixin of the app, so the app module stays small; the diff itself is core
(whisper_tui/core/diff/) and the screen is diff_screen.py.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, NamedTuple

from whisper_tui.core.models import CapturedRequest

if TYPE_CHECKING:
    from whisper_tui.core.session import Session
    from whisper_tui.core.store import RequestStore
    from whisper_tui.ui.request_list import RequestList


class DiffPair(NamedTuple):
    """The two captures `d` compares, older first, and how each was chosen ('marked',
    'cursor', 'previous'), for the diff's title."""

    older: CapturedRequest
    newer: CapturedRequest
    roles: tuple[str, str]


def ordered(one: CapturedRequest, other: CapturedRequest, roles: tuple[str, str]) -> DiffPair:
    """`one` and `other` older first (by arrival time, then id), each keeping its role.

    Not by id alone: `--load` numbers a file's captures after those already listed, so an
    earlier arrival can carry the higher id."""
    if (one.received_at, one.id) <= (other.received_at, other.id):
        return DiffPair(one, other, roles)
    return DiffPair(other, one, (roles[1], roles[0]))


class DiffActions:
    """WhisperApp's mark and diff keys (needs the app's list, store, session and notify)."""

    store: RequestStore
    session: Session
    request_list: RequestList
    notify: Any
    push_screen: Any

    def action_mark(self) -> None:
        self.request_list.toggle_mark()

    def action_clear_marks(self) -> None:
        self.request_list.clear_marks()

    def diff_pair(self) -> DiffPair | None:
        """What the user marked: the two marked captures whatever the cursor (the two marked
        last, if more are), or the one marked and the selected one. With none marked (or the
        cursor on the only mark): the selected one and the previous arrival of its delivery,
        else the previous delivery to the same method and path."""
        marked = [
            found
            for marked_id in self.request_list.marked
            if (found := self.store.get(marked_id)) is not None
        ]
        if len(marked) >= 2:
            return ordered(marked[-2], marked[-1], ("marked", "marked"))
        selected = self.request_list.selected
        if selected is None:
            return None
        if marked and marked[0].id != selected.id:
            return ordered(marked[0], selected, ("marked", "cursor"))
        previous = self.session.previous_delivery(selected)
        if previous is None:
            return None
        return ordered(previous, selected, ("previous", "cursor"))

    def action_diff(self) -> None:
        """Diff the two marked captures, the marked one and the selected one, or the selected
        one and its previous delivery."""
        pair = self.diff_pair()
        if pair is None:
            self.notify(
                "Mark a capture with m, or select a retry (an earlier arrival with the same "
                "delivery id) or one with an earlier delivery to the same method and path.",
                title="Nothing to diff",
                severity="warning",
            )
            return
        from whisper_tui.ui.diff_screen import DiffScreen

        verdicts = self.session.verdicts.for_request
        self.push_screen(DiffScreen(pair.older, pair.newer, roles=pair.roles, verdicts=verdicts))
