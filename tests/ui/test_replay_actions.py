"""`r` in the app: nothing selected is a warning, a replay goes to the target and is recorded;
`T` changes the target, and a replay that can't reach it says so."""

from __future__ import annotations

import asyncio

from aiohttp import web
from textual.widgets import Input

from tests.helpers import (
    plain_capture,
    screen_text,
    send_raw,
    serving,
    wait_for_list,
    wait_until,
    wait_until_settled,
)
from whisper_tui.core.settings import Settings
from whisper_tui.ui.app import WhisperApp
from whisper_tui.ui.replay_actions import sending_keys


def notified(app, words: str) -> bool:
    return any(words in notification.message for notification in app._notifications)


async def test_replay_with_nothing_selected_warns_and_sends_nothing():
    app = WhisperApp(Settings(port=0))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("r")
        await wait_until(pilot, lambda: notified(app, "Nothing to replay"))
        assert app.is_running and len(app.screen_stack) == 1


async def test_r_sends_the_stored_bytes_to_the_replay_target_and_keeps_the_attempt():
    received: list[bytes] = []

    async def handler(request: web.BaseRequest) -> web.Response:
        received.append(await request.read())
        return web.Response(text="ok")

    app = WhisperApp(Settings(port=0, forward_url=None))
    async with serving(handler) as url, app.run_test(size=(80, 24)) as pilot:
        app.replay_url = url
        body = b"\x00exact\xff"
        head = f"POST /x HTTP/1.1\r\nHost: x\r\nContent-Length: {len(body)}\r\n\r\n"
        await send_raw(app.port, head.encode() + body)
        await wait_for_list(pilot, app, 1)
        await pilot.press("r")
        await wait_until(pilot, lambda: app.store.attempts(1))
        assert received == [body]
        assert app.store.attempts(1)[0].status == 200


async def test_t_changes_a_target_that_cannot_be_reached_and_the_failure_says_how(down_port):
    received: list[bytes] = []

    async def handler(request: web.BaseRequest) -> web.Response:
        received.append(await request.read())
        return web.Response(text="ok")

    mistyped = f"http://127.0.0.1:{down_port}"
    app = WhisperApp(Settings(port=0))
    async with serving(handler) as url, app.run_test(size=(80, 24)) as pilot:
        app.replay_url = mistyped
        await send_raw(app.port, b"POST /x HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\n\r\n1")
        await wait_for_list(pilot, app, 1)
        await pilot.press("r")
        await wait_until(pilot, lambda: app.store.attempts(1))
        # The toast and the attempt line say which key changes the target.
        toast = app._notifications
        assert any("T changes the replay target" in n.message for n in toast)
        await wait_until(pilot, lambda: "T changes the replay target" in screen_text(app))

        await pilot.press("T")
        await wait_until(pilot, lambda: len(app.screen_stack) == 2)
        field = app.screen.query_one("#url", Input)
        assert field.value == mistyped  # prefilled, to edit
        await pilot.press("ctrl+u", *url, "enter")
        await wait_until(pilot, lambda: len(app.screen_stack) == 1)
        assert app.replay_url == url
        await pilot.press("r")
        await wait_until(pilot, lambda: received == [b"1"])


async def test_the_failure_names_the_key_a_keymap_gave_the_target_change(down_port):
    # The toast and the detail's attempt line both: not the default T that no longer does it.
    app = WhisperApp(Settings(port=0, keymap=(("replay_target", "ctrl+t"),)))
    async with app.run_test(size=(80, 24)) as pilot:
        app.replay_url = f"http://127.0.0.1:{down_port}"
        await send_raw(app.port, b"POST /x HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\n\r\n1")
        await wait_for_list(pilot, app, 1)
        await pilot.press("r")
        await wait_until(pilot, lambda: app.store.attempts(1))
        hint = "Ctrl+T changes the replay target"
        assert any(hint in n.message for n in app._notifications)
        await wait_until(pilot, lambda: hint in screen_text(app))
        assert "T changes the replay target" not in screen_text(app).replace(hint, "")


