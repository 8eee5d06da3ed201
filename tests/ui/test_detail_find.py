"""f in the detail: matches highlighted and counted, stepped through and scrolled to, Esc
closing the bar; counting a 5 MB body's matches never blocks the loop."""

from __future__ import annotations

import asyncio
import gc
import json
import time

import pytest
from textual.app import App

from tests.helpers import screen_text, wait_for_screen, wait_until
from tests.ui.test_detail import LONG_LINE, DetailApp, capture, text_capture
from whisper_tui.core.settings import Settings
from whisper_tui.ui.app import WhisperApp

pytestmark = pytest.mark.usefixtures("utc")


def match_colour(app: App, name: str) -> str:
    """The background of a find highlight in the current theme."""
    return app.console.get_style(name).bgcolor.triplet.hex


def styled_spans(app: App, needle: str) -> list[str]:
    """Background colours of the cells where `needle` starts on screen."""
    from tests.helpers import segments_at

    return [str(s.style.bgcolor.name if s.style else "") for s in segments_at(app, needle)]


async def test_find_highlights_counts_and_steps_through_matches():
    app = DetailApp()
    async with app.run_test(size=(80, 24)) as pilot:
        body = json.dumps({"type": "invoice.PAID", "note": "paid in full", "id": 1}).encode()
        app.show(capture(body=body))
        await pilot.pause()
        app.detail.focus()
        await pilot.press("f")
        await pilot.pause()
        for key in "paid":
            await pilot.press(key)
        await wait_for_screen(pilot, app, "find: paid", "2 matches")
        match, current = (match_colour(app, name) for name in ("wt.match", "wt.match.current"))
        assert all(colour == match for colour in styled_spans(app, "PAID"))
        await pilot.press("enter")
        await wait_for_screen(pilot, app, "match 1 of 2")
        assert app.focused is app.detail
        await pilot.press("enter")
        await wait_for_screen(pilot, app, "match 2 of 2")
        await pilot.press("N")
        await wait_for_screen(pilot, app, "match 1 of 2")
        assert styled_spans(app, "PAID") == [current]  # the current match stands out
        await pilot.press("escape")
        await pilot.pause()
        assert "find:" not in screen_text(app)
        assert styled_spans(app, "PAID")[0] not in (match, current)


async def test_find_without_a_match_says_so_and_esc_then_clears_the_filter_again():
    app = WhisperApp(Settings(port=0))
    async with app.run_test(size=(80, 24)) as pilot:
        app.store.add(capture())
        await wait_until(pilot, lambda: app.detail.request is not None)
        app.detail.focus()
        await pilot.press("f")
        await pilot.pause()
        for key in "zzz":
            await pilot.press(key)
        await wait_for_screen(pilot, app, "no match")
        await pilot.press("escape")
        await pilot.pause()
        assert app.detail.find_status == ""
        # With no find open, Esc in the detail is the app's again (it clears the filter).
        assert app.detail.check_action("close_find", ()) is False


async def test_find_scrolls_to_a_match_far_down_and_sideways():
    app = DetailApp()
    async with app.run_test(size=(80, 24)) as pilot:
        body = "\n".join([f"line {n}" for n in range(3_000)] + [LONG_LINE])
        app.show(text_capture(body))
        await pilot.pause()
        app.detail.find("end-of-line")
        await wait_until(pilot, lambda: app.detail.find_status == "1 match", timeout=10)
        app.detail.action_find_step(1)
        await wait_for_screen(pilot, app, "END-OF-LINE-307")
        assert app.detail.scroll_x > 0


async def test_counting_matches_in_a_5_mb_body_never_blocks_the_loop():
    app = DetailApp()
    async with app.run_test(size=(120, 30)) as pilot:
        big = json.dumps(
            [{"n": n, "word": "needle" if n % 100 == 0 else "hay"} for n in range(180_000)]
        )
        assert len(big) > 5_000_000
        app.show(capture(body=big.encode()))
        await wait_for_screen(pilot, app, '"n": 0')
        # A full collection walks every live object of the whole test process (1,600 tests'
        # worth under CI, 0.38 s once), which says nothing about the detail: collector time
        # is taken out of each beat, so what remains is the loop's own work.
        collecting = {"since": 0.0, "total": 0.0}

        def on_gc(phase: str, info: dict) -> None:
            if phase == "start":
                collecting["since"] = time.perf_counter()
            else:
                collecting["total"] += time.perf_counter() - collecting["since"]

        stalls = []
        last = asyncio.get_running_loop().time()
        collected_at_last = 0.0

        def beat() -> None:
            nonlocal last, collected_at_last
            now = asyncio.get_running_loop().time()
            stalls.append(now - last - (collecting["total"] - collected_at_last))
            last = now
            collected_at_last = collecting["total"]

        gc.callbacks.append(on_gc)
        try:
            timer = app.set_interval(0.01, beat)
            started = time.perf_counter()
            app.detail.find("NEEDLE")
            assert time.perf_counter() - started < 0.05
            await wait_until(pilot, lambda: app.detail.find_status == "1,800 matches", timeout=60)
            timer.stop()
        finally:
            gc.callbacks.remove(on_gc)
        # Slices are a few ms; the bound leaves room for a loaded machine, not for a 5 MB scan
        # (one pass over the body takes seconds).
        assert max(stalls) < 0.3, max(stalls)


async def test_enter_pressed_while_searching_goes_to_the_first_match_once_found():
    # Before: Enter before the search reached a match did nothing; the bar then said
    # "1 match" and the view stayed at the top (seen in tmux on a big body).
    app = DetailApp()
    async with app.run_test(size=(80, 24)) as pilot:
        body = "\n".join([f"line {n}" for n in range(300_000)] + ["the needle is here"])
        app.show(text_capture(body))
        await pilot.pause()
        app.detail.find("needle")
        assert app.detail.find_status.startswith("searching")  # not found in the first slice
        app.detail.action_find_step(1)
        await wait_until(pilot, lambda: app.detail.find_status == "match 1 of 1", timeout=30)
        await wait_for_screen(pilot, app, "the needle is here")
