"""A [keymap] remaps keys by action id: the remapped key runs the action, the defaults no
longer do, other actions keep theirs."""

from __future__ import annotations

from tests.helpers import app_with_captures as app_with
from tests.helpers import wait_for_list, wait_until, wait_until_settled
from whisper_tui.ui.replay_screens import UrlPrompt


async def test_a_keymap_remap_moves_replay_to_ctrl_r():
    app = app_with(2, keymap=(("replay", "ctrl+r"),))
    async with app.run_test(size=(140, 40)) as pilot:
        await wait_for_list(pilot, app, 2)
        await pilot.press("r")
        await wait_until_settled(pilot)
        assert not isinstance(app.screen, UrlPrompt)  # r no longer replays
        await pilot.press("ctrl+r")
        # No --forward target: replay asks where to send.
        await wait_until(pilot, lambda: isinstance(app.screen, UrlPrompt))


async def test_a_remapped_list_key_moves_the_cursor():
    app = app_with(3, keymap=(("list_down", "n"),))
    async with app.run_test(size=(140, 40)) as pilot:
        await wait_for_list(pilot, app, 3)
        await pilot.press("g")
        await wait_until(pilot, lambda: app.request_list.selected.id == 1)
        await pilot.press("n")
        await wait_until(pilot, lambda: app.request_list.selected.id == 2)
        await pilot.press("j", "down")  # the remap replaces every default key of list_down
        await wait_until_settled(pilot)
        assert app.request_list.selected.id == 2
        await pilot.press("k")  # list_up is untouched
        await wait_until(pilot, lambda: app.request_list.selected.id == 1)
