"""Ctrl+C: quit like `q`, from any screen or dialog, unless a text field has a selection to copy.

Textual binds Ctrl+C to a toast saying which key quits; a terminal user presses Ctrl+C to quit.
"""

from __future__ import annotations

from textual.app import App
from textual.widgets import Input


def quit_or_copy(app: App[object]) -> None:
    """Copy the focused field's selection (or the screen's) if there is one; otherwise quit."""
    from textual.widgets import TextArea  # a module of its own, loaded when first needed

    focused = app.focused
    selection = focused.selected_text if isinstance(focused, Input | TextArea) else ""
    selection = selection or app.screen.get_selected_text() or ""
    if selection:
        app.copy_to_clipboard(selection)
        return
    app.exit()
