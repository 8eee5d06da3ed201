"""Toasts: a newer one replaces the older of its kind or the same words; a full screen takes
them away; compact under 30 rows, roomy above."""

from __future__ import annotations

import pytest
from textual.widgets._toast import Toast, ToastHolder

from tests.helpers import (
    app_with_captures,
    numbered_capture,
    send_raw,
    wait_for_list,
    wait_until,
)
from tests.ui.test_body_modes import capture_one
from tests.ui.test_detail import DetailApp, capture
from tests.ui.test_replay_screens import downstream, raw_post  # noqa: F401 (a fixture)
from whisper_tui.core.settings import Settings
from whisper_tui.core.store import RequestStore
from whisper_tui.ui.app import WhisperApp
from whisper_tui.ui.toasts import toast

pytestmark = pytest.mark.usefixtures("toasts_stay")  # no toast expires while read


def titles(app) -> list[str]:
    """The titles of the toasts on screen."""
    return [str(t._notification.title) for t in app.screen.query(Toast)]


def shown(app) -> list[str]:
    """The messages of the toasts on screen, top to bottom."""
    return [str(t._notification.message) for t in app.screen.query(Toast)]


async def test_a_newer_toast_replaces_the_older_of_its_kind_and_leaves_no_gap():
    app = WhisperApp(Settings(port=0), serve=False)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        app.notify("copied a", kind="copy")
        app.notify("wrap on", kind="wrap")
        app.notify("a warning")  # no kind: never replaced
        await wait_until(pilot, lambda: len(shown(app)) == 3)
        app.notify("copied b", kind="copy")
        await wait_until(pilot, lambda: shown(app) == ["wrap on", "a warning", "copied b"])
        assert [n.message for n in app._notifications] == ["wrap on", "a warning", "copied b"]
        # The replaced toast's holder went with it: an empty one left a blank row between.
        assert len(app.screen.query(ToastHolder)) == 3


async def test_pressing_v_twice_shows_one_body_view_toast():
    app = WhisperApp(Settings(port=0))
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await capture_one(pilot, app, b"a\r\n", b"Content-Type: text/plain")
        await pilot.press("v", "v")
        hex_toast = "body view: hex, the bytes as stored"
        await wait_until(pilot, lambda: hex_toast in shown(app))
        assert shown(app) == [hex_toast]  # raw's is gone: replaced, as no toast expires here


@pytest.mark.parametrize(("size", "rows", "gap"), [((80, 24), 2, 0), ((200, 50), 4, 1)])
async def test_a_toast_is_compact_on_a_short_screen_and_roomy_on_a_tall_one(size, rows, gap):
    # At 80x24 Textual's padding (a blank row above and below) and the gap above each toast
    # made two toasts cover most of the detail's body; at 200x50 there is room for them.
    app = WhisperApp(Settings(port=0), serve=False)
    async with app.run_test(size=size, notifications=True) as pilot:
        app.notify("long lines wrap", title="Wrap on")
        await wait_until(pilot, lambda: len(shown(app)) == 1)
        await pilot.pause()
        [widget] = app.screen.query(Toast)
        assert (widget.outer_size.height, widget.styles.margin.top) == (rows, gap)


async def test_a_widget_in_a_plain_app_gets_an_ordinary_toast_without_markup():
    app = DetailApp()
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        app.show(capture(body=b"{}"))
        toast(app, "[bold]not markup", kind="copy", timeout=3)
        await wait_until(pilot, lambda: shown(app) == ["[bold]not markup"])


def overlapping(app, selectors: tuple[str, ...]) -> list[str]:
    """Which of `selectors` (shown) a toast on the screen covers."""
    toasts = [t.region for t in app.screen.query(Toast) if t.region.height]
    assert toasts, "no toast showing"
    return [
        selector
        for selector in selectors
        for widget in app.screen.query(selector)
        if widget.display and any(widget.region.overlaps(region) for region in toasts)
    ]


LONG = "Replay #1 failed: connection refused to 127.0.0.1:9 (T changes the replay target)"


@pytest.mark.parametrize("size", [(80, 24), (200, 50)])
async def test_a_toast_never_covers_the_find_bar(size):
    # `Copied 5 characters` sat over the find bar's 'match 1 of 1'.
    store = RequestStore()
    store.add(numbered_capture(1, b'{"b": "hello"}'))
    app = WhisperApp(Settings(port=0), store=store, serve=False)
    async with app.run_test(size=size, notifications=True) as pilot:
        await wait_until(pilot, lambda: app.detail.request is not None)
        app.detail.focus()
        await pilot.press("f", *"hello", "enter", "y")
        await wait_until(pilot, lambda: any(t.region.height for t in app.screen.query(Toast)))
        assert overlapping(app, ("FindBar",)) == []


@pytest.mark.parametrize("size", [(80, 24), (200, 50)])
@pytest.mark.parametrize(
    ("opener", "controls"),
    [
        ("R", ("#edit-error", "#edit-buttons", "#edit-resign-line")),
        ("e", ("#export-save", "#export-status")),
    ],
)
@pytest.mark.parametrize("toast_first", [False, True], ids=["toast in", "dialog over"])
async def test_a_toast_never_covers_a_dialogs_buttons(size, opener, controls, toast_first):
    # `Replay #12 failed ...` sat over the R editor's Send/Cancel row.
    app = app_with_captures(1)
    async with app.run_test(size=size, notifications=True) as pilot:
        await wait_until(pilot, lambda: app.detail.request is not None)
        if toast_first:  # still showing when the dialog opens: it moves onto the dialog
            app.notify(LONG, severity="error", timeout=60)
        await pilot.press(opener)
        await wait_until(pilot, lambda: len(app.screen_stack) > 1)
        await pilot.pause()
        if not toast_first:
            app.notify(LONG, severity="error")
        await wait_until(pilot, lambda: any(t.region.height for t in app.screen.query(Toast)))
        await pilot.pause()
        assert overlapping(app, controls) == []


