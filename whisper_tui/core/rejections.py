"""Requests the HTTP parser refused before they could become captures.

A sender whose request breaks HTTP (a control byte in a header value, a bad chunk size, a
request line that is not HTTP at all) gets aiohttp's `400 Bad Request` and never reaches the
capture handler, so nothing would show up in the list: the user is left asking whether the
webhook arrived at all. Each refusal is remembered here (when, from where, the status sent
and the parser's reason) so the TUI and headless mode can say so. The bytes themselves are
gone by then (the parser consumed them); the reason usually names the offending part.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable
from dataclasses import dataclass

from whisper_tui.core.sanitize import printable

KEEP = 100
"""Refusals remembered in full; the total counts them all."""
REASON_AT_MOST = 160
"""Characters of the parser's reason shown (it can quote a whole request line)."""


@dataclass(frozen=True, slots=True)
class Rejection:
    """One request refused before capture. `reason` is the parser's text: it may quote the
    sender's bytes, so it is data (sanitize before display)."""

    at: float
    peer: str
    status: int
    reason: str
    internal: bool = False
    """True when whisper-tui itself failed on the request (an exception in its handler: a bug
    of ours, its traceback logged), not the sender's bytes: it must not be told as a refusal."""

    def cause(self) -> str:
        """Who turned the request away, for the line or toast that tells of it."""
        if self.internal:
            return "an error inside whisper-tui, not the sender's doing: please report it"
        return "refused by the HTTP parser"

    def describe(self) -> str:
        """`400 from 127.0.0.1:51234: Invalid header value char`, safe to print."""
        # aiohttp's reasons run over lines (the reason, the offending bytes, a caret).
        reason = printable(" ".join(self.reason.split()))
        if len(reason) > REASON_AT_MOST:
            reason = reason[: REASON_AT_MOST - 1] + "…"
        return f"{self.status} from {printable(self.peer) or 'unknown peer'}: {reason}"


Listener = Callable[[Rejection], None]


class Rejections:
    """The last KEEP refusals and the count of all of them, with listeners told of each."""

    def __init__(self, keep: int = KEEP) -> None:
        self.recent: deque[Rejection] = deque(maxlen=keep)
        self.total = 0
        self._listeners: list[Listener] = []

    def add(self, rejection: Rejection) -> None:
        self.recent.append(rejection)
        self.total += 1
        for listener in list(self._listeners):
            listener(rejection)

    def subscribe(self, listener: Listener) -> None:
        self._listeners.append(listener)

    def unsubscribe(self, listener: Listener) -> None:
        if listener in self._listeners:
            self._listeners.remove(listener)

    @property
    def last(self) -> Rejection | None:
        return self.recent[-1] if self.recent else None
