"""No key ends the app: every action in the table, pressed on hostile and signed captures.

The action table is read at run time, so an action added later is walked too. Quitting is the
one action that may end the app; everything else must leave it running, whatever is selected.
"""

from __future__ import annotations

import base64
import gzip
import hashlib
import hmac

import pytest

from tests.helpers import send_raw, wait_for_list
from tests.hostile_helpers import post
from whisper_tui.core.settings import Settings
from whisper_tui.ui.action_registry import all_actions
from whisper_tui.ui.action_types import Action
from whisper_tui.ui.app import WhisperApp

STANDARD_SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
TWILIO_TOKEN = "12345"
ENDS_THE_APP = {"quit", "quit_main", "quit_or_copy"}
"""What the quitting actions run: the only ones that may end the app."""


def standard_signed(body: bytes) -> list[bytes]:
    key = base64.b64decode(STANDARD_SECRET.removeprefix("whsec_"))
    mac = hmac.new(key, b"msg_1.1700000000." + body, hashlib.sha256).digest()
    signature = base64.b64encode(mac).decode()
    return [
        b"webhook-id: msg_1",
        b"webhook-timestamp: 1700000000",
        f"webhook-signature: v1,{signature}".encode(),
        b"Content-Type: application/json",
    ]


HOSTILE_AND_SIGNED = [
    # Markup, escapes and C1 controls in the target, a header and the body; UTF-8 and
    # undecodable header values.
    post(
        b"/hooks/%1b]0;title%07[bold]x?q=%1b[2J",
        b"\x1b[2J\x9b31m [/bold] text",
        b"Content-Type: text/plain",
        "X-Name: \u202egnp.exe Zo\u00eb".encode(),
        b"X-Bad: \xff\xfe",
    ),
    post(b"/json", b'{"a": [1, 2, {"b": "\xff\xfe"}', b"Content-Type: application/json"),
    post(
        b"/gz",
        gzip.compress(b"0" * 2_000_000),
        b"Content-Encoding: gzip",
        b"Content-Type: application/json",
    ),
    # Signed twice: Standard Webhooks (re-signable) and Twilio with bodySHA256 in the URL,
    # which an edited body no longer matches (re-signing it used to crash the app).
    post(
        b"/sms?bodySHA256=" + hashlib.sha256(b'{"n": 1}').hexdigest().encode(),
        b'{"n": 1}',
        *standard_signed(b'{"n": 1}'),
        b"X-Twilio-Signature: AAAA",
    ),
]


def walkable() -> list[Action]:
    return [
        action
        for action in all_actions()
        if action.runs not in ENDS_THE_APP and action.scope in ("app", "list", "detail")
    ]


async def leave_everything_open(pilot, app) -> None:
    """Close whatever the action opened (dialogs, the diff, the filter) to get back."""
    for _ in range(4):
        if len(app.screen_stack) == 1:
            break
        await pilot.press("escape")
        await pilot.pause()


@pytest.mark.parametrize("raw", HOSTILE_AND_SIGNED, ids=lambda raw: raw.split(b" ")[1][:12])
async def test_no_action_ends_the_app(raw, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # the export dialog's Ctrl+S saves into the working directory
    settings = Settings(
        port=0,
        secrets=(("standard", STANDARD_SECRET), ("twilio", TWILIO_TOKEN)),
        public_url="https://pub.example",
    )
    app = WhisperApp(settings)
    # Where nothing answers: a replay fails quickly instead of hanging the test.
    app.replay_url = "http://127.0.0.1:9"
    async with app.run_test(size=(80, 24)) as pilot:
        for action in walkable():
            if not len(app.store):  # a delete or clear-all action emptied it: send again
                await send_raw(app.port, raw)
                await send_raw(app.port, raw)
                await wait_for_list(pilot, app, 2)
            if app.request_list.selected is None:
                app.request_list.focus()
                await pilot.press("end")
            # Every capture is a copy of `raw`, so whichever is selected will do: moving to the
            # last one before each action re-rendered the detail each time (a third of the
            # test's time) and tested nothing more.
            assert app.request_list.selected is not None, f"nothing selected for {action.id}"
            target = app.detail if action.scope == "detail" else app.request_list
            target.focus()
            await pilot.press(action.keys.split(",")[0])
            await pilot.pause()
            if len(app.screen_stack) > 1:
                # Inside a dialog: its own send/confirm key as well, then back out.
                await pilot.press("ctrl+s")
                await pilot.pause()
            await leave_everything_open(pilot, app)
            assert app.is_running, f"{action.id} ended the app"
        assert app.return_code in (None, 0)
