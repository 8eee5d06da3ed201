"""Shared by the body-view tests."""

from __future__ import annotations

from whisper_tui.core.contentviews import BodyView


def all_lines(view: BodyView) -> list[str]:
    view.lines.advance(10**9)
    return [view.lines[i] for i in range(len(view.lines))]
