"""Replay from the TUI: r, R (edit, re-sign), live forwarding, and a target that is down."""

from __future__ import annotations

import gzip
import hashlib
import hmac
from collections.abc import AsyncIterator, Callable

import pytest
from aiohttp import web
from textual.widgets import Input, TextArea

from tests.helpers import (
    screen_text,
    send_raw,
    wait_for_list,
    wait_for_screen,
    wait_until,
    wait_until_settled,
)
from whisper_tui.core.models import CapturedRequest
from whisper_tui.core.settings import Settings
from whisper_tui.core.store import RequestStore
from whisper_tui.ui.app import WhisperApp
from whisper_tui.ui.replay_screens import EditReplayScreen, UrlPrompt, parse_headers, resign_label

BINARY = bytes((i * 7 + 3) % 256 for i in range(3 * 1024))


class DownstreamApp:
    """A real aiohttp app standing in for the developer's handler; it records arrivals."""

    def __init__(self) -> None:
        self.arrivals: list[tuple[str, str, list[tuple[bytes, bytes]], bytes]] = []
        self.runner: web.AppRunner | None = None
        self.url = ""

    async def start(self) -> None:
        async def handle(request: web.Request) -> web.Response:
            body = await request.read()
            self.arrivals.append(
                (request.method, request.raw_path, list(request.raw_headers), body)
            )
            return web.json_response({"stored": len(body)}, status=201)

        app = web.Application(client_max_size=1 << 26)
        app.router.add_route("*", "/{tail:.*}", handle)
        self.runner = web.AppRunner(app, auto_decompress=False)
        await self.runner.setup()
        await web.TCPSite(self.runner, "127.0.0.1", 0).start()
        self.url = f"http://127.0.0.1:{self.runner.addresses[0][1]}"

    async def stop(self) -> None:
        if self.runner:
            await self.runner.cleanup()


@pytest.fixture
async def downstream() -> AsyncIterator[DownstreamApp]:
    """The developer's app, started for the test and stopped after it."""
    app = DownstreamApp()
    await app.start()
    try:
        yield app
    finally:
        await app.stop()


def raw_post(path: str, body: bytes, extra: bytes = b"") -> bytes:
    return (
        f"POST {path} HTTP/1.1\r\nHost: x\r\nX-Dup: 1\r\nx-dup: 2\r\n".encode()
        + extra
        + f"Content-Type: application/octet-stream\r\nContent-Length: {len(body)}\r\n\r\n".encode()
        + body
    )


def end_to_end(headers: list[tuple[bytes, bytes]]) -> list[tuple[bytes, bytes]]:
    skip = {b"host", b"content-length", b"connection"}
    return [(n, v) for n, v in headers if n.lower() not in skip]


async def test_forward_live_then_r_replays_byte_identical_and_shows_the_answer(downstream):
    app = WhisperApp(Settings(port=0, forward_url=downstream.url))
    async with app.run_test(size=(170, 50)) as pilot:
        await send_raw(app.port, raw_post("/hooks/bin?x=1", BINARY))
        await wait_until(pilot, lambda: len(downstream.arrivals) == 1)
        await pilot.press("r")
        await wait_until(pilot, lambda: len(downstream.arrivals) == 2)
        [captured] = list(app.store)
        for method, target, headers, body in downstream.arrivals:
            assert (method, target, body) == ("POST", "/hooks/bin?x=1", BINARY)
            assert end_to_end(headers) == end_to_end(list(captured.raw_headers))
        shown = ("replay → ", "forward → ", "201 Created", '"stored": 3072')
        await wait_for_screen(pilot, app, *shown)


async def test_r_without_a_target_asks_once_and_remembers(downstream):
    app = WhisperApp(Settings(port=0))
    async with app.run_test(size=(170, 50)) as pilot:
        await send_raw(app.port, raw_post("/once", b"abc"))
        await wait_for_list(pilot, app, 1)
        await pilot.press("r")
        await wait_until(pilot, lambda: isinstance(app.screen, UrlPrompt))
        await pilot.pause()  # the prompt mounted: its field filled before ours replaces it
        field = app.screen.query_one("#url")
        field.value = downstream.url
        await pilot.press("enter")
        await wait_until(pilot, lambda: len(downstream.arrivals) == 1)
        await pilot.press("r")  # no prompt the second time
        await wait_until(pilot, lambda: len(downstream.arrivals) == 2)
        assert app.replay_url == downstream.url


