"""What a body view is (ContentView) and what it draws (BodyView)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from whisper_tui.core.contentviews.decoding import DecodedBody
from whisper_tui.core.contentviews.lines import Lines


@dataclass
class BodyView:
    """What the detail pane shows for a body: lines, how to highlight them, and caveats."""

    kind: str
    """The name of the view that drew it ('empty', 'json', 'form', 'xml', 'text',
    'multipart', 'hex', or a registered view's), or 'text' for JSON shown as sent."""
    lines: Lines
    lexer: str | None = None
    """A pygments lexer alias for the lines, or None for plain text."""
    notes: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class ContentView:
    """One way to show a body: how well it fits a body, and how it draws it.

    fit returns a score, 0 when the view cannot show the body; the registered view with
    the highest score draws it (on a tie, the one registered first). render may still
    decline with None (JSON that does not parse), and the next best view draws it.
    """

    name: str
    fit: Callable[[DecodedBody], float]
    render: Callable[[DecodedBody], BodyView | None]


def drawn(
    body: DecodedBody, kind: str, lines: Lines, lexer: str | None = None, *notes: str
) -> BodyView:
    """A BodyView carrying the decoding notes of `body` followed by the view's own."""
    return BodyView(kind, lines, lexer, [*body.notes, *notes])
