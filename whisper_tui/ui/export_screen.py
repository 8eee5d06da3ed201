"""`e`: export the selected capture (or the filtered set, or all) in any registered export format
(curl, HTTPie, pytest, raw HTTP, JSON, HAR, ...: `core/export/`), to the clipboard (OSC 52:
works over SSH and in tmux) or to a file."""

from __future__ import annotations

import os
from collections.abc import Callable

from textual import events, work
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Button, Input, RadioButton, RadioSet, Static

from whisper_tui.core.delivery_index import DeliveryIndex
from whisper_tui.core.export import ExportFormat, formats
from whisper_tui.core.har import DeliveriesFor
from whisper_tui.core.models import Attempt, CapturedRequest
from whisper_tui.core.redaction import shown_text, shown_url
from whisper_tui.core.sanitize import printable
from whisper_tui.core.sizes import byte_count
from whisper_tui.ui.action_bindings import bindings_for
from whisper_tui.ui.clipboard import PICTURES_NOTE, copied, copied_with_pictures
from whisper_tui.ui.keys import hint
from whisper_tui.ui.scrolling import KeyScroll

PREVIEW_LINES = 200
PREVIEW_LINE_CHARS = 400
"""The preview shows this much of each line, then `… (+N chars)`: the output keeps it all."""
COMPACT_BELOW = 80
"""Screens narrower than this get the short button labels."""
Scope = tuple[str, Callable[[], list[CapturedRequest]]]


class Choice(RadioButton):
    """A radio button whose dot is drawn only while it is chosen: which one is on reads without
    colour (NO_COLOR, 16 colours, colour-blind readers); Textual tells the dots apart by hue
    and faintness only."""

    def render(self) -> Content:
        self.BUTTON_INNER = "●" if self.value else " "
        return super().render()


class ChoiceSet(RadioSet):
    """A RadioSet whose keyboard highlight starts on the chosen button: Textual's starts on
    the first, so a dialog reopened on HTTPie had its highlight on curl, and Up Enter (meant
    for curl, one above) wrapped to the last format and chose it."""

    def on_mount(self) -> None:
        # RadioSet's own mount handler (run after this one) highlights the first button.
        self.call_next(self._highlight_chosen)

    def _highlight_chosen(self) -> None:
        if self.pressed_index >= 0:
            self._selected = self.pressed_index


