"""Modals for replay: ask for a target URL once, and edit a request before replaying it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlsplit

from rich.cells import cell_len
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.suggester import SuggestFromList
from textual.widgets import Button, Checkbox, Input, Label, Static, TextArea

from whisper_tui.core.body_coding import editable_body
from whisper_tui.core.contentviews.decoding import content_codings
from whisper_tui.core.models import CapturedRequest, is_token
from whisper_tui.core.portable import header_text
from whisper_tui.core.redaction import shown_url
from whisper_tui.core.sanitize import printable
from whisper_tui.core.session import EditedCopy
from whisper_tui.core.signatures import get_scheme
from whisper_tui.core.sizes import byte_count
from whisper_tui.core.targets import (
    appended_target,
    own_target_problem,
    target_url,
    validate_target,
)
from whisper_tui.ui.action_bindings import bindings_for
from whisper_tui.ui.body_field import LoadBody, SafeTextArea, body_field
from whisper_tui.ui.keys import again_says, hint
from whisper_tui.ui.list_rows import shorten_url
from whisper_tui.ui.replay_actions import sending_keys

EXAMPLE_TARGET = "http://127.0.0.1:3000"
"""The replay target offered as an example (grey, not a value) where none is set yet."""


class UrlPrompt(ModalScreen[str | None]):
    """Where should replays go? Asked on the first `r` or `I` (remembered for the session),
    and by `T` with the current target in the field, to edit."""

    BINDINGS = bindings_for("url_prompt")

    def __init__(
        self,
        suggestion: str = EXAMPLE_TARGET,
        current: str | None = None,
        *,
        changing: bool = False,
        for_probe: bool = False,
    ):
        super().__init__()
        self.suggestion = current or suggestion
        self.current = current
        self.changing = changing or current is not None
        """Asked by `T`: Enter only sets the target (no replay), even when none was set yet."""
        self.for_probe = for_probe
        """Asked by `I`: its words are the probe's (Enter asks how many sends, not 'replays')."""

    def compose(self) -> ComposeResult:
        with Vertical(id="url-box", classes="modal-box") as box:
            box.border_title = self._title()
            keys = sending_keys(self.app)  # the keys named are the ones in effect
            yield Label(self._question(keys))
            yield target_field(self.current, self.suggestion, id="url")
            yield Static(id="url-error", classes="error")
            yield Static(hint(self.app, self._hint()), classes="hint")

    def _title(self) -> str:
        if self.changing:
            return "Replay target"
        return "Idempotency probe" if self.for_probe else "Replay"

    def _question(self, keys: str) -> str:
        if self.changing:
            return (
                f"Replay ({keys}) and export to which server? (the capture's path and query follow)"
            )
        if self.for_probe:
            return (
                f"Probe which server? The capture goes there several times ({keys} use it"
                " from now on; path and query of the capture are appended)"
            )
        return "Replay to which server? (path and query of the capture are appended)"

    def _hint(self) -> str:
        if self.changing:
            if self.current:
                return "Enter keeps it for this session, {url_cancel} keeps the old one."
            return "Enter keeps it for this session, {url_cancel} cancels."
        does = "asks how many sends" if self.for_probe else "replays"
        return f"Enter {does}, {{url_cancel}} cancels. Start with --forward URL to skip this."

    def on_input_submitted(self, event: Input.Submitted) -> None:
        url = event.value.strip()
        problem = target_problem(url, self.suggestion)
        session = getattr(self.app, "session", None)
        if not problem and session is not None:
            # Refused here, as r's send refuses it: T took it and only r said no.
            problem = own_target_problem(url, session.own_addresses())
        if problem:
            self.query_one("#url-error", Static).update(Text(problem))
            return
        self.dismiss(url)

    def action_cancel(self) -> None:
        self.dismiss(None)


