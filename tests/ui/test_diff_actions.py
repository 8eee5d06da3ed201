"""Marks and `d`: two marked captures are diffed whatever the cursor; one marked is diffed
with the cursor's; the diff's title says which is which."""

from __future__ import annotations

import pytest

from tests.helpers import send_raw, wait_for_list, wait_for_screen, wait_until
from whisper_tui.core.models import CapturedRequest
from whisper_tui.core.settings import Settings
from whisper_tui.ui.app import WhisperApp
from whisper_tui.ui.diff_actions import ordered
from whisper_tui.ui.diff_screen import DiffScreen


def raw_post(path: str, body: bytes) -> bytes:
    head = f"POST {path} HTTP/1.1\r\nHost: h\r\nContent-Length: {len(body)}\r\n\r\n"
    return head.encode() + body


async def five_captures(pilot, app: WhisperApp) -> None:
    for n in range(1, 6):
        await send_raw(app.port, raw_post(f"/hooks/{n}", b'{"n": %d}' % n))
    await wait_for_list(pilot, app, 5)


@pytest.mark.parametrize("size", [(80, 24), (200, 50)])
async def test_with_two_marked_d_diffs_the_two_marked_whatever_the_cursor(size):
    app = WhisperApp(Settings(port=0))
    async with app.run_test(size=size) as pilot:
        await five_captures(pilot, app)
        await pilot.press("g", "m", "j", "m", "G")  # #1 and #2 marked, the cursor on #5
        assert app.request_list.selected.id == 5
        await pilot.press("d")
        await wait_until(pilot, lambda: isinstance(app.screen, DiffScreen))
        screen = app.screen
        # Before: #2 (the last mark) against #5 (the cursor).
        assert (screen.older.id, screen.newer.id) == (1, 2)
        await wait_for_screen(pilot, app, "older #1 (marked)", "newer #2 (marked)")


async def test_with_one_marked_d_diffs_it_with_the_cursor_and_says_which_is_which():
    app = WhisperApp(Settings(port=0))
    async with app.run_test(size=(80, 24)) as pilot:
        await five_captures(pilot, app)
        await pilot.press("G", "m", "g", "j")  # #5 marked, the cursor on #2
        await pilot.press("d")
        await wait_until(pilot, lambda: isinstance(app.screen, DiffScreen))
        assert (app.screen.older.id, app.screen.newer.id) == (2, 5)  # older on the left
        await wait_for_screen(pilot, app, "older #2 (cursor)", "newer #5 (marked)")


async def test_a_mark_deleted_since_counts_no_more():
    app = WhisperApp(Settings(port=0))
    async with app.run_test(size=(80, 24)) as pilot:
        await five_captures(pilot, app)
        await pilot.press("g", "m", "j", "m", "x")  # #1 and #2 marked, then #2 deleted
        await wait_until(pilot, lambda: app.store.get(2) is None)
        await pilot.press("G", "d")
        await wait_until(pilot, lambda: isinstance(app.screen, DiffScreen))
        assert (app.screen.older.id, app.screen.newer.id) == (1, 5)


def capture(capture_id: int, received_at: float) -> CapturedRequest:
    return CapturedRequest(capture_id, received_at, "127.0.0.1", "POST", "/a", (1, 1), (), b"{}")


def test_older_means_arrived_earlier_then_the_lower_id():
    # A --load'ed capture from yesterday is numbered after today's live one.
    live, loaded = capture(1, 1_764_100_000.0), capture(2, 1_764_000_000.0)
    pair = ordered(live, loaded, ("marked", "cursor"))
    assert (pair.older.id, pair.newer.id, pair.roles) == (2, 1, ("cursor", "marked"))
    pair = ordered(loaded, live, ("marked", "cursor"))
    assert (pair.older.id, pair.newer.id, pair.roles) == (2, 1, ("marked", "cursor"))
    # Arrived in the same instant (a clock's resolution): the lower id is the older.
    first, second = capture(1, 1_764_000_000.0), capture(2, 1_764_000_000.0)
    assert ordered(second, first, ("marked", "cursor")).older.id == 1
    assert ordered(first, second, ("marked", "cursor")).older.id == 1


def signed_retry(body: bytes, secret: str) -> bytes:
    import hashlib
    import hmac

    mac = hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    head = (
        "POST /hooks/gh HTTP/1.1\r\nHost: x\r\nX-GitHub-Delivery: 72d3-0958\r\n"
        f"X-Hub-Signature-256: sha256={mac}\r\nContent-Length: {len(body)}\r\n\r\n"
    )
    return head.encode() + body


