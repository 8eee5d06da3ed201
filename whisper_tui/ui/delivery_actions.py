"""`[` and `]`: from one arrival of a delivery to the previous or next one (its retries).

A mixin of the app, so the app module stays small; which captures are arrivals of one
delivery is core (whisper_tui/core/deliveries.py, kept by the store).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from whisper_tui.core.sanitize import printable
from whisper_tui.ui.delivery_lines import short_id
from whisper_tui.ui.keys import hint

if TYPE_CHECKING:
    from whisper_tui.core.session import Session
    from whisper_tui.ui.request_list import RequestList


class DeliveryActions:
    """WhisperApp's walk through a delivery's arrivals (needs the app's list and session)."""

    session: Session
    request_list: RequestList
    notify: Any

    def action_previous_arrival(self) -> None:
        """Select the previous arrival of the selected capture's delivery."""
        self.step_arrival(-1)

    def action_next_arrival(self) -> None:
        """Select the next arrival of the selected capture's delivery."""
        self.step_arrival(1)

    def step_arrival(self, direction: int) -> bool:
        """Move the cursor to the previous (-1) or next (1) kept arrival of the selected
        capture's delivery; says why not when it can't (no id, no other arrival, filtered
        out). Returns whether it moved."""
        selected = self.request_list.selected
        if selected is None:
            return False
        delivery = self.session.delivery(selected)
        if delivery is None:
            self.notify(
                f"#{selected.id} carries no delivery id (X-GitHub-Delivery, webhook-id, a"
                " Stripe event id, Idempotency-Key...)",
                title="Not a known delivery",
                severity="warning",
                timeout=4,
            )
            return False
        target = delivery.beside(direction)
        if target is None:
            which = "first" if direction < 0 else "last"
            kept = "" if delivery.kept == delivery.times else " kept"
            times = "once" if delivery.times == 1 else f"{delivery.times:,} times"
            self.notify(
                f"#{selected.id} is the {which} arrival{kept} of delivery"
                f" {short_id(printable(delivery.id))} ({times})",
                title="No other arrival",
                timeout=3,
            )
            return False
        if not self.request_list.select(target):
            which = "previous" if direction < 0 else "next"
            self.notify(
                f"#{target}, the {which} arrival, is hidden by the filter"
                + hint(self, " ({clear_filter} clears it)"),
                title="Filtered out",
                severity="warning",
                timeout=4,
            )
            return False
        return True
