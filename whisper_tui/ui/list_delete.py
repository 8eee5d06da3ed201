"""x, X and u in the list: delete the selected capture or every one, undo the last delete
(one level), and the top bar's notice of what was done ('deleted #12 · u to undo'). The list's
side (DeleteAndUndo) and the app's actions for the keys (DeleteActions).

The store keeps what a delete took (`Removed`) until undone or replaced by the next delete.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any

from whisper_tui.core.models import CapturedRequest
from whisper_tui.core.store import Removed
from whisper_tui.ui.keys import hint

if TYPE_CHECKING:
    from whisper_tui.ui.request_list import RequestList

NOTICE_SECONDS = 20.0
"""How long 'deleted #12 · u to undo' stays in the top bar (undo works until the next delete)."""


UNDO_HINT = "{undo_delete} to undo"
"""Ends a delete's notice, with undo's key in effect ('u to undo' by default)."""


class DeleteAndUndo:
    """Mixed into RequestList: deleting, undoing, and the notice saying so."""

    @property
    def current_notice(self: RequestList) -> str:
        """The last delete's or undo's notice while it is fresh, else ''."""
        if self.notice and time.monotonic() - self._notice_at > NOTICE_SECONDS:
            self.notice = ""
        return self.notice

    def delete_selected(self: RequestList) -> CapturedRequest | None:
        """Delete the selected capture (the cursor moves to the next); `undo` brings it back."""
        request = self.selected
        if request is None:
            return None
        removed = self.store.remove(request.id)
        if removed is None:
            return None
        self._remember(removed, f"deleted #{request.id}")
        return request

    def delete_all(self: RequestList) -> int:
        """Delete every capture; `undo` brings them all back. Returns how many."""
        removed = self.store.remove_all()
        count = len(removed.requests)
        if count:
            plural = "s" if count != 1 else ""
            self._remember(removed, f"cleared {count:,} capture{plural}")
        return count

    def undo(self: RequestList) -> int:
        """Put back what the last delete took (one level). Returns how many came back."""
        removed, self._undo = self._undo, None
        if removed is None:
            return 0
        self.store.restore(removed)
        self.sync()
        count = len(removed.requests)
        if count == 1:
            self._set_notice(f"restored #{removed.requests[0].id}")
            self._select_restored(removed.requests[0].id)
        else:
            self._set_notice(f"restored {count:,} captures")
        return count

    def _select_restored(self: RequestList, request_id: int) -> None:
        """Put the cursor on a capture just put back, if the view shows it."""
        view = self.view
        if not len(view) or not self.store.edits:
            return
        position = view.position_of(self.store.edits[-1].absolute)
        if view[position].id == request_id:
            self._move_to(position)

    def _remember(self: RequestList, removed: Removed, done: str) -> None:
        """Keep what a delete took for `u`; the notice says what was `done` and how to undo."""
        self._undo = removed
        self._set_notice(f"{done} · {hint(self.app, UNDO_HINT)}")
        self.sync()

    def _set_notice(self: RequestList, notice: str) -> None:
        self.notice = notice
        self._notice_at = time.monotonic()


class DeleteActions:
    """WhisperApp's x, X and u (needs the app's list, refresh and notify)."""

    request_list: RequestList
    refresh_from_store: Any
    notify: Any

    def action_delete(self) -> None:
        """Delete the selected capture (u brings it back)."""
        if self.request_list.delete_selected() is not None:
            self.refresh_from_store()

    def action_delete_all(self) -> None:
        """Delete every capture, without asking: u brings them all back."""
        if self.request_list.delete_all():
            self.refresh_from_store()

    def action_undo_delete(self) -> None:
        """Put back what the last delete or clear took."""
        if not self.request_list.undo():
            self.notify("Nothing to undo.", severity="warning", timeout=2)
            return
        # Too many put back to test on the loop: the refresh runs the filter in its worker.
        self.refresh_from_store()
