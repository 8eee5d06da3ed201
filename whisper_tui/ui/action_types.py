"""What an action is: its id, keys, labels, help and scope (the table itself is in actions.py).

Plain Python until a binding is made: the CLI checks a [keymap]'s binding ids against the
table in headless mode too, which must not import Textual (tests/test_import_hygiene.py).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    from textual.binding import Binding

Scope = Literal[
    "app",  # WhisperApp: works anywhere (unless main_screen says otherwise)
    "list",  # RequestList
    "detail",  # RequestDetail
    "find_bar",  # FindBar, the query under the detail
    "diff_view",  # DiffView, the rows of the diff
    "diff",  # DiffScreen
    "scroll_box",  # KeyScroll: a dialog's scrolling box (the help's keys, the export preview)
    "help_screen",  # dialogs from here on
    "url_prompt",
    "probe_prompt",
    "edit_replay_screen",
    "export_screen",
]

SECTIONS: dict[Scope, str | None] = {
    "app": "Anywhere",
    "list": "List",
    "detail": "Detail",
    "diff_view": "Diff",
    "diff": "Diff",
}
"""The help screen's section for each scope; dialogs show their keys in their own footer."""

CONTRIBUTED = "contributed"
"""The app's action that runs a registered handler: `contributed('<id>')`."""


@dataclass(frozen=True)
class Action:
    """One thing a key does. Only id, keys, label and scope are required."""

    id: str
    """The binding id: the name `[keymap]` remaps (`replay = "r,ctrl+r"`)."""
    keys: str
    """Default keys in Textual's syntax, comma separated: `"up,k"`."""
    label: str
    """Short label: the footer's, and the binding's description."""
    scope: Scope
    help: str = ""
    """The help screen's text. Actions sharing a row each give a part ("previous" / "next
    capture"), joined with " / "; empty when the row's first part says it all. Another
    action's key is named by its id, `{replay_target}`: shown as the key in effect."""
    action: str = ""
    """The Textual action the keys run, when it differs from the id (`"jump(1)"`)."""
    section: str | None = ""
    """The help screen's section; "" takes the scope's, None keeps it out of the help."""
    joins_row: str | None = None
    """Shown on the previous action's help row; this joins the two actions' keys (" " for
    the two ends of one motion, `↑ ↓`, " / " for alternatives, `m / M`)."""
    footer: int | None = None
    """Place in its scope's footer (1 first); None: not in the footer."""
    key_display: str | None = None
    """The footer's text for the key, when Textual's own would differ from today's."""
    palette: str = ""
    """The command palette's title; "" keeps the action out of the palette."""
    palette_help: str = ""
    """The palette's line under the title; names keys as `help` does."""
    main_screen: bool = False
    """Only on the main screen: not under the diff or a dialog (list actions)."""
    priority: bool = False
    system: bool = False
    tooltip: str = ""

    @property
    def runs(self) -> str:
        """The Textual action string the binding and the palette run."""
        return self.action or self.id

    def binding(self) -> Binding:
        """This action's binding, with its id so a keymap can remap it."""
        from textual.binding import Binding  # see the module's docstring

        return Binding(
            self.keys,
            self.runs,
            self.label,
            show=self.footer is not None,
            key_display=self.key_display,
            priority=self.priority,
            tooltip=self.tooltip,
            id=self.id,
            system=self.system,
        )

    @property
    def help_section(self) -> str | None:
        """Where the help screen lists this action (None: not listed)."""
        return SECTIONS.get(self.scope) if self.section == "" else self.section


OWN_HELP: frozenset[Scope] = frozenset(
    {"diff", "url_prompt", "probe_prompt", "edit_replay_screen", "export_screen"}
)
"""Screens that bind the help key themselves: the app's works on the main screen only, and
never reaches a modal dialog (a modal screen ends the binding chain)."""


def own_help(help: Action, scope: Scope) -> Action:
    """The help action as a screen in OWN_HELP binds it: its own copy, opening the help at the
    screen's section, under the help's id (a [keymap] moves it too), off its footer. Made here,
    once, for both the screen's BINDINGS and the keymap conflict check: made only for the
    bindings, `diff_sort_keys = "?"` was taken and ? sorted the diff, the help unreachable."""
    first = SECTIONS.get(scope) or ""  # the help lists the screen's own keys first
    return replace(help, scope=scope, action=f"app.help({first!r})", footer=None)


def with_own_help(actions: tuple[Action, ...]) -> tuple[Action, ...]:
    """`actions` and the copies of their help action (id "help") the OWN_HELP screens bind."""
    helps = [action for action in actions if action.id == "help"]
    return actions + tuple(own_help(help, scope) for help in helps for scope in sorted(OWN_HELP))