def target_problem(url: str, example: str = EXAMPLE_TARGET) -> str | None:
    """Why `url` can't be the replay target, in one line (None when it can): an empty field
    asks for one (its grey example is not a value), a bad URL says why."""
    if not url:
        return f"type the URL of the server first, e.g. {example}"
    problem = validate_target(url)
    return f"{problem}: {printable(repr(url))}" if problem else None


def fitted_example(example: str, width: int) -> str:
    """The target field's grey example for a field `width` cells wide: 'e.g. ' and the whole
    example where they fit, else the example alone, else its start and '…'. Input wraps a
    placeholder at its spaces and shows the first row: at 60 columns the editor's read
    'e.g.' and nothing more."""
    for shown in (f"e.g. {example}", example):
        if cell_len(shown) <= width:
            return shown
    return example[: max(width - 1, 0)] + "…"


class TargetField(Input):
    """The replay target's field: its grey example fitted to its width (fitted_example)."""

    def __init__(self, value: str, example: str, *, id: str) -> None:
        # Not select_on_focus: a selection would make Ctrl+C copy instead of quit.
        super().__init__(
            value,
            placeholder=f"e.g. {example}",
            id=id,
            select_on_focus=False,
            suggester=SuggestFromList([example]),
        )
        self.example = example

    def on_resize(self) -> None:
        self.placeholder = fitted_example(self.example, self.scrollable_content_region.width)


def target_field(target: str | None, example: str = EXAMPLE_TARGET, *, id: str) -> Input:
    """The replay target's field, as the URL prompt and the editor show it: the current
    target to edit, else empty with the example in grey; typing its start offers the rest
    (→ takes it)."""
    # An example, not a value: grey text that Enter took read as a placeholder, and keys
    # typed ahead must land in an empty field (not after a prefilled URL). A target being
    # changed is text, to edit: a typo in the host is one key away.
    return TargetField(printable(target) if target else "", example, id=id)


@dataclass(frozen=True, slots=True)
class EditorSend:
    """What the edit screen hands back: the copy to send, and the replay target it goes to
    (r's target from then on, as if typed in r's prompt)."""

    copy: EditedCopy
    target: str


@dataclass(frozen=True, slots=True)
class EditedRequest:
    """What the edit screen hands back: everything needed for Sender.send(exact_url=True)."""

    method: str
    url: str
    headers: list[tuple[str, str]]
    body: bytes
    resign: bool
    changes: list[str]


def editable_headers(request: CapturedRequest) -> list[tuple[str, str]]:
    """Header pairs as the editor shows them: UTF-8 text where valid ('Zoë'), else latin-1.

    What is typed goes out as UTF-8 (the Sender sends text that way), so a valid UTF-8 value
    left alone is sent as the same bytes; no mojibake ('ZoÃ«') to edit around.
    """
    return [(header_text(n)[0], header_text(v)[0]) for n, v in request.raw_headers]


def headers_text(request: CapturedRequest) -> str:
    return "\n".join(f"{name}: {value}" for name, value in editable_headers(request))


def parse_headers(text: str) -> list[tuple[str, str]]:
    """'Name: value' per line, in order; blank lines ignored. A line without ':' or whose name
    is no HTTP token (a space, say: two lines run together) is an error naming the line, so
    it is said here rather than by a replay that fails."""
    headers = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        name, sep, value = line.partition(":")
        if not sep or not name.strip():
            raise ValueError(f"header line {number} needs 'Name: value'")
        if not is_token(name.strip()):
            shown = printable(name.strip())[:40]
            raise ValueError(
                f"header line {number}: {shown!r} is not a header name "
                "(letters, digits and !#$%&'*+-.^_`|~, no spaces)"
            )
        headers.append((name.strip(), value.strip()))
    return headers


