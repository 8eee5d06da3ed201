"""The filter field in the app: typed text filters the list, a bad filter says why, Esc clears."""

from __future__ import annotations

import gzip
import hashlib
import hmac
import threading
from dataclasses import replace

import pytest

from tests.helpers import screen_text, send_raw, wait_for_list, wait_for_screen, wait_until
from whisper_tui.core import filter_match
from whisper_tui.core.settings import Settings
from whisper_tui.ui.app import WhisperApp


def raw_post(path: str, body: bytes) -> bytes:
    head = f"POST {path} HTTP/1.1\r\nHost: x\r\nContent-Length: {len(body)}\r\n\r\n"
    return head.encode() + body


async def test_typing_filters_and_escape_shows_everything_again():
    app = WhisperApp(Settings(port=0))
    async with app.run_test(size=(80, 24)) as pilot:
        for path in ("/hooks/a", "/other", "/hooks/b"):
            await send_raw(app.port, raw_post(path, b"x"))
        await wait_for_list(pilot, app, 3)
        await pilot.press("slash", *"path:/hooks/*", "enter")
        await wait_until(pilot, lambda: len(app.request_list.view) == 2)
        assert [app.request_list.view[i].path for i in range(2)] == ["/hooks/a", "/hooks/b"]
        await pilot.press("escape")
        await wait_until(pilot, lambda: len(app.request_list.view) == 3)


async def test_a_filter_that_cannot_be_read_says_why_and_keeps_the_list():
    app = WhisperApp(Settings(port=0))
    async with app.run_test(size=(80, 24)) as pilot:
        await send_raw(app.port, raw_post("/a", b"x"))
        await wait_for_list(pilot, app, 1)
        await pilot.press("slash", *'"open', "enter")
        error = app.screen.query_one("#filter-error")
        await wait_until(pilot, lambda: "unbalanced quotes" in str(error.render()))
        assert error.display
        assert len(app.request_list.view) == 1


async def test_a_mistyped_field_says_so_in_the_filter_bar():
    app = WhisperApp(Settings(port=0))
    async with app.run_test(size=(120, 24)) as pilot:
        await send_raw(app.port, raw_post("/a", b"x"))
        await wait_for_list(pilot, app, 1)
        await pilot.press("slash", *"status:abc", "enter")
        error = app.screen.query_one("#filter-error")
        await wait_until(pilot, lambda: "a status is a number" in str(error.render()))
        assert error.display and len(app.request_list.view) == 1


async def test_a_filter_matching_nothing_says_so_in_the_detail_and_how_to_clear_it():
    app = WhisperApp(Settings(port=0))
    async with app.run_test(size=(100, 30)) as pilot:
        for n in range(9):
            await send_raw(app.port, raw_post(f"/hooks/{n}", b"x"))
        await wait_for_list(pilot, app, 9)
        await pilot.press("slash", *"nomatchxyz", "enter")
        text = await wait_for_screen(pilot, app, "Nothing matches")
        assert "Waiting for requests" not in text
        assert (
            "nomatchxyz" in text and "9 captures are hidden by" in text and "Esc clears it" in text
        )
        await pilot.press("escape")
        await wait_until(pilot, lambda: len(app.request_list.view) == 9)
        text = await wait_for_screen(pilot, app, "POST /hooks/8")
        assert "Nothing matches" not in text


async def test_a_repeat_filter_follows_a_loaded_arrival_that_came_before_the_live_ones():
    app = WhisperApp(Settings(port=0))
    async with app.run_test(size=(80, 24)) as pilot:
        hook = (
            b"POST /gh HTTP/1.1\r\nHost: x\r\nX-GitHub-Delivery: 72d3\r\nContent-Length: 0\r\n\r\n"
        )
        for _ in range(2):
            await send_raw(app.port, hook)
        await wait_for_list(pilot, app, 2)
        await pilot.press("slash", *"repeat:yes", "enter")
        await wait_until(pilot, lambda: [r.id for r in app.request_list.view] == [2])
        # What --load files on the loop: an arrival of the same delivery received earlier.
        first, _ = list(app.store)
        earliest = replace(first, id=app.store.next_id(), received_at=first.received_at - 60)
        app.store.add_loaded([earliest])
        # It is ↻1 now, and #1 a retry: the filter runs again and shows both live ones.
        await wait_until(pilot, lambda: [r.id for r in app.request_list.view] == [1, 2])


async def test_a_filter_error_is_readable_whole_at_80x24():
    app = WhisperApp(Settings(port=0))
    async with app.run_test(size=(80, 24)) as pilot:
        await send_raw(app.port, raw_post("/a", b"x"))
        await wait_for_list(pilot, app, 1)
        await pilot.press("slash", *"status:500 method:", "enter")
        # Before: one row, cut at "filter: method: needs a value, e.g.".
        text = await wait_for_screen(pilot, app, "needs a value")
        box = app.screen.query_one("#filter-error").region
        rows = [row[box.x : box.right] for row in text.splitlines()[box.y : box.bottom]]
        assert " ".join(" ".join(rows).split()) == (
            "not applied, list shows all: method: needs a value, e.g. method:POST"
        )
        field = app.screen.query_one("#filter").region
        assert not field.overlaps(box)  # what was typed stays in view above the error
        assert "status:500 method:" in text.splitlines()[field.y + 1]