async def test_edit_and_replay_changes_the_copy_and_re_signs_it(downstream):
    secret = "It's a Secret to Everybody"
    app = WhisperApp(Settings(port=0, secrets=(("github", secret),)))
    app.replay_url = downstream.url
    original = b'{"status":"pending"}'
    mac = hmac.new(secret.encode(), original, hashlib.sha256).hexdigest()
    async with app.run_test(size=(170, 50)) as pilot:
        await send_raw(
            app.port,
            raw_post("/hooks/github", original, f"X-Hub-Signature-256: sha256={mac}\r\n".encode()),
        )
        await wait_for_list(pilot, app, 1)
        await pilot.press("R")
        await wait_until(pilot, lambda: isinstance(app.screen, EditReplayScreen))
        await pilot.pause()  # the editor mounted: its fields filled before ours replaces one
        app.screen.query_one("#edit-body").text = '{"status":"paid"}'
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: len(downstream.arrivals) == 1)
        method, target, headers, body = downstream.arrivals[0]
        assert (method, target) == ("POST", "/hooks/github")
        assert body == b'{"status":"paid"}'
        sent = dict((n.lower(), v) for n, v in headers)
        expected = hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
        assert sent[b"x-hub-signature-256"] == f"sha256={expected}".encode()
        [captured] = list(app.store)
        assert captured.body == original  # the capture itself is untouched
        await wait_for_screen(pilot, app, "edited: body", "re-signed (github)")


async def test_the_editor_shows_utf8_header_values_as_text_and_sends_their_bytes(downstream):
    app = WhisperApp(Settings(port=0))
    app.replay_url = downstream.url
    async with app.run_test(size=(120, 40)) as pilot:
        await send_raw(app.port, raw_post("/u", b"1", "X-User: Zoë Müller\r\n".encode()))
        await wait_for_list(pilot, app, 1)
        await pilot.press("R")
        await wait_until(pilot, lambda: isinstance(app.screen, EditReplayScreen))
        headers = app.screen.query_one("#edit-headers").text
        assert "X-User: Zoë Müller" in headers and "Ã" not in headers
        app.screen.query_one("#edit-body").text = "2"
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: len(downstream.arrivals) == 1)
        _, _, sent, _ = downstream.arrivals[0]
        assert (b"X-User", "Zoë Müller".encode()) in sent
        await wait_for_screen(pilot, app, "edited: body")  # the headers count as untouched


async def test_replay_to_a_down_target_says_so_and_keeps_running(down_port):
    app = WhisperApp(Settings(port=0))
    app.replay_url = f"http://127.0.0.1:{down_port}"
    async with app.run_test(size=(170, 50)) as pilot:
        await send_raw(app.port, raw_post("/x", b"1"))
        await wait_for_list(pilot, app, 1)
        await pilot.press("r")
        await wait_until(pilot, lambda: app.store.attempts(1))
        await wait_for_screen(pilot, app, "failed", "refused")
        assert app.is_running


async def refused_by_the_editor(
    app: WhisperApp, downstream: DownstreamApp, headers: bytes, edit: Callable[[str], str]
) -> str:
    """Capture a POST carrying `headers`, open R, edit the header lines with `edit`, press
    Ctrl+S: the editor must stay up with nothing sent. Returns the reason it shows."""
    app.replay_url = downstream.url
    async with app.run_test(size=(170, 50)) as pilot:
        await send_raw(app.port, raw_post("/hooks/a", b"{}", headers))
        await wait_for_list(pilot, app, 1)
        await pilot.press("R")
        await wait_until(pilot, lambda: isinstance(app.screen, EditReplayScreen))
        await pilot.pause()  # the editor mounted: its fields filled before ours are edited
        editor = app.screen
        field = editor.query_one("#edit-headers")
        field.text = edit(field.text)
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: str(editor.query_one("#edit-error").render()).strip())
        await wait_until_settled(pilot)  # a send would be a worker still running
        assert app.is_running and app.screen is editor
        shown = str(editor.query_one("#edit-error").render())
        assert downstream.arrivals == [] and app.store.attempts(1) == []
    return shown


