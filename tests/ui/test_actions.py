"""The action table: every key has an id, remaps by id, shows once in the palette, and an
outside module can add an action of its own."""

from __future__ import annotations

import importlib
import re
import sys
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import pytest

from tests.helpers import screen_text, wait_for_list, wait_for_screen, wait_until
from whisper_tui.core.models import CapturedRequest
from whisper_tui.core.settings import Settings
from whisper_tui.core.store import RequestStore
from whisper_tui.ui.actions import (
    ACTIONS,
    Action,
    all_actions,
    bindings_for,
    main_screen_only,
    register,
    unregister,
)
from whisper_tui.ui.app import WhisperApp
from whisper_tui.ui.detail import RequestDetail
from whisper_tui.ui.diff_screen import DiffScreen, DiffView
from whisper_tui.ui.export_screen import ExportScreen
from whisper_tui.ui.help_screen import HelpScreen
from whisper_tui.ui.replay_screens import EditReplayScreen, UrlPrompt
from whisper_tui.ui.request_list import RequestList

README = Path(__file__).parents[2] / "README.md"
DUMMY_MODULE = "tests.fixtures.addons.dummy_action"
BINDING_OWNERS = {
    "app": WhisperApp,
    "list": RequestList,
    "detail": RequestDetail,
    "diff_view": DiffView,
    "diff": DiffScreen,
    "help_screen": HelpScreen,
    "url_prompt": UrlPrompt,
    "edit_replay_screen": EditReplayScreen,
    "export_screen": ExportScreen,
}


def capture(number: int) -> CapturedRequest:
    return CapturedRequest(
        number, 1_764_000_000.0 + number, "127.0.0.1", "POST", f"/n/{number}", (1, 1), (), b"{}"
    )


def app_with(count: int, keymap: tuple[tuple[str, str], ...] = ()) -> WhisperApp:
    store = RequestStore()
    for number in range(1, count + 1):
        store.add(capture(number))
    return WhisperApp(Settings(port=0, keymap=keymap), store=store, serve=False)


@pytest.fixture
def dummy() -> Iterator[ModuleType]:
    """The dummy action, imported fresh (so its import registers it), removed afterwards."""
    sys.modules.pop(DUMMY_MODULE, None)
    module = importlib.import_module(DUMMY_MODULE)
    try:
        yield module
    finally:
        unregister("dummy_ring")
        sys.modules.pop(DUMMY_MODULE, None)


def test_every_action_has_its_own_id():
    ids = [action.id for action in ACTIONS]
    assert len(ids) == len(set(ids))


@pytest.mark.parametrize("scope", BINDING_OWNERS)
def test_each_widget_and_screen_takes_its_bindings_from_the_table_each_with_an_id(scope):
    owner = BINDING_OWNERS[scope]
    declared = owner.__dict__["BINDINGS"]
    assert [b.id for b in declared] == [b.id for b in bindings_for(scope)]
    assert all(binding.id for binding in declared)


def test_the_footer_order_comes_first_and_hidden_bindings_follow():
    shown = [b.description for b in bindings_for("app") if b.show]
    assert shown == [
        "Quit",
        "Help",
        "Filter",
        "Replay",
        "Edit+replay",
        "Export",
        "Mark",
        "Diff",
        "Answer mode",
        "Switch pane",
    ]


def test_list_actions_only_work_on_the_main_screen():
    assert main_screen_only("replay") and main_screen_only("help")
    assert not main_screen_only("quit") and not main_screen_only("focus_next")


async def test_a_keymap_remap_moves_replay_to_ctrl_r():
    app = app_with(2, keymap=(("replay", "ctrl+r"),))
    async with app.run_test(size=(140, 40)) as pilot:
        await wait_for_list(pilot, app, 2)
        await pilot.press("r")
        await pilot.pause(0.1)
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
        await pilot.pause(0.1)
        assert app.request_list.selected.id == 2
        await pilot.press("k")  # list_up is untouched
        await wait_until(pilot, lambda: app.request_list.selected.id == 1)


async def test_the_palette_lists_each_of_our_actions_exactly_once():
    app = app_with(0)
    async with app.run_test(size=(140, 40)):
        titles = Counter(command.title for command in app.get_system_commands(app.screen))
    ours = [action.palette for action in ACTIONS if action.palette]
    assert ours and all(titles[title] == 1 for title in ours)
    assert titles["Keys"] == 1  # ours; Textual's own key panel entry is not listed beside it


def test_an_action_cannot_take_an_id_that_exists():
    with pytest.raises(ValueError, match="exists"):
        register(Action("replay", "x", "Again", "app"), lambda app: None)
    with pytest.raises(ValueError, match="app-wide"):
        register(Action("list_extra", "x", "Extra", "list"), lambda app: None)


async def test_a_dummy_action_from_one_module_is_bound_in_the_palette_and_in_the_help(dummy):
    app = app_with(1)
    async with app.run_test(size=(140, 40)) as pilot:
        await wait_for_list(pilot, app, 1)
        await pilot.press("b")
        await wait_until(pilot, lambda: [app] == dummy.RUNS)
        await pilot.press("ctrl+p")
        await pilot.press(*("space" if c == " " else c for c in "Dummy ring"))
        await wait_for_screen(pilot, app, "A test action from tests/fixtures/addons")
        await pilot.press("enter")
        await wait_until(pilot, lambda: [app, app] == dummy.RUNS)
        await pilot.press("question_mark")
        await wait_until(pilot, lambda: isinstance(app.screen, HelpScreen))
        [row] = [line for line in screen_text(app).splitlines() if "ring the dummy bell" in line]
        assert re.search(r"\bb\s+ring the dummy bell", row)


async def test_an_unregistered_action_is_gone_from_new_apps(dummy):
    unregister("dummy_ring")
    assert "dummy_ring" not in {action.id for action in all_actions()}
    app = app_with(0)
    async with app.run_test(size=(140, 40)) as pilot:
        titles = {command.title for command in app.get_system_commands(app.screen)}
        assert "Dummy ring" not in titles
        await pilot.press("b")
        await pilot.pause(0.1)
        assert dummy.RUNS == []


def test_the_readme_lists_every_binding_id():
    text = README.read_text(encoding="utf-8")
    paragraph = text.split("Binding ids:", 1)[1].split("\n\n", 1)[0]
    assert re.findall(r"`([^`]+)`", paragraph) == [action.id for action in ACTIONS]
