"""The session's state as parts of a status line, each with a short form and a rank.

A narrow status line (the TUI's top bar at 80 columns) gives up the least important parts
first, the way mitmproxy's and posting's bars do: each part's short form, then the part;
what changes what senders get (the answer mode, a save that fails) goes last.
"""

from __future__ import annotations

from dataclasses import dataclass

KEPT = 0
"""The rank of a part never given up (it is cut, with an ellipsis, only when alone)."""


@dataclass(frozen=True, slots=True)
class StatusPart:
    """One thing the status line says."""

    text: str
    short: str
    """What is said where `text` does not fit ('' to say nothing)."""
    rank: int
    """Higher ranks give way first; KEPT never does."""
    kind: str
    """What it is ('count', 'loading', 'tunnel', 'url-changed', 'forward', 'answer', 'save'),
    for styling."""


def join(parts: list[StatusPart]) -> str:
    """The parts in full on one line."""
    return "   ".join(part.text for part in parts if part.text)