async def test_a_copy_that_cannot_be_re_signed_says_why_in_the_editor_and_sends_nothing(downstream):
    # Standard Webhooks signs the message id: with the webhook-id line deleted in the editor
    # there is nothing to sign. This crashed the app (printing the secret) before.
    secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
    app = WhisperApp(Settings(port=0, secrets=(("standard", secret),)))
    headers = b"webhook-id: msg_1\r\nwebhook-timestamp: 1\r\nwebhook-signature: v1,AAAA\r\n"

    def without_the_id(text: str) -> str:
        return "\n".join(line for line in text.splitlines() if not line.startswith("webhook-id"))

    shown = await refused_by_the_editor(app, downstream, headers, without_the_id)
    assert shown.startswith("not sent: ") and "webhook-id" in shown
    assert secret not in shown and secret[6:] not in shown


# -- every control in view at 80x24, the room used at 200x50 --------------------------------------

STRIPE_BODY = b'{"id":"evt_1","type":"invoice.paid","data":{"object":{"amount_paid":4200}}}'


def fully_visible(app: WhisperApp, selector: str) -> bool:
    region = app.screen.query_one(selector).region
    return region.height > 0 and app.screen.region.contains_region(region)


def signed_stripe_post() -> bytes:
    timestamp = "1764000000"
    mac = hmac.new(b"whsec_test", f"{timestamp}.".encode() + STRIPE_BODY, hashlib.sha256)
    signature = f"Stripe-Signature: t={timestamp},v1={mac.hexdigest()}\r\n".encode()
    return (
        b"POST /hooks/stripe HTTP/1.1\r\nHost: x\r\n"
        + signature
        + b"Content-Type: application/json\r\nContent-Length: %d\r\n\r\n" % len(STRIPE_BODY)
        + STRIPE_BODY
    )


async def test_at_80x24_the_editor_shows_a_stripe_deliverys_six_headers_and_its_controls():
    # The headers had a third of the room (1fr to the body's 2fr): two of six showed, the
    # Stripe-Signature, the header an edit is usually about, out of view.
    settings = Settings(
        port=0, forward_url="http://127.0.0.1:9", secrets=(("stripe", "whsec_test"),)
    )
    app = WhisperApp(settings)
    async with app.run_test(size=(80, 24)) as pilot:
        extra = b"User-Agent: Stripe/1.0\r\nAccept: */*; q=0.5\r\n"
        await send_raw(
            app.port, signed_stripe_post().replace(b"Host: x\r\n", b"Host: x\r\n" + extra)
        )
        await wait_for_list(pilot, app, 1)
        await pilot.press("R")
        await wait_until(pilot, lambda: isinstance(app.screen, EditReplayScreen))
        # The headers' height is fitted after the dialog's first refresh: waited for, by what
        # it shows, not a pause.
        names = ("Host:", "User-Agent:", "Accept:", "Stripe-Signature:", "Content-Type:")
        await wait_for_screen(pilot, app, *names, "Content-Length:")
        controls = ("#edit-send", "#edit-cancel", "#edit-resign", "#edit-body")
        await wait_until(pilot, lambda: all(fully_visible(app, found) for found in controls))


async def test_at_80x24_a_long_header_wraps_in_the_editor_with_no_scrollbar_on_its_last_line():
    """The Stripe-Signature ran past the box: its horizontal scrollbar's thumb sat on the
    box's empty last line, a stray mark that read as a second cursor, the value cut off."""
    app = WhisperApp(Settings(port=0))
    async with app.run_test(size=(80, 24)) as pilot:
        await send_raw(app.port, signed_stripe_post())
        await wait_for_list(pilot, app, 1)
        await pilot.press("R")
        await wait_until(pilot, lambda: isinstance(app.screen, EditReplayScreen))
        await wait_for_screen(pilot, app, "Stripe-Signature:", "Content-Length:")
        headers = app.screen.query_one("#edit-headers", TextArea)
        assert not headers.show_horizontal_scrollbar
        mac = signed_stripe_post().split(b"v1=")[1].split(b"\r\n")[0].decode()
        shown = "".join(screen_text(app).replace("│", "").split())
        assert f"v1={mac}" in shown  # the whole value, wrapped


