"""Quitting: Ctrl+C quits like `q`, from any screen or dialog, unless a text field has a
selection to copy; and no quit key throws away the edit-and-replay editor's unsent edits
without asking once.

Textual binds Ctrl+C to a toast saying which key quits; a terminal user presses Ctrl+C to quit.
But in a text field, Ctrl+C is also what people press out of habit (to copy, or to get out of
the field), and the edits of `R` live only in its dialog: a screen holding unsent work
answers `confirm_quit()`, which warns on the first press (the next quit key quits) and lets
every other quit through. Nothing else delays a quit: q and Ctrl+C still end the app from
everywhere, a second press from the editor.

And the app's screen goes with it: the alternate screen is cleared before it is left (see
`clearing_on_exit`).
"""

from __future__ import annotations

from typing import Protocol, runtime_checkable

from textual.app import App
from textual.driver import Driver
from textual.widgets import Input

from whisper_tui.ui.clipboard import PICTURES_NOTE, copied_with_pictures, copy_doubt


@runtime_checkable
class HoldsUnsentWork(Protocol):
    """A screen whose contents a quit would lose (the edit-and-replay dialog)."""

    def confirm_quit(self) -> bool:
        """True to quit now; False after saying what would be lost (the next quit goes)."""
        ...


CLEAR = "\x1b[H\x1b[2J"


def clearing_on_exit(driver: type[Driver]) -> type[Driver]:
    """`driver` clearing the alternate screen before it leaves it (quitting, or Ctrl+Z).

    tmux (3.3a here; tmux/tmux#2536, #3510) keeps the rows a pane grew by while a program
    was on the alternate screen, and shows them on the normal screen once it is left: resized
    80x24 -> 100x30 and quit, six rows of the app's last frame stayed above the prompt. The
    alternate screen's content is thrown away on leaving it anyway, so clearing it first
    costs nothing on any terminal.
    """

    class Clearing(driver):  # type: ignore[valid-type,misc]
        def stop_application_mode(self) -> None:
            self.write(CLEAR)
            super().stop_application_mode()

    Clearing.__name__ = Clearing.__qualname__ = f"Clearing{driver.__name__}"
    return Clearing


def quit_app(app: App[object]) -> None:
    """Quit, unless a screen holds unsent work and has just said so instead.

    Every screen on the stack is asked, not only the top one: Ctrl+C is also how people
    close the command palette, and with the palette opened over the editor a quit key went
    straight through. The screens above the one that asks (the palette) close, so its
    warning shows.
    """
    stack = app.screen_stack
    for above, screen in enumerate(reversed(stack)):
        if isinstance(screen, HoldsUnsentWork) and not screen.confirm_quit():
            for _ in range(above):
                app.pop_screen()
            return
    app.exit()


def quit_or_copy(app: App[object]) -> None:
    """Copy the focused field's selection (or the screen's) if there is one; otherwise quit."""
    from textual.widgets import TextArea  # a module of its own, loaded when first needed

    focused = app.focused
    selection = focused.selected_text if isinstance(focused, Input | TextArea) else ""
    selection = selection or app.screen.get_selected_text() or ""
    if selection:
        app.copy_to_clipboard(selection)  # the app's guard draws terminal controls as pictures
        # Said when the guard put pictures there (as y says it), or when tmux drops OSC 52.
        doubt = copy_doubt(app)
        said = "sent the selection to the terminal (OSC 52)" if doubt else "copied the selection"
        pictures = copied_with_pictures(selection)
        if pictures:
            said += f", {PICTURES_NOTE}"
        if doubt or pictures:
            app.notify(f"{said}, but {doubt}" if doubt else said, timeout=4, markup=False)
        return
    quit_app(app)