class ExportScreen(ModalScreen[None]):
    """Pick a format and a scope, see a preview, then copy or save."""

    BINDINGS = bindings_for("export_screen")
    TOASTS_CLEAR_OF = ("#export-save", "#export-status")  # toasts.py: they go above these

    def __init__(
        self,
        scopes: list[Scope],
        base_url: str,
        attempts_for: Callable[[int], list[Attempt]],
        deliveries: DeliveryIndex | None = None,
        replay_url: str | None = None,
        remembered: dict[str, str] | None = None,
    ) -> None:
        """`remembered`: the app's memory for this session, where the format last chosen is
        kept ('format'): the dialog reopens on it, not on curl each time."""
        super().__init__()
        self.scopes = scopes
        self.base_url = base_url
        self.replay_url = replay_url
        """Where replays go, when set: offered (and chosen) as the URL commands send to, the
        way a user re-sends a capture to their app; whisper-tui's own URL stays the other choice."""
        self.target_url = replay_url or base_url
        self.attempts_for = attempts_for
        self.deliveries = deliveries
        """The store's delivery index: a HAR export numbers arrivals as the list's `↻n` does."""
        # The formats registered when the dialog opens, in dialog order; the one last chosen
        # this session is chosen (while it is still registered), else the first.
        self.formats: tuple[ExportFormat, ...] = formats()
        self.remembered = remembered if remembered is not None else {}
        keys = [export_format.key for export_format in self.formats]
        last = self.remembered.get("format")
        self.format = last if last in keys else keys[0]
        self.scope_index = 0
        self.output: bytes | None = None
        self.nothing = ""
        """Said when the scope chosen holds no capture (a filter matching none): nothing is
        copied or saved then."""
        self.directory = os.getcwd()
        """Where the default file name points (set on mount from --save)."""

    def compose(self) -> ComposeResult:
        # Compact at 80x24: the title sits in the border, the preview takes what is left (and
        # scrolls), so the file name, the buttons and the result line always stay in view.
        with Vertical(id="export-box", classes="modal-box") as box:
            box.border_title = "Export"
            with Horizontal(id="export-choices"):
                with ChoiceSet(id="export-format"):
                    for export_format in self.formats:
                        chosen = export_format.key == self.format
                        yield Choice(export_format.label, value=chosen, name=export_format.key)
                with Vertical(id="export-right"):
                    with ChoiceSet(id="export-scope"):
                        for index, (label, _) in enumerate(self.scopes):
                            yield Choice(label, value=index == 0)
                    if self.replay_url:
                        with ChoiceSet(id="export-target") as target:
                            target.border_title = "curl/HTTPie send"
                            yield Choice(f"to {shown_url(self.replay_url)}", value=True)
                            yield Choice("to whisper-tui itself")
            with KeyScroll(id="export-preview-box") as preview:
                preview.border_title = "Preview"
                yield Static(id="export-preview")
            with Horizontal(id="export-save"):
                yield Input(id="export-path", select_on_focus=False)
                # Flat: the default bevels are shading at 1.2-2.3:1 on most themes.
                save, copy = self._button_labels(compact=False)
                yield Button(save, flat=True, id="export-save-button")
                yield Button(copy, variant="primary", flat=True, id="export-copy-button")
            yield Static(id="export-status", classes="hint")

    def on_mount(self) -> None:
        settings = getattr(self.app, "settings", None)
        self.directory = default_directory(getattr(settings, "save_path", None))
        self._refresh_output()

    def on_resize(self, event: events.Resize) -> None:
        # Under 60 columns the buttons drop their key hints, or the path would get no room.
        compact = event.size.width < COMPACT_BELOW
        self.query_one("#export-save").set_class(compact, "compact")
        save, copy = self._button_labels(compact)
        self.query_one("#export-save-button", Button).label = save
        self.query_one("#export-copy-button", Button).label = copy

    def _button_labels(self, compact: bool) -> tuple[str, str]:
        """'Save (Ctrl+S)' and 'Copy (Ctrl+Y)' with the keys in effect; bare when compact."""
        if compact:
            return "Save", "Copy"
        return hint(self.app, "Save ({export_save})"), hint(self.app, "Copy ({export_copy})")

    def on_radio_set_changed(self, event: RadioSet.Changed) -> None:
        if event.radio_set.id == "export-format":
            self.format = self.formats[event.index].key
            self.remembered["format"] = self.format
        elif event.radio_set.id == "export-target":
            self.target_url = (
                (self.replay_url or self.base_url) if event.index == 0 else self.base_url
            )
        else:
            self.scope_index = event.index
        self._refresh_output()

    def _default_path(self) -> str:
        requests_label, _ = self.scopes[self.scope_index]
        if self.scope_index == 0 and requests_label.startswith("capture #"):
            what = requests_label.split("#", 1)[1].split()[0]
        else:
            what = "captures"
        return free_path(os.path.join(self.directory, self._chosen().file_name(what)))

    def _chosen(self) -> ExportFormat:
        return next(f for f in self.formats if f.key == self.format)

    def _refresh_output(self) -> None:
        self.output = None
        path = self.query_one("#export-path", Input)
        path.value = self._default_path()
        path.cursor_position = len(path.value)  # the file name in view, not the directory
        self.query_one("#export-preview", Static).update(Content.styled("building…", "$text-muted"))
        label, scope = self.scopes[self.scope_index]
        requests, chosen = scope(), self._chosen()
        # A filter that matches nothing: exported, it made a 1-byte file (a blank line) that
        # the status called '1 bytes ready'.
        self.nothing = "" if requests else f"nothing to export: {label} holds no capture"
        if self.nothing:
            preview = self.query_one("#export-preview", Static)
            preview.update(Content.styled(self.nothing, "$text-muted"))
            self._status(self.nothing)
            return
        # Taken here, on the loop that changes the index; the worker reads the frozen view.
        numbering = (
            self.deliveries.json_view(requests)
            if self.deliveries is not None and chosen.render_numbered is not None
            else None
        )
        self._build(chosen, requests, numbering)

    @work(thread=True, exclusive=True, group="export", description="export")
    def _build(
        self,
        export_format: ExportFormat,
        requests: list[CapturedRequest],
        numbering: DeliveriesFor | None,
    ) -> None:
        # HAR or JSON of thousands of captures takes a while: never on the loop.
        url = self.target_url if export_format.resends else self.base_url
        output = export_format.export(requests, url, self.attempts_for, numbering)
        self.app.call_from_thread(self._show, export_format.key, output)

    def _show(self, fmt: str, output: bytes) -> None:
        if fmt != self.format or self.nothing:
            return  # another format or scope chosen since
        self.output = output
        # The preview is on screen: the target's password masked. What is copied or saved
        # keeps it, a command meant to be run (README, Export).
        text = shown_text(output.decode("utf-8", "replace"), self.target_url)
        lines = text.split("\n")
        self.query_one("#export-preview", Static).update(preview_text(lines))
        self._status(f"{byte_count(len(output))} ready")

    def _status(self, message: str, error: bool = False) -> None:
        style = "bold $text-error" if error else ""
        self.query_one("#export-status", Static).update(Content.styled(message, style))

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "export-copy-button":
            self.action_copy()
        elif event.button.id == "export-save-button":
            self.action_save()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self.action_save()

    def action_copy(self) -> None:
        if self.output is None:
            self._say_if_nothing()
            return
        try:
            text = self.output.decode("utf-8")
        except UnicodeDecodeError:
            self._status("binary content can't go through the clipboard: save it", error=True)
            return
        self.app.copy_to_clipboard(text)
        said = copied(self.app, f"{len(self.app.clipboard):,} characters")
        if copied_with_pictures(text):  # the guard's pictures: not the bytes a save writes
            said += f", {PICTURES_NOTE} (save keeps the exact bytes)"
        self._status(said)

    def action_save(self) -> None:
        if self.output is None:
            self._say_if_nothing()
            return
        path = os.path.expanduser(self.query_one("#export-path", Input).value.strip())
        if not path:
            self._status("give a file name", error=True)
            return
        try:
            with open(path, "xb") as out:
                out.write(self.output)
        except FileExistsError:
            self._status(f"{path} exists; choose another name", error=True)
            return
        except OSError as error:
            self._status(f"cannot write {path}: {error.strerror or error}", error=True)
            return
        self._status(f"saved {byte_count(len(self.output))} to {os.path.abspath(path)}")

    def _say_if_nothing(self) -> None:
        if self.nothing:
            self._status(self.nothing, error=True)

    def action_dismiss_screen(self) -> None:
        self.dismiss(None)