@pytest.mark.parametrize("size", [(80, 24), (200, 50)])
async def test_the_editor_keeps_send_cancel_and_re_sign_in_view(size):
    settings = Settings(
        port=0, forward_url="http://127.0.0.1:9", secrets=(("stripe", "whsec_test"),)
    )
    app = WhisperApp(settings)
    async with app.run_test(size=size) as pilot:
        await send_raw(app.port, signed_stripe_post())
        await wait_for_list(pilot, app, 1)
        await pilot.press("R")
        await wait_until(pilot, lambda: isinstance(app.screen, EditReplayScreen))
        screen = app.screen
        headers, body = screen.query_one("#edit-headers"), screen.query_one("#edit-body")
        least_body = 20 if size == (200, 50) else 4  # at 200x50 the room is used

        def fitted() -> bool:  # the headers are fitted after the dialog's first refresh
            controls = ("#edit-send", "#edit-cancel", "#edit-resign", "#edit-target")
            return (
                all(fully_visible(app, found) for found in controls)
                and headers.region.height >= 3
                and body.region.height >= least_body
            )

        await wait_until(pilot, fitted)
        reached = set()
        for _ in range(8):
            await pilot.press("tab")
            reached.add(app.focused.id if app.focused else None)
        assert {"edit-send", "edit-cancel", "edit-resign"} <= reached


@pytest.mark.parametrize("size", [(80, 24), (200, 50)])
async def test_the_url_prompt_fits(size):
    app = WhisperApp(Settings(port=0))
    async with app.run_test(size=size) as pilot:
        await send_raw(app.port, raw_post("/once", b"abc"))
        await wait_for_list(pilot, app, 1)
        await pilot.press("r")
        await wait_until(pilot, lambda: isinstance(app.screen, UrlPrompt))
        await wait_for_screen(pilot, app, "Enter replays, Esc cancels")
        await wait_until(pilot, lambda: fully_visible(app, "#url"))


async def test_typing_in_the_url_prompt_replaces_the_suggestion(downstream):
    app = WhisperApp(Settings(port=0))
    async with app.run_test(size=(80, 24)) as pilot:
        await send_raw(app.port, raw_post("/typed", b"abc"))
        await wait_for_list(pilot, app, 1)
        await pilot.press("r")
        await wait_until(pilot, lambda: isinstance(app.screen, UrlPrompt))
        await pilot.press(*downstream.url)
        assert app.screen.query_one("#url", Input).value == downstream.url
        await pilot.press("enter")
        await wait_until(pilot, lambda: len(downstream.arrivals) == 1)
        assert app.replay_url == downstream.url


async def test_enter_on_the_empty_url_prompt_sends_nothing_and_says_what_is_needed():
    # The example is grey, as placeholders are: Enter on it replayed there, unasked.
    app = WhisperApp(Settings(port=0))
    async with app.run_test(size=(80, 24)) as pilot:
        await send_raw(app.port, raw_post("/suggested", b"abc"))
        await wait_for_list(pilot, app, 1)
        await pilot.press("r")
        await wait_until(pilot, lambda: isinstance(app.screen, UrlPrompt))
        assert "e.g. http://127.0.0.1:3000" in screen_text(app)
        await pilot.press("enter")
        await wait_for_screen(pilot, app, "type the URL of the server first")
        assert isinstance(app.screen, UrlPrompt) and app.replay_url is None
        assert app.store.attempts(1) == []
        # Its start typed, the rest is offered: → takes it, Enter sends there.
        await pilot.press("h", "right", "enter")
        await wait_until(pilot, lambda: app.replay_url == "http://127.0.0.1:3000")


def test_header_lines_run_together_or_names_with_spaces_are_refused_by_line():
    assert parse_headers("X-A: 1\n\nX-B:two: parts") == [("X-A", "1"), ("X-B", "two: parts")]
    with pytest.raises(ValueError, match="header line 2: 'bad lineHost' is not a header name"):
        parse_headers("X-A: 1\nbad lineHost: x")
    with pytest.raises(ValueError, match="header line 1 needs 'Name: value'"):
        parse_headers("no colon here")
    with pytest.raises(ValueError, match="header line 1: 'X\u241bY' is not"):
        parse_headers("X\x1bY: 1")  # shown with its control character made visible


