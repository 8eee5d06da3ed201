"""The R editor's body: a text box to edit, or, for a big body, a button that loads it.

Textual's TextArea takes the whole text on the loop the capture server shares: a 2.4 MB
body (JSON on one line, as providers send it) took 2.5 s of the loop's CPU to open the
editor, wrapping the line again for every row drawn. Most edits are to the method, the
target or a header; a big body is sent as stored unless it is loaded and changed.
"""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual import events
from textual.binding import Binding, BindingType
from textual.message import Message
from textual.widgets import Button, TextArea
from textual.widgets.text_area import TextAreaTheme

from whisper_tui.core.sanitize import visible_same_width
from whisper_tui.core.sizes import format_size

LOAD_ABOVE = 256 * 1024
"""Characters of body from which the editor opens with the button, not the text box."""
WRAP_UP_TO = 10_000
"""The longest line the body's text box wraps: TextArea wraps a line again whenever one of
its rows is drawn, so a longer one scrolls sideways."""


class SafeTextArea(TextArea):
    """A TextArea that draws control characters as visible marks (the text is unchanged),
    with Ctrl+Home / Ctrl+End to the text's start and end (Shift: selecting), as in every
    editor: Textual's TextArea has neither, and a header typed after Ctrl+End landed at the
    top, run into the first header."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+home", "text_start", "Start of text", show=False),
        Binding("ctrl+end", "text_end", "End of text", show=False),
        Binding("ctrl+shift+home", "text_start(True)", "Select to start", show=False),
        Binding("ctrl+shift+end", "text_end(True)", "Select to end", show=False),
    ]

    def action_text_start(self, select: bool = False) -> None:
        self.move_cursor((0, 0), select=select)

    def action_text_end(self, select: bool = False) -> None:
        self.move_cursor(self.document.end, select=select)

    def get_line(self, line_index: int) -> Text:
        line = super().get_line(line_index)
        line.plain = visible_same_width(line.plain)
        return line


class BodyTextArea(SafeTextArea):
    """The body's code editor in the app theme's own ground and text (as the headers' box),
    JSON coloured as monokai does in a dark theme and github_light does in a light one:
    Textual's code editor is monokai whatever the app's theme, a dark block in a light one,
    its title 2.1:1 there."""

    def on_mount(self) -> None:
        for theme in SYNTAX_THEMES.values():
            self.register_theme(theme)
        self._follow_app_theme()
        self.app.theme_changed_signal.subscribe(self, lambda _theme: self._follow_app_theme())

    def _follow_app_theme(self) -> None:
        self.theme = SYNTAX_THEMES[self.app.current_theme.dark].name


def _syntax_only(name: str, builtin: str) -> TextAreaTheme:
    """`builtin`'s syntax colours, with no ground or text of its own: the CSS's (the app's)."""
    return TextAreaTheme(name, syntax_styles=TextAreaTheme.get_builtin_theme(builtin).syntax_styles)


SYNTAX_THEMES = {
    True: _syntax_only("whisper-dark", "monokai"),
    False: _syntax_only("whisper-light", "github_light"),
}
"""The body's TextArea theme by the app theme's darkness."""


def body_editor(text: str, json: bool, note: str) -> SafeTextArea:
    """The body's text box (id edit-body), titled with `note` (how it was decoded)."""
    longest = max((len(line) for line in text.splitlines()), default=0)
    # Tab moves on to the buttons (as in the headers) instead of indenting.
    body = BodyTextArea.code_editor(
        text,
        id="edit-body",
        language="json" if json else None,
        soft_wrap=longest <= WRAP_UP_TO,
        tab_behavior="focus",
    )
    # Decoded: said, as the bytes sent differ from those shown if it is edited.
    body.border_title = f"Body: {note}" if note else "Body"
    return body


class LoadBody(Button):
    """Stands in for a big body's text box until pressed (Enter): then the text box."""

    class Loaded(Message):
        """The text box is in place: `text`, its text as loaded, is the body as it opened
        (the text box may already hold a key typed after Enter when this is handled)."""

        def __init__(self, editor: SafeTextArea, text: str) -> None:
            self.editor, self.text = editor, text
            super().__init__()

    def __init__(self, text: str, json: bool, note: str) -> None:
        size = format_size(len(text.encode("utf-8", "surrogatepass")))
        super().__init__(
            f"Edit the body ({size}; sent as stored unless edited)", id="edit-body-load"
        )
        self.text, self.json, self.note = text, json, note
        self._loading = False
        self._editor: SafeTextArea | None = None  # once loaded: where keys sent here go

    async def action_press(self) -> None:
        # Enter: the swap is done in the key's own handling (the app's binding awaits the
        # action), so a key typed right after Enter goes to the text box. Button's press()
        # posted Pressed, swapped later in the button's queue: the next key reached the
        # button being removed and was lost.
        await self.load()

    async def _on_click(self, event: events.Click) -> None:
        # Swapped in the click's own handling, not from Button's Pressed, which it posts
        # behind a key typed right after the click (the app hands keys on without waiting
        # for a click): that key reached the button before the swap and was lost.
        event.stop()
        event.prevent_default()  # not Button's press(): its Pressed came too late
        await self.load()

    async def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()  # not the dialog's Send or Cancel
        await self.load()  # press() from elsewhere

    def _on_key(self, event: events.Key) -> None:
        # A key typed right after the click, in this button's queue behind it: on to the
        # text box, in the order typed.
        if self._editor is not None:
            event.stop()
            event.prevent_default()
            self._editor.post_message(events.Key(event.key, event.character))

    async def load(self) -> None:
        """Put the text box in the button's place, focused."""
        if self._loading:
            return
        self._loading = True
        editor = body_editor(self.text, self.json, self.note)
        await self.parent.mount(editor, before=self)
        loaded = editor.text  # before any key can reach it: the keys wait for this handling
        self._editor = editor
        editor.focus()
        editor.post_message(self.Loaded(editor, loaded))
        # Removed once the keys already sent here are passed on (_on_key): behind them in
        # this button's queue. Hidden meanwhile, so the text box takes its place at once.
        self.display = False
        self.call_later(self.remove)


def body_field(text: str, json: bool, note: str) -> SafeTextArea | LoadBody:
    """The text box for `text`, or the button that loads it when it is big."""
    if len(text) > LOAD_ABOVE:
        return LoadBody(text, json, note)
    return body_editor(text, json, note)
