"""The one-line header: address, counts, modes. Repainted in place, never relaid out."""

from __future__ import annotations

from rich.text import Text
from textual.widget import Widget


class TopBar(Widget):
    """Static.update would lay out the screen on every count change; this only repaints."""

    DEFAULT_CSS = """
    TopBar {
        height: 1;
    }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._text = Text()

    def show(self, text: Text) -> None:
        self._text = text
        self.refresh()

    def render(self) -> Text:
        return self._text