def default_directory(save_path: str | None) -> str:
    """Where exports go unless a path is typed: beside the --save HAR file when there is one
    (where this session's captures already live), else the directory whisper-tui started in;
    absolute, so the dialog shows exactly where the file will land before it is saved."""
    if save_path:
        return os.path.dirname(os.path.abspath(os.path.expanduser(save_path)))
    return os.getcwd()


def free_path(path: str) -> str:
    """`path`, or when a file is already there `name-2.ext`, `name-3.ext`, ...: the first
    free one. Exporting the same capture twice suggests a new file instead of an error."""
    if not os.path.exists(path):
        return path
    stem, extension = os.path.splitext(path)
    number = 2
    while os.path.exists(f"{stem}-{number}{extension}"):
        number += 1
    return f"{stem}-{number}{extension}"


def preview_text(lines: list[str]) -> Content:
    """The first PREVIEW_LINES lines, each cut at PREVIEW_LINE_CHARS with a visible marker."""
    # Content (plain text, never markup) whose notes name a theme variable, resolved when drawn.
    parts: list[str | tuple[str, str]] = []
    for line in lines[:PREVIEW_LINES]:
        parts.append(printable(line[:PREVIEW_LINE_CHARS]))
        if len(line) > PREVIEW_LINE_CHARS:
            cut = f" … (+{len(line) - PREVIEW_LINE_CHARS:,} chars)"
            parts.append((cut, "bold $text-warning"))
        parts.append("\n")
    if len(lines) > PREVIEW_LINES:
        parts.append((f"… (+{len(lines) - PREVIEW_LINES:,} lines)", "bold $text-warning"))
    return Content.assemble(*parts)