@pytest.mark.parametrize("size", [(80, 24), (200, 50)])
async def test_the_diff_of_a_retry_says_after_the_body_that_its_signature_stopped_verifying(size):
    # Newcomer C: retries #19 (✓) and #21 (✗, body changed) listed Content-Length and
    # commits[0].message, but not the verdict going from verified to failed.
    app = WhisperApp(Settings(port=0, secrets=(("github", "gh-secret"),)))
    async with app.run_test(size=size) as pilot:
        sent = signed_retry(b'{"message": "fix"}', "gh-secret")
        await send_raw(app.port, sent)
        # The retry: the same signature header over another body (a changed body).
        retry = sent.replace(b"Length: 18", b"Length: 23")
        await send_raw(app.port, retry.replace(b'{"message": "fix"}', b'{"message": "fixed it"}'))
        await wait_for_list(pilot, app, 2)
        await pilot.press("d")  # the selected (newest) with the previous arrival of its delivery
        await wait_until(pilot, lambda: isinstance(app.screen, DiffScreen))
        summary = app.screen.query_one("#diff-summary")
        await wait_until(pilot, lambda: "signature" in str(summary.render()))
        lines = str(summary.render()).splitlines()
        # The body's verdict first ("did the provider resend the same bytes?"), then this.
        assert lines[0] == 'body (1 change): message: "fix" -> "fixed it"'
        assert lines[1].startswith("signature (github): verified -> failed, body changed:")
        await wait_for_screen(pilot, app, "verified -> failed")


STANDARD_SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"


def standard_post(body: bytes, timestamp: int, signed_body: bytes | None = None) -> bytes:
    from whisper_tui.core.signatures import sign

    headers = sign(signed_body or body, "standard", STANDARD_SECRET, [], timestamp, webhook_id="m1")
    head = "POST /hooks/svix HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
    head += "".join(f"{name}: {value}\r\n" for name, value in headers)
    return (head + f"Content-Length: {len(body)}\r\n\r\n").encode() + body


@pytest.mark.parametrize("size", [(80, 24), (200, 50)])
async def test_the_diff_says_when_both_signatures_fail_for_different_reasons(size):
    # Newcomer E: the original's MAC is valid but its timestamp 5 years old, the tampered
    # copy's MAC does not match; both fail, and the summary said nothing of the signature.
    import time

    app = WhisperApp(Settings(port=0, secrets=(("standard", STANDARD_SECRET),)))
    async with app.run_test(size=size) as pilot:
        old = int(time.time()) - 5 * 365 * 86400
        await send_raw(app.port, standard_post(b'{"test": 1}', old))
        await send_raw(app.port, standard_post(b'{"test": 2}', old, signed_body=b'{"test": 1}'))
        await wait_for_list(pilot, app, 2)
        await pilot.press("d")
        await wait_until(pilot, lambda: isinstance(app.screen, DiffScreen))
        await wait_for_screen(pilot, app, "signature (standard): failed -> failed")
        summary = " ".join(str(app.screen.query_one("#diff-summary").render()).split())
        assert (
            "signature (standard): failed -> failed, body changed: "
            "MAC valid, timestamp too old -> no v1 entry matched"
        ) in summary


def summary_lines(app) -> list[str]:
    return str(app.screen.query_one("#diff-summary").render()).splitlines()


async def open_retry_diff(pilot, app, first: bytes, second: bytes) -> None:
    import time

    now = int(time.time())
    await send_raw(app.port, standard_post(first, now))
    await send_raw(app.port, standard_post(second, now + 1))  # the retry, signed again
    await wait_for_list(pilot, app, 2)
    await pilot.press("d")
    await wait_until(pilot, lambda: isinstance(app.screen, DiffScreen))
    await wait_until(
        pilot, lambda: "comparing" not in str(app.screen.query_one("#diff-summary").render())
    )


async def test_at_80x24_a_retry_s_body_change_is_the_summary_s_first_line():
    # Newcomer E: the summary's rows went to webhook-timestamp and webhook-signature, and
    # `data.status: "open" -> "paid"` only showed after v.
    app = WhisperApp(Settings(port=0, secrets=(("standard", STANDARD_SECRET),)))
    async with app.run_test(size=(80, 24)) as pilot:
        body = b'{"type": "invoice.paid", "data": {"amount": 4200, "status": "%s"}}'
        await open_retry_diff(pilot, app, body % b"open", body % b"paid")
        assert summary_lines(app)[0] == 'body (1 change): data.status: "open" -> "paid"'
        await wait_for_screen(pilot, app, 'body (1 change): data.status: "open" -> "paid"')


async def test_at_80x24_an_identical_retry_says_identical_without_v():
    app = WhisperApp(Settings(port=0, secrets=(("standard", STANDARD_SECRET),)))
    async with app.run_test(size=(80, 24)) as pilot:
        await open_retry_diff(pilot, app, b'{"n": 1}', b'{"n": 1}')
        first = "identical but for volatile headers (v hides them): same body (8 B)"
        assert summary_lines(app)[0] == first
        await wait_for_screen(pilot, app, first)
        # Both verified, for the same reason: no signature line; the headers follow.
        assert not any(line.startswith("signature") for line in summary_lines(app))
        assert summary_lines(app)[1].startswith("header webhook-timestamp")