def resign_label(scheme_name: str, signed_url: str | None = None, cells: int = 0) -> str:
    """'Re-sign (stripe), fresh timestamp': what re-signing renews, by what the scheme signs
    (a GitHub signature has no timestamp). Twilio's covers the URL: 'Re-sign (twilio) for
    https://pub.example/hooks/sms', the URL the attempt line will name (the --public-url's,
    not the one above, when one is set), shortened to `cells` as the list shortens paths;
    while no URL is known yet (no target typed), 'for the URL above'."""
    scheme = get_scheme(scheme_name)
    label = f"Re-sign ({scheme_name})"
    if scheme.signs_url:
        if not signed_url:
            return f"{label} for the URL above"
        head = f"{label} for "
        shown = printable(shown_url(signed_url))  # a password in it shown as ***
        return head + (shorten_url(shown, cells - len(head)) if cells else shown)
    return f"{label}, fresh timestamp" if scheme.has_timestamp else label


RESIGN_BOX_CELLS = 6
"""What a checkbox's label has not of its content width: '▐X▌ ' before it, a cell either side."""
BODY_ROWS = 5
"""The body editor's least height, borders included (app.tcss's min-height)."""
HEADERS_ROWS = 5
"""The headers editor's least height: three header lines between its borders."""


class EditReplayScreen(ModalScreen[EditorSend | None]):
    """Method, path, headers and body of a copy of the capture, and the replay target it goes
    to (r's: one target, changed here as in r's prompt); the original stays as it was.

    `prepare` turns what was typed into what will be sent (re-signing it when asked); when
    it can't (a signature that needs a header the edit removed), its one-line reason is shown
    here and nothing is sent.
    """

    BINDINGS = bindings_for("edit_replay_screen")
    TOASTS_CLEAR_OF = ("#edit-error", "#edit-buttons", "#edit-resign-line")  # see toasts.py

    def __init__(
        self,
        request: CapturedRequest,
        target: str | None,
        signing: str | None,
        prepare: Callable[[EditedRequest], EditedCopy],
        signed_for: Callable[[str], str] | None = None,
    ) -> None:
        super().__init__()
        self.request = request
        self.prepare = prepare
        self.signed_for = signed_for
        """The URL a Twilio copy of the URL typed here is signed for (the session's
        url_the_receiver_checks, as `prepare` signs it); None: the URL as typed."""
        self.target = target
        """The replay target when the dialog opened (None: none set yet, the field is empty)."""
        self.path = appended_target(request.target)
        """What is appended to the target: the capture's path and query as it came."""
        self.signing = signing
        """The scheme a re-signature would use, or None when no scheme/secret is known."""
        self.body = editable_body(request.body, request.header_values("content-encoding"))
        """The body to edit: Content-Encoding undone (re-encoded on send if edited)."""
        self._opened_with: dict[str, str] = {}
        """Each field's text as the dialog opened, to tell what a quit would lose."""
        self._quit_warned = False
        """A quit key was pressed over unsent edits and said so; the next one quits."""
        self._cancel_warned = False
        """Cancel (Esc) was pressed over unsent edits and said so; the next one discards them."""

    def compose(self) -> ComposeResult:
        request = self.request
        # Compact at 80x24: titles sit in the borders and the two editors share what is left
        # (each scrolls), so the buttons, the re-sign choice and the error line stay in view.
        with Vertical(id="edit-box", classes="modal-box") as box:
            box.border_title = f"Edit and replay capture #{request.id} (the original is kept)"
            with Horizontal(id="edit-line"):
                method = Input(
                    value=printable(request.method), id="edit-method", select_on_focus=False
                )
                method.border_title = "Method"
                yield method
                target = target_field(self.target, id="edit-target")
                target.border_title = f"Replay target of {sending_keys(self.app)}"
                yield target
                path = Input(value=self.path, id="edit-path", select_on_focus=False)
                path.border_title = "Path and query"
                yield path
            # Wrapped, as the detail wraps header values: unwrapped, a Stripe-Signature ran past
            # the box at 80x24 and its horizontal scrollbar drew a stray mark on the last line.
            headers = SafeTextArea(headers_text(request), id="edit-headers", soft_wrap=True)
            headers.border_title = "Headers: one 'Name: value' a line; Host, Content-Length are set"
            yield headers
            if self.body.text is None:
                yield Label(
                    f"Body: {byte_count(len(request.body))}, sent unchanged; not editable: "
                    + self.body.note,
                    id="edit-binary",
                )
            else:
                yield body_field(self.body.text, "json" in request.content_type, self.body.note)
            yield Static(id="edit-error", classes="error")
            with Horizontal(id="edit-buttons"):
                send, cancel = "Send ({edit_replay_send})", "Cancel ({edit_replay_cancel})"
                # Flat, as the export dialog's: Textual's bevels are shading at 1.2-2.3:1.
                yield Button(hint(self.app, send), variant="primary", flat=True, id="edit-send")
                yield Button(hint(self.app, cancel), flat=True, id="edit-cancel")
                if self.signing and not get_scheme(self.signing).signs_url:
                    yield Checkbox(resign_label(self.signing), True, id="edit-resign")
            if self.signing and get_scheme(self.signing).signs_url:
                # A row of its own: the URL it names fits there at 80 columns (beside the
                # buttons it had 13 cells), and it stays next in the Tab order.
                with Horizontal(id="edit-resign-line"):
                    yield Checkbox(resign_label(self.signing), True, id="edit-resign")

    def on_mount(self) -> None:
        # Read back from the fields (not from the capture): a TextArea may keep the text
        # its own way (line endings), and only a change by the user counts as an edit.
        self._opened_with = self._field_texts()
        if not self.target:  # the one thing to type before sending: where to
            self.query_one("#edit-target", Input).focus()
        self.call_after_refresh(self.fit_headers)
        self.call_after_refresh(self.name_signed_url)

    def on_load_body_loaded(self, message: LoadBody.Loaded) -> None:
        self._opened_with["body"] = message.text  # loaded is not edited
        self.call_after_refresh(self.fit_headers)

    def on_resize(self) -> None:
        self.call_after_refresh(self.fit_headers)
        self.call_after_refresh(self.name_signed_url)

    def name_signed_url(self) -> None:
        """Twilio signs a URL: the checkbox names the one the copy would be signed for now
        (what the attempt line will say), shortened to the checkbox's width."""
        if not self.signing or not get_scheme(self.signing).signs_url:
            return
        target = self.query_one("#edit-target", Input).value.strip()
        path = self.query_one("#edit-path", Input).value.strip()
        # No target typed: the path alone, which a public URL still places.
        url = target_url(target, path) if not validate_target(target) else path
        signed = self.signed_for(url) if self.signed_for else url
        known = signed if urlsplit(signed).scheme else None
        checkbox = self.query_one("#edit-resign", Checkbox)
        cells = max(checkbox.content_region.width - RESIGN_BOX_CELLS, 0)
        checkbox.label = resign_label(self.signing, known, cells)

    def fit_headers(self) -> None:
        """Let the headers grow to the rows they need, as far as the body keeps its least
        height (BODY_ROWS) and the other rows (buttons, error) stay in view."""
        box = self.query_one("#edit-box")
        headers = self.query_one("#edit-headers")
        editors = [headers, *self.query("#edit-body")]
        others = sum(child.outer_size.height for child in box.children if child not in editors)
        room = box.content_region.height - others - (BODY_ROWS if len(editors) > 1 else 0)
        headers.styles.max_height = max(HEADERS_ROWS, room)

    def _field_texts(self) -> dict[str, str]:
        fields = {"method": "#edit-method", "target": "#edit-target", "path": "#edit-path"}
        texts = {name: self.query_one(found, Input).value for name, found in fields.items()}
        for name, found in (("headers", "#edit-headers"), ("body", "#edit-body")):
            for area in self.query(found).results(TextArea):
                texts[name] = area.text
        return texts

    def unsent_edits(self) -> list[str]:
        """The fields typed in since the dialog opened ('method', 'path', 'body'...)."""
        opened = self._opened_with
        return [name for name, text in self._field_texts().items() if text != opened.get(name)]

    def confirm_quit(self) -> bool:
        """Quit keys (ui/quitting.py): with unsent edits the first says so, the next quits."""
        edited = self.unsent_edits()
        if not edited or self._quit_warned:
            return True
        self._quit_warned = True
        again = hint(self.app, "{help_quit} again")
        self._show_error(f"unsent edits ({', '.join(edited)}): {again} quits and loses them")
        return False

    def on_input_changed(self, _event: Input.Changed) -> None:
        self._edited_since_warning()
        self.name_signed_url()  # the target or path typed changes the URL Twilio signs

    def on_text_area_changed(self, _event: TextArea.Changed) -> None:
        self._edited_since_warning()

    def _edited_since_warning(self) -> None:
        # Edited since a warning: ask again before losing the newer edits.
        self._quit_warned = self._cancel_warned = False

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "edit-send":
            self.action_send()
        else:
            self.action_cancel()

    def _show_error(self, problem: str) -> None:
        error = self.query_one("#edit-error", Static)
        error.update(Text(problem))
        error.display = True
        self.call_after_refresh(self.fit_headers)  # the error takes rows: room for them

    def action_send(self) -> None:
        method = self.query_one("#edit-method", Input).value.strip().upper()
        target = self.query_one("#edit-target", Input).value.strip()
        path = self.query_one("#edit-path", Input).value.strip()
        problem = target_problem(target)
        if problem or not method:
            self._show_error(problem or "the method is empty")
            return
        if path and not path.startswith("/"):
            self._show_error(f"the path must start with / (as {printable(self.path)[:40]!r})")
            return
        url = target_url(target, path)
        if problem := validate_target(url):
            self._show_error(f"{problem}: {printable(repr(url))}")
            return
        if not is_token(method):
            self._show_error(f"the method {printable(method)[:20]!r} is not an HTTP token")
            return
        try:
            headers = parse_headers(self.query_one("#edit-headers", TextArea).text)
        except ValueError as bad:
            self._show_error(str(bad))
            return
        # A body not changed here is sent as stored (exact bytes): the editor's text of it
        # need not be those bytes (a TextArea writes mixed line endings all as the first).
        typed = self._field_texts().get("body")
        edited_body = "body"
        if typed is None or typed == self._opened_with.get("body"):
            body = self.request.body
        elif self.body.codings:
            values = [value for name, value in headers if name.lower() == "content-encoding"]
            try:
                body = self.body.encode(typed, values)
            except ValueError as bad:
                self._show_error(f"not sent: {bad}")
                return
            if codings := content_codings(values):
                edited_body = f"body (re-encoded with {', '.join(codings)})"
        else:
            body = typed.encode("utf-8")
        resign = bool(self.signing) and self.query_one("#edit-resign", Checkbox).value
        changes = []
        if method != self.request.method:
            changes.append("method")
        if path != self.path:
            changes.append("path")
        if headers != editable_headers(self.request):
            changes.append("headers")
        if body != self.request.body:
            changes.append(edited_body)
        try:
            copy = self.prepare(EditedRequest(method, url, headers, body, resign, changes))
        except ValueError as bad:
            self._show_error(f"not sent: {bad}")
            return
        self.dismiss(EditorSend(copy, target))

    def action_cancel(self) -> None:
        """Close without sending; over unsent edits the first press says so (as a quit key
        does) and the next discards them. Esc is also pressed out of habit to leave a field."""
        edited = self.unsent_edits()
        if edited and not self._cancel_warned:
            self._cancel_warned = True
            # q discards too, where no text field has focus: named with Esc.
            again = again_says(self.app, "edit_replay_cancel", "discards them")
            send = hint(self.app, "{edit_replay_send}")
            self._show_error(f"unsent edits ({', '.join(edited)}): {again}, {send} sends them")
            return
        self.dismiss(None)
