"""x, X and u in the list: a capture or every one deleted, the last delete undone, the top
bar saying so; under a filter too."""

from __future__ import annotations

import pytest

from tests.helpers import screen_text, wait_for_list, wait_for_screen, wait_until
from tests.ui.test_request_list import app_with, capture, top_line
from whisper_tui.core import filtering
from whisper_tui.core.settings import Settings
from whisper_tui.core.store import RequestStore
from whisper_tui.ui.app import WhisperApp
from whisper_tui.ui.keys import help_rows

pytestmark = pytest.mark.usefixtures("utc")


async def test_x_deletes_the_selected_capture_and_u_brings_it_back():
    app = app_with(capture(1, "/a"), capture(2, "/b"), capture(3, "/c"))
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for_list(pilot, app, 3)
        await pilot.press("k", "x")  # on /b
        await wait_until(pilot, lambda: "deleted #2 · u to undo" in top_line(app))
        assert [r.target for r in app.store] == ["/a", "/c"]
        assert app.request_list.selected.target == "/c"  # the next one
        assert app.store.stats().deleted == 1
        assert app.session.status_text() == "2 requests (1 deleted)"
        # At 80 columns beside the notice: the address gave way to the whole count.
        assert "2 requests (1 deleted)" in top_line(app)
        assert " /b " not in screen_text(app)
        await pilot.press("u")
        await wait_until(pilot, lambda: "restored #2" in top_line(app))
        assert [r.target for r in app.store] == ["/a", "/b", "/c"]
        assert app.request_list.selected.target == "/b"
        await wait_for_screen(pilot, app, " /b ")
        await pilot.press("delete")  # the Delete key too
        await wait_until(pilot, lambda: len(app.store) == 2)


async def test_shift_x_clears_every_capture_without_asking_and_u_restores_them_all():
    app = app_with(*(capture(n, f"/n/{n}") for n in range(1, 6)))
    async with app.run_test(size=(200, 50)) as pilot:
        await wait_for_list(pilot, app, 5)
        bytes_before = app.store.stored_bytes
        await pilot.press("X")
        await wait_until(pilot, lambda: "cleared 5 captures · u to undo" in top_line(app))
        assert len(app.store) == 0 and app.store.stored_bytes == 0
        app.store.add(capture(6, "/n/6"))  # arrives while cleared
        await wait_for_list(pilot, app, 1)
        await pilot.press("u")
        await wait_for_list(pilot, app, 6)
        assert [r.id for r in app.store] == [1, 2, 3, 4, 5, 6]
        assert app.request_list.selected.id == 6  # still following the newest
        assert app.store.stored_bytes == bytes_before + capture(6, "/n/6").cost
        await pilot.press("u")  # one level: nothing more to undo
        assert len(app.store) == 6


async def test_delete_and_undo_under_a_filter_keep_the_filtered_rows_right():
    app = app_with(*(capture(n, f"/even/{n}" if n % 2 == 0 else f"/odd/{n}") for n in range(1, 9)))
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for_list(pilot, app, 8)
        await pilot.press("slash", *"even", "enter")
        await wait_for_list(pilot, app, 4)
        await pilot.press("k", "x")  # /even/6
        await wait_for_list(pilot, app, 3)
        view = app.request_list.view
        assert [view[i].target for i in range(len(view))] == ["/even/2", "/even/4", "/even/8"]
        await pilot.press("u")
        await wait_for_list(pilot, app, 4)
        assert app.request_list.selected.target == "/even/6"
        app.store.add(capture(10, "/even/10"))
        await wait_for_list(pilot, app, 5)
        assert [view[i].id for i in range(len(view))] == [2, 4, 6, 8, 10]


async def test_undoing_a_big_clear_under_a_filter_rescans_in_the_worker(monkeypatch):
    monkeypatch.setattr(filtering, "INLINE_TEST_LIMIT", 2)
    app = app_with(*(capture(n, f"/even/{n}" if n % 2 == 0 else f"/odd/{n}") for n in range(1, 9)))
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for_list(pilot, app, 8)
        await pilot.press("slash", *"even", "enter")
        await wait_for_list(pilot, app, 4)
        await pilot.press("X")
        await wait_for_list(pilot, app, 0)
        await pilot.press("u")
        await wait_until(pilot, lambda: not getattr(app.request_list.view, "needs_rescan", True))
        await wait_for_list(pilot, app, 4)
        view = app.request_list.view
        assert [view[i].id for i in range(len(view))] == [2, 4, 6, 8]


async def test_the_delete_notice_names_undos_key_as_a_keymap_put_it():
    store = RequestStore()
    for request in (capture(1, "/a"), capture(2, "/b")):
        store.add(request)
    settings = Settings(port=0, keymap=(("undo_delete", "ctrl+u"),))
    app = WhisperApp(settings, store=store, serve=False)
    async with app.run_test(size=(120, 30)) as pilot:
        await wait_for_list(pilot, app, 2)
        await pilot.press("x")
        await wait_until(pilot, lambda: "deleted #2 · Ctrl+U to undo" in top_line(app))
        await pilot.press("ctrl+u")
        await wait_until(pilot, lambda: "restored #2" in top_line(app))


async def test_x_and_u_work_from_the_detail_as_the_help_says():
    # Help listed x, X and u under List, but they act wherever the main screen has focus:
    # in the detail, x deletes the capture it shows (as mitmproxy's flow view does).
    rows = {row.keys: row.section for row in help_rows({})}
    assert rows["x / Del"] == rows["X"] == rows["u"] == "Anywhere"
    app = app_with(capture(1, "/a"), capture(2, "/b"))
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for_list(pilot, app, 2)
        app.detail.focus()
        await wait_for_screen(pilot, app, "POST /b")
        await pilot.press("x")
        await wait_until(pilot, lambda: "deleted #2 · u to undo" in top_line(app))
        assert [r.target for r in app.store] == ["/a"]
        await wait_for_screen(pilot, app, "POST /a")  # the detail shows what is selected now
        assert app.focused is app.detail
        await pilot.press("u")
        await wait_until(pilot, lambda: "restored #2" in top_line(app))
        assert [r.target for r in app.store] == ["/a", "/b"]
        await wait_for_screen(pilot, app, "POST /b")
