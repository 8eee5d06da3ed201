"""The `?` screen: every key in effect (after any [keymap] remaps), grouped by where it works."""

from __future__ import annotations

from collections.abc import Mapping

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Static

from whisper_tui.ui.action_bindings import bindings_for
from whisper_tui.ui.action_registry import get_action
from whisper_tui.ui.keymap import active_keymap, keys_in_effect
from whisper_tui.ui.keys import display_key, help_rows
from whisper_tui.ui.scrolling import KeyScroll


def keys_table(keymap: Mapping[str, str], first: str | None = None) -> Table:
    """Every action's row: section, keys in effect, what they do; section `first` (the
    screen's own, 'Diff') on top."""
    table = Table(box=None, show_header=False, padding=(0, 2, 0, 0))
    table.add_column(style="bold")
    table.add_column(no_wrap=True)
    table.add_column()
    previous = None
    rows = help_rows(keymap)
    rows.sort(key=lambda row: row.section != first)  # stable: the rest keep their order
    for row in rows:
        if previous is not None and row.section != previous:
            table.add_row("", "", "")
        # Keys in a named style (palette.py) on Text, which any console can draw.
        keys = Text(row.keys, style="wt.key")
        table.add_row(row.section if row.section != previous else "", keys, row.text)
        previous = row.section
    return table


def closing_hint(keymap: Mapping[str, str]) -> str:
    """The hint "Esc, q or ? closes this screen.", naming the keys in effect."""
    keys = [display_key(key) for key in keys_in_effect(get_action("help_close"), keymap)]
    listed = ", ".join(keys[:-1]) + " or " + keys[-1] if len(keys) > 1 else keys[0]
    return f"{listed} closes this screen."


class HelpScreen(ModalScreen[None]):
    """Key reference; its close keys (Esc, q or ?) close it."""

    BINDINGS = bindings_for("help_screen")

    def __init__(self, first: str | None = None) -> None:
        super().__init__()
        self.first = first  # the section listed first: the screen's it was opened on

    def compose(self) -> ComposeResult:
        keymap = active_keymap(self.app)
        # The table scrolls (↑ ↓ j k PgUp PgDn g G) inside the box; the closing hint stays below it.
        with Vertical(id="help-box") as box:
            box.border_title = "whisper-tui keys"
            with KeyScroll(id="help-keys"):
                yield Static(keys_table(keymap, self.first))
            yield Static(closing_hint(keymap), id="help-hint")

    def action_dismiss(self) -> None:  # type: ignore[override]
        self.dismiss(None)