async def test_a_header_line_that_is_not_a_header_is_said_in_the_editor_and_nothing_is_sent(
    downstream,
):
    def run_together(text: str) -> str:
        return text.replace("X-A: 1", "bad lineX-A: 1")

    app = WhisperApp(Settings(port=0))
    shown = await refused_by_the_editor(app, downstream, b"X-A: 1\r\n", run_together)
    assert "'bad lineX-A' is not a header name" in shown


def signed_github_post() -> bytes:
    mac = hmac.new(b"gh_test", STRIPE_BODY, hashlib.sha256).hexdigest()
    return (
        b"POST /hooks/github HTTP/1.1\r\nHost: x\r\nX-GitHub-Event: push\r\n"
        + f"X-Hub-Signature-256: sha256={mac}\r\n".encode()
        + b"Content-Type: application/json\r\nContent-Length: %d\r\n\r\n" % len(STRIPE_BODY)
        + STRIPE_BODY
    )


@pytest.mark.parametrize(
    ("scheme", "secret", "post", "label"),
    [
        ("github", "gh_test", signed_github_post, "Re-sign (github)"),
        ("stripe", "whsec_test", signed_stripe_post, "Re-sign (stripe), fresh timestamp"),
    ],
)
async def test_the_re_sign_choice_says_fresh_timestamp_only_for_schemes_that_sign_one(
    scheme, secret, post, label
):
    settings = Settings(port=0, forward_url="http://127.0.0.1:9", secrets=((scheme, secret),))
    app = WhisperApp(settings)
    async with app.run_test(size=(80, 24)) as pilot:
        await send_raw(app.port, post())
        await wait_for_list(pilot, app, 1)
        await pilot.press("R")
        await wait_until(pilot, lambda: isinstance(app.screen, EditReplayScreen))
        assert str(app.screen.query_one("#edit-resign").label) == label
        shown = await wait_for_screen(pilot, app, label)
        assert ("timestamp" in shown) == (scheme != "github")


def test_twilio_re_signs_for_the_url_above_while_no_url_is_known():
    assert resign_label("twilio") == "Re-sign (twilio) for the URL above"


def test_the_twilio_label_names_the_url_shortened_to_its_cells():
    url = "https://mycompany.com/myapp.php?foo=1&bar=2"
    assert resign_label("twilio", url) == f"Re-sign (twilio) for {url}"
    short = resign_label("twilio", url, 60)
    assert len(short) == 60 and "…" in short
    # The origin whole (the part that says which app), the path cut in its middle.
    assert short.startswith("Re-sign (twilio) for https://mycompany.com/my")
    assert short.endswith("bar=2")


def twilio_post(path: str, token: str, signed_for: str) -> bytes:
    """A Twilio form post signed, as Twilio signs, for `signed_for` (the app's public URL)."""
    from twilio.request_validator import RequestValidator

    params = {"Body": "hi", "From": "+1555"}
    body = b"Body=hi&From=%2B1555"
    signature = RequestValidator(token).compute_signature(signed_for, params)
    return (
        f"POST {path} HTTP/1.1\r\nHost: x\r\nX-Twilio-Signature: {signature}\r\n".encode()
        + b"Content-Type: application/x-www-form-urlencoded\r\n"
        + f"Content-Length: {len(body)}\r\n\r\n".encode()
        + body
    )


