"""The idempotency probe from the TUI: `I` asks how many sends, sends, then shows the answers.

A mixin of the app (like replay_actions) and the small dialog asking N. Sending, comparing
and the verdict are core (whisper_tui/core/probe.py); the answers are shown side by side in
the diff screen.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, Static

from whisper_tui.core.models import CapturedRequest
from whisper_tui.core.probe import DEFAULT_TIMES, MAX_TIMES, parse_times
from whisper_tui.core.redaction import shown_url
from whisper_tui.core.sanitize import printable
from whisper_tui.ui.action_bindings import bindings_for
from whisper_tui.ui.keys import hint

if TYPE_CHECKING:
    from whisper_tui.core.session import Session
    from whisper_tui.ui.detail import RequestDetail
    from whisper_tui.ui.request_list import RequestList


def _passed_on(character: str | None) -> bool:
    """A mark the count can never hold (`?`): it goes on to the dialog's bindings. Letters
    stay the field's, as in any text field (q types, refused, rather than cancelling)."""
    return character is not None and not character.isalnum() and character not in "+-"


class CountField(Input):
    """The count: `?` opens the help here too (an integer field dropped it: nothing)."""

    def check_consume_key(self, key: str, character: str | None) -> bool:
        return super().check_consume_key(key, character) and not _passed_on(character)

    async def _on_key(self, event: events.Key) -> None:
        if event.is_printable and _passed_on(event.character):
            event.prevent_default()  # not Input's: it bubbles on to the bindings


class ProbePrompt(ModalScreen[int | None]):
    """How many times to send the capture (default 2); Enter sends, Esc cancels."""

    BINDINGS = bindings_for("probe_prompt")

    def __init__(self, request_id: int, url: str) -> None:
        super().__init__()
        self.request_id = request_id
        self.url = url

    def compose(self) -> ComposeResult:
        with Vertical(id="probe-box", classes="modal-box") as box:
            box.border_title = "Idempotency probe"
            label = Text(f"Send capture #{self.request_id} to ")
            label.append(printable(shown_url(self.url)), "bold")  # a password masked
            label.append(" how many times?")
            yield Label(label)
            yield CountField(value=str(DEFAULT_TIMES), id="probe-times", type="integer")
            yield Static(id="probe-error", classes="error")
            yield Static(
                f"2 to {MAX_TIMES}, one after another, same id and bytes. "
                + hint(self.app, "Enter sends, {probe_cancel} cancels."),
                classes="hint",
            )

    def on_input_submitted(self, event: Input.Submitted) -> None:
        try:
            times = parse_times(event.value)
        except ValueError as bad:
            self.query_one("#probe-error", Static).update(Text(str(bad)))
            return
        self.dismiss(times)

    def action_cancel(self) -> None:
        self.dismiss(None)


class ProbeActions:
    """WhisperApp's probe key (needs the app's session, list, detail, replay target, notify)."""

    replay_url: str | None
    session: Session
    request_list: RequestList
    detail: RequestDetail
    notify: Any
    push_screen: Any
    run_worker: Any
    with_replay_target: Any  # ReplayActions': asks the target once, as `r` does

    def action_probe(self) -> None:
        """Ask the replay target (once) and N, then probe the selected capture."""
        request = self.request_list.selected
        if request is None:
            self.notify("Nothing to probe yet.", severity="warning")
            return
        self.with_replay_target(lambda url: self._ask_times(request, url), for_probe=True)

    def _ask_times(self, request: CapturedRequest, url: str) -> None:
        def chosen(times: int | None) -> None:
            if times is not None:
                shown = printable(shown_url(url))
                self.notify(f"Sending #{request.id} {times} times to {shown}…", timeout=2)
                self.run_worker(self._probe(request, url, times), group="probe", exclusive=True)

        self.push_screen(ProbePrompt(request.id, url), chosen)

    async def _probe(self, request: CapturedRequest, url: str, times: int) -> None:
        # The probe (it diffs) and the diff screen load when first used, not at start.
        from whisper_tui.core.probe import probe
        from whisper_tui.ui.diff_screen import DiffScreen

        try:
            result = await probe(self.session, request, url, times)
        except ValueError as problem:
            self.notify(printable(str(problem)), title="Probe not sent", severity="error")
            return
        self.detail.refresh_attempts()
        if result.verdict == "failed":
            self.notify(printable(result.summary()), title=f"Probe #{request.id}", severity="error")
            return
        self.notify(
            printable(result.summary()),
            title=f"Probe #{request.id}",
            severity="information" if result.verdict == "agree" else "warning",
        )
        self.push_screen(DiffScreen.of_probe(result))
