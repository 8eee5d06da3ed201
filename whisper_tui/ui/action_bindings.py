"""What Textual gets from the action table: each widget's and screen's BINDINGS, the command
palette's actions, and which app actions work only on the main screen."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from whisper_tui.ui.action_registry import all_actions, contributed, contributed_actions
from whisper_tui.ui.action_types import CONTRIBUTED, OWN_HELP, Action, Scope, own_help
from whisper_tui.ui.actions import ACTIONS

if TYPE_CHECKING:  # Textual's Binding is imported only where a binding is made (action_types)
    from textual.binding import ActiveBinding, BindingType


def bindings_for(scope: Scope, actions: Iterable[Action] = ACTIONS) -> list[BindingType]:
    """The BINDINGS of the widget or screen holding `scope`: the footer's in its order first.
    The diff's and a dialog's also open the help with its key (`?` did nothing there; a
    text field still types it), under the help action's id, so a [keymap] moves it too;
    off their footers, which have no room for it (the main screen's shows it)."""
    chosen = [action for action in actions if action.scope == scope]
    # Hidden bindings keep the table's order after the footer's; order only matters to the footer.
    chosen.sort(key=lambda action: (action.footer is None, action.footer or 0))
    if scope in OWN_HELP and actions is ACTIONS:
        help = next(action for action in ACTIONS if action.id == "help")
        chosen.append(own_help(help, scope))
    return [action.binding() for action in chosen]


def footer_ordered(active: dict[str, ActiveBinding]) -> dict[str, ActiveBinding]:
    """A screen's active bindings with each namespace's in its footer's order (the action
    table's `footer`), whatever the keymap: Textual moves a remapped binding to the end of its
    namespace, and `replay = "r,ctrl+r"` pushed `r Replay` off the footer at 80 columns.
    Namespaces keep their order (the focused widget's first); bindings outside the footer
    keep theirs after the footer's."""
    places = {action.id: action.footer for action in all_actions() if action.footer is not None}
    nodes: dict[int, int] = {}
    last = len(places) + 1

    def place(item: tuple[str, ActiveBinding]) -> tuple[int, int]:
        node, binding = item[1][0], item[1][1]
        return nodes.setdefault(id(node), len(nodes)), places.get(binding.id or "", last)

    return dict(sorted(active.items(), key=place))


def contributed_bindings(scope: Scope) -> list[BindingType]:
    """Bindings of the actions registered for `scope` (the built-ins' are in the class)."""
    return bindings_for(scope, contributed_actions())


def palette_actions() -> list[Action]:
    """The actions the command palette offers, each once."""
    return [action for action in all_actions() if action.palette]


_MAIN_SCREEN = frozenset(a.runs for a in ACTIONS if a.scope == "app" and a.main_screen)


def main_screen_only(action: str, parameters: tuple[object, ...] = ()) -> bool:
    """Whether the app's `action` works only on the main screen (not under the diff or a
    dialog). `action` is Textual's name, as `App.check_action` receives it."""
    if action == CONTRIBUTED and parameters:
        registered = contributed(str(parameters[0]))
        return registered is not None and registered.main_screen
    if action == "help" and parameters:  # a screen's own ? (OWN_HELP), not the app's
        return False
    return action in _MAIN_SCREEN