@pytest.mark.parametrize("size", [(80, 24), (200, 50)])
async def test_the_twilio_checkbox_names_the_public_url_the_attempt_line_names(size, downstream):
    token = "0123456789abcdef0123456789abcdef"
    public = "https://mycompany.com"
    settings = Settings(
        port=0,
        forward_url=downstream.url,
        secrets=(("twilio", token),),
        public_url=public,
    )
    app = WhisperApp(settings)
    target = "/myapp.php?foo=1&bar=2&" + "x" * 60 + "=end"  # longer than 80 columns hold
    signed_for = public + target
    async with app.run_test(size=size) as pilot:
        await send_raw(app.port, twilio_post(target, token, signed_for))
        await wait_for_list(pilot, app, 1)
        await pilot.press("R")
        await wait_until(pilot, lambda: isinstance(app.screen, EditReplayScreen))
        checkbox = app.screen.query_one("#edit-resign")
        # The URL above is the replay target's; the copy is signed for the public URL's.
        await wait_until(pilot, lambda: "mycompany" in str(checkbox.label))
        label = str(checkbox.label)
        assert label.startswith("Re-sign (twilio) for https://mycompany.com/myapp.php")
        assert "above" not in label and downstream.url not in label
        assert label.endswith("=end")
        shown = screen_text(app)
        assert label in shown  # whole on screen: shortened by us, not cut at its edge
        if size[0] >= 200:
            assert label == f"Re-sign (twilio) for {signed_for}"
        else:
            assert "…" in label
        # The path typed changes the URL named, as it changes the one signed.
        path = app.screen.query_one("#edit-path", Input)
        path.value = "/sms"
        await wait_until(pilot, lambda: str(checkbox.label).endswith("mycompany.com/sms"))
        await pilot.press("ctrl+s")
        replays = lambda: [a for a in app.store.attempts(1) if a.kind == "replay"]  # noqa: E731
        await wait_until(pilot, replays)  # (the other attempt is --forward's)
        assert f"re-signed (twilio) for {public}/sms" in replays()[0].notes


async def test_the_url_prompt_and_the_editor_name_their_keys_as_a_keymap_put_them():
    keymap = (
        ("url_cancel", "ctrl+g"),
        ("edit_replay_send", "ctrl+o"),
        ("edit_replay_cancel", "ctrl+g"),
    )
    app = WhisperApp(Settings(port=0, forward_url="http://127.0.0.1:9", keymap=keymap))
    async with app.run_test(size=(200, 50)) as pilot:
        await send_raw(app.port, raw_post("/once", b"abc"))
        await wait_for_list(pilot, app, 1)
        await pilot.press("T")
        await wait_for_screen(pilot, app, "Enter keeps it for this session, Ctrl+G keeps the old")
        await pilot.press("ctrl+g")
        await wait_until(pilot, lambda: not isinstance(app.screen, UrlPrompt))
        await pilot.press("R")
        await wait_until(pilot, lambda: isinstance(app.screen, EditReplayScreen))
        await wait_for_screen(pilot, app, "Send (Ctrl+O)", "Cancel (Ctrl+G)")


# -- Esc over unsent edits: said once, the next Esc discards them ----------------------------


def one_capture_app(body: bytes = b"{}", headers: tuple = ()) -> WhisperApp:
    store = RequestStore()
    store.add(CapturedRequest(1, 1_764_000_000.0, "127.0.0.1", "POST", "/a", (1, 1), headers, body))
    return WhisperApp(Settings(port=0, forward_url="http://127.0.0.1:9"), store=store, serve=False)


async def test_esc_over_unsent_edits_says_how_to_keep_them_and_the_next_esc_discards():
    app = one_capture_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("R")
        await wait_until(pilot, lambda: isinstance(app.screen, EditReplayScreen))
        app.screen.query_one("#edit-method", Input).focus()
        await pilot.press("end", "X", "backspace", "escape")  # undone by hand: not an edit
        await wait_until(pilot, lambda: not isinstance(app.screen, EditReplayScreen))
        await pilot.press("R")
        await wait_until(pilot, lambda: isinstance(app.screen, EditReplayScreen))
        editor = app.screen
        editor.query_one("#edit-body", TextArea).focus()
        await pilot.press("end", "x", "escape")
        await pilot.pause()
        assert app.screen is editor, "the edits were thrown away"
        # q discards them too where no text field has focus: said (it named Esc alone).
        said = "unsent edits (body): Esc again discards them (or q outside a text field),"
        await wait_for_screen(pilot, app, said, "Ctrl+S sends them")  # on two rows at 80
        await pilot.press("y", "escape")  # edited since the warning: it asks again
        await pilot.pause()
        assert app.screen is editor
        await pilot.press("escape")
        await wait_until(pilot, lambda: not isinstance(app.screen, EditReplayScreen))
        assert app.store.attempts(1) == []


# -- one replay target: R's is r's --------------------------------------------------------------


