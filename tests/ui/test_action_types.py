"""An Action: what its keys run, and the binding it becomes (id kept, so a keymap remaps it)."""

from __future__ import annotations

from whisper_tui.ui.action_types import Action


def test_an_action_runs_its_id_unless_it_names_another_action():
    assert Action("replay", "r", "Replay", "app").runs == "replay"
    assert Action("list_down", "down,j", "Down", "list", action="cursor_down").runs == "cursor_down"


def test_the_binding_carries_the_id_keys_and_footer_visibility():
    shown = Action("export", "e", "Export", "app", footer=3).binding()
    hidden = Action("list_up", "up,k", "Up", "list", action="cursor_up").binding()
    assert (shown.id, shown.key, shown.action, shown.show) == ("export", "e", "export", True)
    assert (hidden.id, hidden.key, hidden.action, hidden.show) == (
        "list_up",
        "up,k",
        "cursor_up",
        False,
    )
