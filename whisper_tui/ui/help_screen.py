"""The `?` screen: every key, grouped by where it works."""

from __future__ import annotations

from rich.table import Table
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from whisper_tui.ui.keys import KEYS


def keys_table() -> Table:
    table = Table(box=None, show_header=False, padding=(0, 2, 0, 0))
    table.add_column(style="bold")
    table.add_column(style="bold cyan", no_wrap=True)
    table.add_column()
    previous = None
    for context, keys, meaning in KEYS:
        if previous is not None and context != previous:
            table.add_row("", "", "")
        table.add_row(context if context != previous else "", keys, meaning)
        previous = context
    return table


class HelpScreen(ModalScreen[None]):
    """Key reference; any of Esc, q or ? closes it."""

    BINDINGS = [
        Binding("escape,q,question_mark", "dismiss", "Close", show=True),
    ]

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help-box"):
            yield Static("whisper-tui keys", id="help-title")
            yield Static(keys_table())
            yield Static("Esc, q or ? closes this screen.", id="help-hint")

    def action_dismiss(self) -> None:  # type: ignore[override]
        self.dismiss(None)