async def test_r_with_no_target_asks_for_one_and_r_then_sends_where_r_sent(downstream):
    # R prefilled http://127.0.0.1:3000 as a value, and what it sent to was not r's target:
    # r asked again afterwards.
    app = WhisperApp(Settings(port=0))
    async with app.run_test(size=(80, 24)) as pilot:
        await send_raw(app.port, raw_post("/hooks/a?x=1", b"abc"))
        await wait_for_list(pilot, app, 1)
        await pilot.press("R")
        await wait_until(pilot, lambda: isinstance(app.screen, EditReplayScreen))
        target = app.screen.query_one("#edit-target", Input)
        assert target.value == "" and app.focused is target  # the example is grey, no value
        await wait_for_screen(pilot, app, "e.g. http://127.0.0.1:3000", "/hooks/a?x=1")
        await pilot.press("ctrl+s")
        await wait_for_screen(pilot, app, "type the URL of the server first, e.g. http://127")
        assert isinstance(app.screen, EditReplayScreen) and app.replay_url is None
        await pilot.press(*downstream.url, "ctrl+s")
        await wait_until(pilot, lambda: len(downstream.arrivals) == 1)
        assert downstream.arrivals[0][:2] == ("POST", "/hooks/a?x=1")
        assert app.replay_url == downstream.url
        await pilot.press("r")  # no prompt: R's target is r's
        await wait_until(pilot, lambda: len(downstream.arrivals) == 2)
        assert not isinstance(app.screen, UrlPrompt)
        await pilot.press("R")  # and R opens on it
        await wait_until(pilot, lambda: isinstance(app.screen, EditReplayScreen))
        assert app.screen.query_one("#edit-target", Input).value == downstream.url
        assert app.screen.query_one("#edit-path", Input).value == "/hooks/a?x=1"


async def test_the_editors_target_offers_the_example_once_begun(downstream):
    # As r's prompt: its start typed, → takes the rest, and that is then r's target.
    app = WhisperApp(Settings(port=0))
    async with app.run_test(size=(80, 24)) as pilot:
        await send_raw(app.port, raw_post("/b", b"abc"))
        await wait_for_list(pilot, app, 1)
        await pilot.press("R")
        await wait_until(pilot, lambda: isinstance(app.screen, EditReplayScreen))
        await pilot.press("h", "right")
        assert app.screen.query_one("#edit-target", Input).value == "http://127.0.0.1:3000"
        app.screen.query_one("#edit-path", Input).value = "b"
        await pilot.press("ctrl+s")
        await wait_for_screen(pilot, app, "the path must start with /")
        assert app.replay_url is None


async def test_a_body_left_alone_in_the_editor_is_sent_as_stored(downstream):
    # The editor's text of 'a\nb\r\nc' reads 'a\r\nb\r\nc' (a TextArea writes every line end
    # as the first): sent as that, and noted as an edit of the body nobody made.
    app = WhisperApp(Settings(port=0))
    app.replay_url = downstream.url
    body = b"a\nb\r\nc"
    async with app.run_test(size=(80, 24)) as pilot:
        await send_raw(app.port, raw_post("/lines", body))
        await wait_for_list(pilot, app, 1)
        await pilot.press("R")
        await wait_until(pilot, lambda: isinstance(app.screen, EditReplayScreen))
        await pilot.pause()  # the editor mounted: what its fields opened with is read
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: len(downstream.arrivals) == 1)
        assert downstream.arrivals[0][3] == body
        await wait_for_screen(pilot, app, "not edited")


# -- a gzip body: edited decoded, sent re-encoded; left alone, sent as stored -------------------


def gzip_post(path: str, stored: bytes, coding: str = "gzip") -> bytes:
    return (
        f"POST {path} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
        f"Content-Encoding: {coding}\r\nContent-Length: {len(stored)}\r\n\r\n"
    ).encode() + stored


