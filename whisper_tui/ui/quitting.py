"""Quitting: Ctrl+C quits like `q`, from any screen or dialog, unless a text field has a
selection to copy; and no quit key throws away the edit-and-replay editor's unsent edits
without asking once.

Textual binds Ctrl+C to a toast saying which key quits; a terminal user presses Ctrl+C to quit.
But in a text field, Ctrl+C is also what people press out of habit (to copy, or to get out of
the field), and the edits of `R` live only in its dialog: a screen holding unsent work
answers `confirm_quit()`, which warns on the first press (the next quit key quits) and lets
every other quit through. Nothing else delays a quit: q and Ctrl+C still end the app from
everywhere, a second press from the editor.
"""

from __future__ import annotations

from typing import Protocol, runtime_checkable

from textual.app import App
from textual.widgets import Input


@runtime_checkable
class HoldsUnsentWork(Protocol):
    """A screen whose contents a quit would lose (the edit-and-replay dialog)."""

    def confirm_quit(self) -> bool:
        """True to quit now; False after saying what would be lost (the next quit goes)."""
        ...


def quit_app(app: App[object]) -> None:
    """Quit, unless the screen holds unsent work and has just said so instead."""
    screen = app.screen
    if isinstance(screen, HoldsUnsentWork) and not screen.confirm_quit():
        return
    app.exit()


def quit_or_copy(app: App[object]) -> None:
    """Copy the focused field's selection (or the screen's) if there is one; otherwise quit."""
    from textual.widgets import TextArea  # a module of its own, loaded when first needed

    focused = app.focused
    selection = focused.selected_text if isinstance(focused, Input | TextArea) else ""
    selection = selection or app.screen.get_selected_text() or ""
    if selection:
        app.copy_to_clipboard(selection)
        return
    quit_app(app)