async def test_a_compressed_arrival_under_a_filter_is_inflated_off_the_loop(monkeypatch):
    # A small gzip body may inflate to 4 MiB for the search: tens of ms the server, which
    # shares the loop, would wait. It is searched in a worker and joins the list after it.
    inflated_on = []
    real = filter_match.decode_request_body

    def recorded(*args, **kwargs):
        inflated_on.append(threading.current_thread() is threading.main_thread())
        return real(*args, **kwargs)

    monkeypatch.setattr(filter_match, "decode_request_body", recorded)
    app = WhisperApp(Settings(port=0))
    async with app.run_test(size=(80, 24)) as pilot:
        await send_raw(app.port, raw_post("/hooks/plain", b"acme"))
        await wait_for_list(pilot, app, 1)
        await pilot.press("slash", *"acme", "enter")
        await wait_until(pilot, lambda: app.request_list.view.text == "acme")
        body = gzip.compress(b'{"customer": "Acme Widgets"}')
        head = "POST /hooks/zipped HTTP/1.1\r\nHost: x\r\nContent-Encoding: gzip\r\n"
        await send_raw(app.port, f"{head}Content-Length: {len(body)}\r\n\r\n".encode() + body)
        await send_raw(app.port, raw_post("/hooks/after", b"acme"))
        await wait_until(pilot, lambda: len(app.request_list.view) == 3)
        shown = app.request_list.view
        paths = [shown[i].path for i in range(3)]
        assert paths == ["/hooks/plain", "/hooks/zipped", "/hooks/after"]
    assert inflated_on and not any(inflated_on)


def github_post(body: bytes, secret: str) -> bytes:
    mac = hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    head = (
        f"POST /gh HTTP/1.1\r\nHost: x\r\nX-Hub-Signature-256: sha256={mac}\r\n"
        f"Content-Length: {len(body)}\r\n\r\n"
    )
    return head.encode() + body


@pytest.mark.parametrize("size", [(80, 24), (200, 50)])
async def test_provider_and_sig_filter_the_list_and_a_bad_term_says_which_filter_it_shows(size):
    app = WhisperApp(Settings(port=0, secrets=(("github", "gh-secret"),)))
    async with app.run_test(size=size) as pilot:
        await send_raw(app.port, github_post(b'{"n": 1}', "gh-secret"))  # #1 verified
        await send_raw(app.port, github_post(b'{"n": 2}', "forged"))  # #2 failed
        await send_raw(app.port, raw_post("/plain", b"x"))  # #3 unsigned
        await wait_for_list(pilot, app, 3)
        await pilot.press("slash", *"provider:github", "enter")
        await wait_until(pilot, lambda: [r.id for r in app.request_list.view] == [1, 2])
        await pilot.press("slash", "ctrl+a", "ctrl+k", *"sig:failed", "enter")
        await wait_until(pilot, lambda: [r.id for r in app.request_list.view] == [2])
        await pilot.press("slash", "ctrl+a", "ctrl+k", *"sig:none", "enter")
        await wait_until(pilot, lambda: [r.id for r in app.request_list.view] == [3])
        # A term that can't match: the list keeps sig:none's rows, and the bar says so.
        await pilot.press("slash", "ctrl+a", "ctrl+k", *"provider:slak", "enter")
        error = app.screen.query_one("#filter-error")
        await wait_until(pilot, lambda: "provider:slak" in str(error.render()))
        said = " ".join(str(error.render()).split())
        assert said.startswith("not applied, list shows 'sig:none': provider:slak: one of")
        assert [r.id for r in app.request_list.view] == [3]
        await wait_for_screen(
            pilot, app, "not applied, list shows", "showing 1 of 3 for 'sig:none'"
        )


async def test_at_80x24_a_long_filter_error_shows_whole():
    # Newcomer C: 'provider:slack' ended '... remote, delivery, repeat (body:slack' at 80x24.
    try:
        filter_match.compile_filter("nosuchfield:slack")
    except filter_match.FilterError as problem:
        words = f"filter: {problem}".split()
    app = WhisperApp(Settings(port=0))
    async with app.run_test(size=(80, 24)) as pilot:
        await send_raw(app.port, raw_post("/a", b"x"))
        await wait_for_list(pilot, app, 1)
        await pilot.press("slash", *"nosuchfield:slack", "enter")
        error = app.screen.query_one("#filter-error")
        await wait_until(pilot, lambda: error.display and error.region.height > 0)
        await pilot.pause()
        shown = " ".join(screen_text(app).split())
        assert " ".join(words[-4:]) in shown, shown