async def test_a_gzip_body_is_edited_decoded_and_sent_re_encoded_with_its_length(downstream):
    app = WhisperApp(Settings(port=0))
    app.replay_url = downstream.url
    stored = gzip.compress(b'{"amount":4200}', mtime=1_764_000_000)
    async with app.run_test(size=(80, 24)) as pilot:
        await send_raw(app.port, gzip_post("/gz", stored))
        await wait_for_list(pilot, app, 1)
        await pilot.press("R")
        await wait_until(pilot, lambda: isinstance(app.screen, EditReplayScreen))
        said = "Body: gzip decoded (35 B stored); re-encoded with gzip if edited"
        await wait_for_screen(pilot, app, said, '{"amount":4200}')
        await pilot.press("ctrl+s")  # left alone: the stored bytes, not a new gzip stream
        await wait_until(pilot, lambda: len(downstream.arrivals) == 1)
        assert downstream.arrivals[0][3] == stored
        await pilot.press("R")
        await wait_until(pilot, lambda: isinstance(app.screen, EditReplayScreen))
        app.screen.query_one("#edit-body", TextArea).focus()
        await pilot.press("end", "left", "left", "left", "backspace", "9", "ctrl+s")
        await wait_until(pilot, lambda: len(downstream.arrivals) == 2)
        _, _, headers, sent = downstream.arrivals[1]
        assert gzip.decompress(sent) == b'{"amount":4900}'
        assert (b"Content-Encoding", b"gzip") in headers
        assert (b"Content-Length", str(len(sent)).encode()) in headers
        await wait_until(pilot, lambda: len(app.store.attempts(1)) == 2)
        assert "edited: body (re-encoded with gzip)" in app.store.attempts(1)[-1].notes
        assert app.store.get(1).body == stored


async def test_a_body_whose_coding_cant_be_written_again_is_not_editable_and_says_why(downstream):
    app = WhisperApp(Settings(port=0))
    app.replay_url = downstream.url
    async with app.run_test(size=(80, 24)) as pilot:
        await send_raw(app.port, gzip_post("/zs", b"\x28\xb5\x2f\xfd-frame", "zstd"))
        await wait_for_list(pilot, app, 1)
        await pilot.press("R")
        await wait_until(pilot, lambda: isinstance(app.screen, EditReplayScreen))
        said = "Body: 10 bytes, sent unchanged; not editable: zstd can't be re-encoded here"
        await wait_for_screen(pilot, app, said)
        assert not app.screen.query("#edit-body")


async def test_t_refuses_whisper_tuis_own_address_as_r_would():
    # T took it and only the next r said no: the prompt now refuses it with r's words.
    app = WhisperApp(Settings(port=0))
    async with app.run_test(size=(100, 24)) as pilot:
        await pilot.press("T")
        await wait_until(pilot, lambda: isinstance(app.screen, UrlPrompt))
        own = f"http://127.0.0.1:{app.port}"
        app.screen.query_one("#url", Input).value = own
        await pilot.press("enter")
        error = app.screen.query_one("#url-error")
        words = f"whisper-tui's own address 127.0.0.1:{app.port} (it would loop)"
        await wait_until(pilot, lambda: words in str(error.render()))
        assert isinstance(app.screen, UrlPrompt) and app.replay_url != own


# -- the target field's grey example, at every width -------------------------------------------


@pytest.mark.parametrize(
    ("size", "shown"),
    [
        ((60, 20), "http://127.0.0.1:…"),  # it read 'e.g.' and nothing more
        ((80, 24), "e.g. http://127.0.0.1:3000"),
        ((200, 50), "e.g. http://127.0.0.1:3000"),
    ],
)
async def test_the_editors_target_field_shows_as_much_of_its_example_as_fits(size, shown):
    store = RequestStore()
    store.add(CapturedRequest(1, 1_764_000_000.0, "127.0.0.1", "POST", "/a", (1, 1), (), b"{}"))
    app = WhisperApp(Settings(port=0), store=store, serve=False)  # no target set yet
    async with app.run_test(size=size) as pilot:
        await pilot.press("R")
        await wait_until(pilot, lambda: isinstance(app.screen, EditReplayScreen))
        field = app.screen.query_one("#edit-target", Input)
        await wait_until(pilot, lambda: field.render_line(0).text.strip() == shown)
        assert field.value == ""  # an example, not a value


def test_the_twilio_label_masks_a_password_in_the_url():
    label = resign_label("twilio", "http://admin:hunter2@127.0.0.1:9/sms")
    assert label == "Re-sign (twilio) for http://admin:***@127.0.0.1:9/sms"