async def test_esc_in_the_target_prompt_keeps_the_target():
    app = WhisperApp(Settings(port=0))
    async with app.run_test(size=(80, 24)) as pilot:
        app.replay_url = "http://127.0.0.1:3001"
        await pilot.press("T")
        await wait_until(pilot, lambda: len(app.screen_stack) == 2)
        await pilot.press("end", "9", "escape")
        await wait_until(pilot, lambda: len(app.screen_stack) == 1)
        assert app.replay_url == "http://127.0.0.1:3001"


async def test_t_before_any_target_sets_one_and_says_so_without_replaying():
    # The first T asks as a change of target, not as r's "Enter replays".
    app = WhisperApp(Settings(port=0))
    async with app.run_test(size=(80, 24)) as pilot:
        await send_raw(app.port, b"POST /x HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\n\r\n1")
        await wait_for_list(pilot, app, 1)
        await pilot.press("T")
        await wait_until(pilot, lambda: len(app.screen_stack) == 2)
        shown = screen_text(app)
        assert "Replay target" in shown and "Enter keeps it for this session" in shown
        assert "Enter replays" not in shown
        await pilot.press("h", "right", "enter")  # the suggestion, offered once begun
        await wait_until(pilot, lambda: len(app.screen_stack) == 1)
        assert app.replay_url == "http://127.0.0.1:3000"
        await wait_until_settled(pilot)  # a replay would be a worker still running
        assert app.store.attempts(1) == []  # set, not replayed


async def test_the_target_prompt_names_the_keys_a_keymap_gave_replay_and_probe():
    app = WhisperApp(Settings(port=0, keymap=(("replay", "ctrl+r"), ("probe", "P"))))
    async with app.run_test(size=(100, 24)) as pilot:
        await pilot.press("T")
        await wait_until(pilot, lambda: "Replay (Ctrl+R, R, P) and export" in screen_text(app))


async def test_the_palette_changes_the_replay_target():
    app = WhisperApp(Settings(port=0))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("ctrl+p", *"replay target")
        await wait_until(pilot, lambda: "Change replay target" in screen_text(app))
        await pilot.press("enter")
        await wait_until(pilot, lambda: app.screen.query("#url"))


async def test_the_keys_that_send_to_the_replay_target_are_named_as_in_effect():
    # One place names them for T's prompt and toast and R's target field: r, R and I share
    # the target ('r, I' left R out).
    assert sending_keys(None) == "r, R, I"
    app = WhisperApp(Settings(port=0, keymap=(("replay", "ctrl+r"),)), serve=False)
    async with app.run_test(size=(120, 30)) as pilot:  # R's field shows its title whole
        assert sending_keys(app) == "Ctrl+R, R, I"
        app.store.add(plain_capture(1))
        await wait_until(pilot, lambda: app.request_list.selected is not None)
        await pilot.press("T")
        await wait_until(pilot, lambda: "Replay (Ctrl+R, R, I) and export" in screen_text(app))
        await pilot.press("escape", "R")
        await wait_until(pilot, lambda: "Replay target of Ctrl+R, R, I" in screen_text(app))


async def test_a_replay_target_s_password_is_masked_in_the_toast_but_sent(toasts_stay):
    authorizations: list[str] = []
    answer = (
        asyncio.Event()
    )  # held until the 'Replaying…' toast, which the answer replaces, is read

    async def handler(request: web.BaseRequest) -> web.Response:
        authorizations.append(request.headers.get("Authorization", ""))
        await answer.wait()
        return web.Response(text="ok")

    app = WhisperApp(Settings(port=0))
    async with serving(handler) as url, app.run_test(size=(80, 24)) as pilot:
        app.replay_url = url.replace("http://", "http://admin:hunter2pass@")
        await send_raw(app.port, b"POST /x HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\n\r\n1")
        await wait_for_list(pilot, app, 1)
        await pilot.press("r")
        await wait_until(pilot, lambda: authorizations)
        messages = " ".join(n.message for n in app._notifications)
        assert "Replaying #1 to http://admin:***@127.0.0.1:" in messages
        answer.set()
        await wait_until(pilot, lambda: app.store.attempts(1))
        messages += " ".join(n.message for n in app._notifications)
        assert "hunter2pass" not in messages + screen_text(app)
        assert authorizations and authorizations[0].startswith("Basic ")