@pytest.mark.parametrize("size", [(80, 24), (200, 50)])
async def test_a_toast_showing_before_the_find_bar_opens_is_lifted_above_it(size):
    # Lifted only as each toast came: one already showing stayed put, behind the new bar.
    store = RequestStore()
    store.add(numbered_capture(1, b'{"b": "hello"}'))
    app = WhisperApp(Settings(port=0), store=store, serve=False)
    async with app.run_test(size=size, notifications=True) as pilot:
        await wait_until(pilot, lambda: app.detail.request is not None)
        app.detail.focus()
        app.notify(LONG, timeout=60)
        await wait_until(pilot, lambda: any(t.region.height for t in app.screen.query(Toast)))
        await pilot.press("f")
        await wait_until(pilot, lambda: any(bar.display for bar in app.screen.query("FindBar")))
        await pilot.pause()
        await pilot.pause()
        assert overlapping(app, ("FindBar",)) == []
        await pilot.press("escape")  # closed: the toast goes back down to the footer
        await pilot.pause()
        await pilot.pause()
        racks = list(app.screen.query("ToastRack"))
        assert racks and all(rack.styles.margin.bottom == 1 for rack in racks)


async def test_a_toast_showing_before_a_dialogs_error_line_shows_is_lifted_above_it():
    app = app_with_captures(1)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await wait_until(pilot, lambda: app.detail.request is not None)
        await pilot.press("R")
        await wait_until(pilot, lambda: len(app.screen_stack) > 1)
        app.notify(LONG, timeout=60)
        await wait_until(pilot, lambda: any(t.region.height for t in app.screen.query(Toast)))
        app.screen.query_one("#edit-error").update("a long error line about the URL")
        app.screen.query_one("#edit-error").display = True
        await pilot.pause()
        await pilot.pause()
        assert overlapping(app, ("#edit-error", "#edit-buttons")) == []


async def test_the_same_words_again_replace_the_toast_showing():
    app = WhisperApp(Settings(port=0), serve=False)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        app.notify("No more changes that way.")
        app.notify("something else")
        await wait_until(pilot, lambda: len(shown(app)) == 2)
        app.notify("No more changes that way.")  # its time starts again, not a second toast
        await wait_until(
            pilot, lambda: shown(app) == ["something else", "No more changes that way."]
        )
        app.notify("No more changes that way.", title="Diff")  # other words: another toast
        await wait_until(pilot, lambda: len(shown(app)) == 3)


async def test_a_toast_from_the_list_is_gone_when_the_diff_opens_and_n_stacks_none():
    # Newcomer E: 'Nothing to diff' stayed over the diff's one change for its 5 s; n pressed
    # twice past the last change stacked two 'No more changes that way.'.
    from whisper_tui.ui.diff_screen import DiffScreen

    app = WhisperApp(Settings(port=0))
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await send_raw(app.port, raw_post("/hooks/a", b'{"n": 1}'))
        await wait_for_list(pilot, app, 1)
        await pilot.press("d")  # one capture: nothing to diff
        await wait_until(pilot, lambda: len(shown(app)) == 1)
        await send_raw(app.port, raw_post("/hooks/a", b'{"n": 2}'))
        await wait_for_list(pilot, app, 2)
        await pilot.press("G", "d")
        await wait_until(pilot, lambda: isinstance(app.screen, DiffScreen))
        await pilot.pause()
        assert shown(app) == [] and list(app._notifications) == []
        await pilot.press("n", "n", "n")
        await wait_until(pilot, lambda: "No more changes that way." in shown(app))
        await pilot.press("n")
        await pilot.pause()
        assert shown(app) == ["No more changes that way."]
        await pilot.press("escape")  # the diff's toast goes with it
        await wait_until(pilot, lambda: not isinstance(app.screen, DiffScreen))
        await pilot.pause()
        assert shown(app) == []


async def test_a_send_from_r_shows_at_most_two_toasts(downstream):  # noqa: F811
    # Newcomer E: after R's Send four toasts covered half the detail's Attempts.
    from whisper_tui.ui.replay_screens import EditReplayScreen

    app = WhisperApp(Settings(port=0))
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await send_raw(app.port, raw_post("/hooks/a", b"abc"))
        await wait_for_list(pilot, app, 1)
        await pilot.press("R")
        await wait_until(pilot, lambda: isinstance(app.screen, EditReplayScreen))
        await pilot.press(*downstream.url, "ctrl+s")
        await wait_until(pilot, lambda: "Replayed #1" in titles(app))
        await pilot.pause()
        # The new target's note, and the send's answer in the place of 'Replaying #1…'.
        assert len(shown(app)) == 2, shown(app)
        await pilot.press("r")  # r again: its answer replaces the last, no third toast
        await wait_until(pilot, lambda: len(downstream.arrivals) == 2)
        await pilot.pause()
        assert len(shown(app)) <= 2, shown(app)
