"""Replay from the TUI: `r` sends the selected capture again, `R` edits a copy first.

A mixin of the app, so the app module stays small; sending and re-signing are core
(whisper_tui/core/session.py, replay.py).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from whisper_tui.core.models import CapturedRequest
from whisper_tui.core.redaction import shown_url
from whisper_tui.core.sanitize import printable
from whisper_tui.core.session import EditedCopy
from whisper_tui.core.targets import unreachable
from whisper_tui.ui.keys import hint

if TYPE_CHECKING:
    from whisper_tui.core.session import Session
    from whisper_tui.ui.detail import RequestDetail
    from whisper_tui.ui.replay_screens import EditedRequest, EditorSend
    from whisper_tui.ui.request_list import RequestList


class ReplayActions:
    """WhisperApp's replay keys (needs the app's session, list, detail and notify)."""

    replay_url: str | None
    session: Session
    request_list: RequestList
    detail: RequestDetail
    notify: Any
    push_screen: Any
    run_worker: Any

    def action_replay(self) -> None:
        """Send the selected capture again, byte for byte, to the replay target."""
        request = self.request_list.selected
        if request is None:
            self.notify("Nothing to replay yet.", severity="warning")
            return
        self.with_replay_target(lambda url: self._start_replay(request, url))

    def with_replay_target(self, then: Callable[[str], None], *, for_probe: bool = False) -> None:
        """Call `then(url)` with the replay target, asking for it the first time (r, I: the
        question in the words of the one that asked, `for_probe` for I)."""
        if self.replay_url:
            then(self.replay_url)
            return

        def chosen(url: str | None) -> None:
            if url:
                self.replay_url = url
                then(url)

        from whisper_tui.ui.replay_screens import UrlPrompt  # loaded when first asked

        self.push_screen(UrlPrompt(for_probe=for_probe), chosen)

    def action_replay_target(self) -> None:
        """Change where r, R, I and the exports send, the current target in the field to edit
        (a mistyped host is not stuck for the session). Live forwarding keeps --forward."""

        def chosen(url: str | None) -> None:
            if url:
                self.replay_url = url
                keys = sending_keys(self)
                shown = printable(shown_url(url))
                self.notify(f"{keys} and exports now send to {shown}", timeout=3)

        from whisper_tui.ui.replay_screens import UrlPrompt

        self.push_screen(UrlPrompt(current=self.replay_url, changing=True), chosen)

    def _start_replay(
        self, request: CapturedRequest, url: str, edited: EditedCopy | None = None
    ) -> None:
        # One toast a send: its answer replaces 'Replaying…' (R's send showed four at once).
        shown = printable(shown_url(url))
        self.notify(f"Replaying #{request.id} to {shown}…", timeout=2, kind=replay_kind(request))
        self.run_worker(self._replay(request, url, edited), group="replay")

    async def _replay(
        self, request: CapturedRequest, url: str, edited: EditedCopy | None = None
    ) -> None:
        attempt = await self.session.replay(request, url, edited=edited)
        self.detail.refresh_attempts()
        if attempt.error:
            hint = f" ({target_hint(self)})" if unreachable(attempt) else ""
            self.notify(
                printable(attempt.error) + hint,
                title=f"Replay #{request.id} failed",
                severity="error",
                kind=replay_kind(request),
            )
        else:
            latency = f" in {attempt.latency * 1000:.0f} ms" if attempt.latency else ""
            self.notify(
                f"{attempt.status} {printable(attempt.reason)}{latency}",
                title=f"Replayed #{request.id}",
                kind=replay_kind(request),
            )

    def action_edit_replay(self) -> None:
        """Edit a copy of the selected capture (method, URL, headers, body), then send it."""
        request = self.request_list.selected
        if request is None:
            self.notify("Nothing to replay yet.", severity="warning")
            return
        scheme = self.session.signing_scheme(request)

        def prepare(edited: EditedRequest) -> EditedCopy:
            # Raises ValueError with a one-line reason (shown in the editor, nothing sent).
            return self.session.edited_copy(
                request,
                method=edited.method,
                url=edited.url,
                headers=edited.headers,
                body=edited.body,
                changes=edited.changes,
                resign=edited.resign,
            )

        def send(chosen: EditorSend | None) -> None:
            if chosen is None:
                return
            if chosen.target != self.replay_url:  # one target: r, R, I and exports follow
                self.replay_url = chosen.target
                keys = sending_keys(self)
                shown = printable(shown_url(chosen.target))
                self.notify(f"{keys} and exports now send to {shown}", timeout=3)
            self._start_replay(request, chosen.copy.url, chosen.copy)

        from whisper_tui.ui.replay_screens import EditReplayScreen  # loaded when first shown

        screen = EditReplayScreen(
            request, self.replay_url, scheme, prepare, self.session.url_the_receiver_checks
        )
        self.push_screen(screen, send)


def replay_kind(request: CapturedRequest) -> str:
    """The toast kind of a capture's send: 'Replaying #2…', then its answer in its place."""
    return f"replay #{request.id}"


def target_hint(app: object = None) -> str:
    """'T changes the replay target': the key in effect in `app` (a keymap may move it)."""
    return hint(app, "{replay_target} changes the replay target")


def sending_keys(app: object) -> str:
    """'r, R, I': the keys in effect in `app` of the actions that share the replay target
    (R's editor starts at it and a send from there moves it; 'r, I' left R out)."""
    return hint(app, "{replay}, {edit_replay}, {probe}")
