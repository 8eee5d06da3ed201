"""An outside module can add an action of its own: bound, in the palette and the help; gone
from new apps once unregistered; never under an id that exists."""

from __future__ import annotations

import importlib
import re
import sys
from collections.abc import Iterator
from types import ModuleType

import pytest

from tests.helpers import app_with_captures as app_with
from tests.helpers import (
    screen_text,
    wait_for_list,
    wait_for_screen,
    wait_until,
    wait_until_settled,
)
from whisper_tui.ui.action_registry import all_actions, register, unregister
from whisper_tui.ui.action_types import Action
from whisper_tui.ui.help_screen import HelpScreen

DUMMY_MODULE = "tests.fixtures.addons.dummy_action"


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
        await wait_until_settled(pilot)
        assert dummy.RUNS == []
