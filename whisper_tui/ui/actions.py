"""Every action the app answers, declared once: its id, default keys, labels, help and scope.

The widgets' and screens' `BINDINGS`, the command palette, the actions that only work on the
main screen, the help screen and the README's key table are all derived from `ACTIONS`
(action_bindings.py, keys.py). Every binding carries its action's id, so `[keymap]` in
config.toml can remap any key by id (keymap.py).

Adding an action is one entry in `ACTIONS` plus its `action_` method where the scope's widget
lives. A module outside this one adds an app-wide action with `register(action, handler)`
(action_registry.py). Plain Python: headless mode reads the ids without importing Textual.
"""

from __future__ import annotations

from typing import Any

from whisper_tui.ui.action_types import Action


def _app(id: str, keys: str, label: str, help: str, **more: Any) -> Action:
    return Action(id, keys, label, "app", help, **more)


_QUIT: dict[str, Any] = {"priority": True, "system": True}
"""Quit keys work from dialogs too (a modal screen hides the app's other bindings)."""

ACTIONS: tuple[Action, ...] = (
    # -- anywhere, in the order the help screen shows them
    _app(
        "help",
        "question_mark",
        "Help",
        "this help",
        footer=2,
        key_display="?",
        palette="Keys",
        palette_help="Every key, by where it works",
        # The app's binding works on the main screen (a dialog's footer would offer it while
        # its field types ?); the diff and each dialog bind the key themselves
        # (action_types.OWN_HELP): on the diff it did nothing.
        main_screen=True,
    ),
    # q quits from the main screen; on the diff, the help and in a dialog it goes back (their
    # own q, where no text field takes it). Under a dialog the app's q never arrives (a modal
    # screen ends the binding chain), so main_screen keeps it off the footer there too: the
    # `r` and `I` dialogs showed "q Quit" while q typed into their field. Its own action name:
    # Ctrl+Q runs `quit` from everywhere.
    _app(
        "quit",
        "q",
        "Quit",
        "quit (q in the help, the diff or a dialog: back, where no field has focus)",
        footer=1,
        action="quit_main",
        main_screen=True,
    ),
    # Ctrl+C quits like q, dialogs included (Textual's own only toasts how to quit); with a
    # selection in a text field it copies it instead (ui/quitting.py). Its id is Textual's.
    _app("help_quit", "ctrl+c", "", "", action="quit_or_copy", joins_row=" / ", **_QUIT),
    # Textual's own Ctrl+Q, declared here to give it an id.
    _app("quit_anywhere", "ctrl+q", "", "", action="quit", joins_row=" / ", **_QUIT),
    _app("focus_next", "tab", "Switch pane", "switch between the list and the detail", footer=10),
    _app("focus_previous", "shift+tab", "Switch pane", "", joins_row=" / "),
    # Textual's own palette key, declared here (same binding) to give it an id.
    _app(
        "command_palette",
        "ctrl+p",
        "palette",
        "command palette (every action by name)",
        priority=True,
        tooltip="Open the command palette",
    ),
    _app(
        "filter",
        "slash",
        "Filter",
        "filter: words, method:POST path:/hooks/* header:name=value status:413"
        " delivery:72d3 repeat:yes provider:stripe sig:failed",
        footer=3,
        key_display="/",
        palette="Filter",
        palette_help="Show only captures matching a filter",
        main_screen=True,
    ),
    _app(
        "clear_filter",
        "escape",
        "Clear filter",
        "clear the filter",
        palette="Clear filter",
        palette_help="Show every capture again",
        main_screen=True,
    ),
    _app(
        "replay",
        "r",
        "Replay",
        "replay the selected capture (to --forward URL, or asked once; {replay_target} changes it)",
        footer=4,
        palette="Replay",
        palette_help="Send the selected capture again to the replay target",
        main_screen=True,
    ),
    _app(
        "replay_target",
        "T",
        "Replay target",
        "change the replay target of {replay}, {probe} and the exports, which {edit_replay} shares"
        " (the current one, to edit)",
        key_display="T",
        palette="Change replay target",
        palette_help="Edit where {replay}, {edit_replay}, {probe} and curl/HTTPie exports send",
    ),
    _app(
        "edit_replay",
        "R",
        "Edit+replay",
        "edit, then replay: method, URL, headers, body; re-sign if a secret is set",
        footer=5,
        key_display="R",
        palette="Edit and replay",
        palette_help="Edit a copy (method, URL, headers, body), then send it",
        main_screen=True,
    ),
    _app(
        "export",
        "e",
        "Export",
        "export: curl, HTTPie, pytest, raw HTTP, JSON, HAR; copy (OSC 52) or save",
        footer=6,
        palette="Export",
        palette_help="curl, HTTPie, pytest, raw HTTP, JSON or HAR; copy or save",
        main_screen=True,
    ),
    _app(
        "cycle_answer",
        "a",
        "Answer mode",
        "cycle the answer senders get: normal / 500 / slow (15 s) / 410 Gone / 429 Retry-After",
        footer=9,
        palette="Cycle answer mode",
        palette_help="Answer senders normally, with 500, slowly, 410 or 429 with Retry-After",
        main_screen=True,
    ),
    _app(
        "probe",
        "I",
        "Probe",
        "idempotency probe: send the capture N times to the replay target, diff the answers",
        key_display="I",
        palette="Idempotency probe",
        palette_help="Send the selected capture N times; do the app's answers agree?",
        main_screen=True,
    ),
    _app(
        "copy_public_url",
        "U",
        "Copy public URL",
        "copy the public URL (--tunnel's, or --public-url) to the clipboard (OSC 52)",
        key_display="U",
        palette="Copy public URL",
        palette_help="Copy the tunnel's public URL to the clipboard (OSC 52)",
    ),
    # Marks, the diff and a delivery's arrivals are the app's: they act on the selected capture
    # whichever pane has the focus, so the help lists them under "Anywhere".
    _app(
        "mark",
        "m",
        "Mark",
        "mark or unmark the selected capture",
        footer=7,
        palette="Mark",
        palette_help="Mark or unmark the selected capture for diffing",
        main_screen=True,
    ),
    _app(
        "clear_marks",
        "M",
        "Clear marks",
        "clear every mark",
        joins_row=" / ",
        key_display="M",
        palette="Clear marks",
        palette_help="Unmark every capture",
        main_screen=True,
    ),
    _app(
        "diff",
        "d",
        "Diff",
        "diff the two marked captures; one marked: it with this one (none: the previous"
        " arrival of the same delivery, else the previous delivery to the same method and path)",
        footer=8,
        palette="Diff",
        palette_help="Compare the two marked captures, the marked one with this one, or retries",
        main_screen=True,
    ),
    # Retries carry the provider's delivery id: `[` `]` walk one delivery's arrivals.
    _app(
        "previous_arrival",
        "left_square_bracket",
        "Previous arrival",
        "previous",
        key_display="[",
        palette="Previous arrival of this delivery",
        palette_help="Go to the earlier capture with the same delivery id (the retried one)",
        main_screen=True,
    ),
    _app(
        "next_arrival",
        "right_square_bracket",
        "Next arrival",
        "next arrival of the same delivery (retries carry the provider's delivery id)",
        joins_row=" ",
        key_display="]",
        palette="Next arrival of this delivery",
        palette_help="Go to the next capture with the same delivery id (its retry)",
        main_screen=True,
    ),
    _app(
        "delete",
        "x,delete",
        "Delete",
        "delete the selected capture (the one the detail shows)",
        palette="Delete capture",
        palette_help="Delete the selected capture ({undo_delete} undoes)",
        main_screen=True,
    ),
    _app(
        "delete_all",
        "X",
        "Clear all",
        "delete every capture (no question asked: {undo_delete} undoes)",
        key_display="X",
        palette="Clear all captures",
        palette_help="Delete every capture ({undo_delete} undoes)",
        main_screen=True,
    ),
    _app(
        "undo_delete",
        "u",
        "Undo delete",
        "undo the last delete or clear",
        palette="Undo delete",
        palette_help="Put back what the last delete or clear took",
        main_screen=True,
    ),
    # Bound on the app, as m and d are: v changes the detail with the list focused too.
    _app(
        "body_view",
        "v",
        "Body view",
        "body view: auto (by content type) / raw / hex (the bytes as stored); kept till changed",
        palette="Body view: auto / raw / hex",
        palette_help="The body by content type, or exactly the bytes stored: raw text or hex",
        main_screen=True,
    ),
    # -- list
    Action("list_up", "up,k", "Up", "list", "previous", action="cursor_up"),
    Action("list_down", "down,j", "Down", "list", "next capture", "cursor_down", joins_row=" "),
    Action("list_first", "home,g", "First", "list", "first", action="first"),
    Action(
        "list_last",
        "end,G",
        "Last",
        "list",
        "newest capture (End resumes following new arrivals)",
        action="last",
        joins_row=" ",
    ),
    Action("list_page_up", "pageup", "Page up", "list", "a page up", action="page_up"),
    Action("list_page_down", "pagedown", "Page down", "list", "down", "page_down", joins_row=" "),
    # w did nothing with the list focused, and said nothing: it wraps the body there too.
    Action(
        "list_wrap",
        "w",
        "Wrap body",
        "list",
        "wrap the selected capture's body, as w in the detail does",
        action="app.wrap_body",
    ),
    # -- detail
    Action("detail_up", "up,k", "Up", "detail", "scroll a line", action="scroll_up"),
    Action("detail_down", "down,j", "Down", "detail", "", "scroll_down", joins_row=" "),
    Action(
        "detail_left",
        "left,h",
        "Left",
        "detail",
        "scroll sideways (long body lines)",
        action="scroll_left",
    ),
    Action("detail_right", "right,l", "Right", "detail", "", "scroll_right", joins_row=" "),
    Action("detail_top", "home,g", "Top", "detail", "top", action="scroll_home"),
    Action(
        "detail_bottom",
        "end,G",
        "Bottom",
        "detail",
        "bottom of the request",
        action="scroll_end",
        joins_row=" ",
    ),
    Action("detail_page_up", "pageup", "Page up", "detail", "a page up", action="page_up"),
    Action(
        "detail_page_down", "pagedown", "Page down", "detail", "down", "page_down", joins_row=" "
    ),
    Action(
        "detail_find",
        "f",
        "Find",
        "detail",
        "find in this request: matches highlighted, 'match 1 of 3'",
        action="find_open",
    ),
    Action(
        "detail_find_next",
        "enter,n",
        "Next match",
        "detail",
        "next match",
        action="find_step(1)",
    ),
    Action(
        "detail_find_previous",
        "N",
        "Previous match",
        "detail",
        "previous match",
        action="find_step(-1)",
        joins_row=" / ",
        key_display="N",
    ),
    Action(
        "detail_find_close",
        "escape",
        "Close find",
        "detail",
        "close the find bar",
        action="close_find",
    ),
    Action(
        "detail_wrap",
        "w",
        "Wrap body",
        "detail",
        "wrap the body's long lines at the pane's width, or scroll them sideways (remembered);"
        " header and query values always wrap",
        action="toggle_wrap",
    ),
    Action(
        "detail_copy_value",
        "y",
        "Copy value",
        "detail",
        "copy the top line's (or the current match's) header, query or JSON value (OSC 52)",
        action="copy_value",
    ),
    Action("find_close", "escape", "Close", "find_bar", "close the find bar", "close", footer=1),
    # -- diff screen (the rows' moves stay out of the help: it lists today's rows only). Footer
    # labels are one word (but 'Sort keys'): at 80 columns the six keys were cut at 's Sort k'.
    Action("diff_next_change", "n", "Next", "diff_view", "next", "jump(1)", footer=2),
    Action(
        "diff_previous_change",
        "p",
        "Previous",
        "diff_view",
        "previous change",
        action="jump(-1)",
        joins_row=" / ",
        footer=3,
    ),
    Action(
        "diff_expand",
        "enter",
        "Expand",
        "diff_view",
        "expand the folded equal lines under the cursor",
        action="expand",
        footer=1,
    ),
    Action(
        "diff_sort_keys",
        "s",
        "Sort keys",
        "diff",
        "sort JSON keys (reordered objects compare equal)",
        action="toggle_sort",
        footer=2,
    ),
    Action(
        "diff_hide_volatile",
        "v",
        "Volatile",
        "diff",
        "hide / show headers that differ on every delivery (ids, signatures, dates)",
        action="toggle_volatile",
        footer=3,
    ),
    Action("diff_back", "escape,q", "Back", "diff", "back to the list", "close", footer=1),
    Action("diff_up", "up,k", "Up", "diff_view", "cursor up a row", "cursor(-1)", section=None),
    Action("diff_down", "down,j", "Down", "diff_view", "down", "cursor(1)", section=None),
    Action("diff_page_up", "pageup", "Page up", "diff_view", "a page up", "page(-1)", section=None),
    Action("diff_page_down", "pagedown", "Page down", "diff_view", "down", "page(1)", section=None),
    Action("diff_top", "home,g", "Top", "diff_view", "first row", "edge(0)", section=None),
    Action("diff_bottom", "end,G", "Bottom", "diff_view", "last row", "edge(1)", section=None),
    # -- a dialog's scrolling box (help's keys, the export preview): the list's motion keys.
    # Textual's own arrows, PgUp/PgDn and Home/End scroll it too; these add j k g G and ids.
    Action("box_up", "up,k", "Up", "scroll_box", "", "scroll_up", section=None),
    Action("box_down", "down,j", "Down", "scroll_box", "", "scroll_down", section=None),
    Action("box_top", "home,g", "Top", "scroll_box", "", "scroll_home", section=None),
    Action("box_bottom", "end,G", "Bottom", "scroll_box", "", "scroll_end", section=None),
    # -- dialogs (each shows its keys in its footer). q closes each as Esc does where no text
    # field has focus (mitmproxy's q goes back); in a field it types.
    Action(
        "help_close",
        "escape,q,question_mark",
        "Close",
        "help_screen",
        "close the help",
        "dismiss",
        footer=1,
    ),
    Action("url_cancel", "escape,q", "Cancel", "url_prompt", "replay nothing", "cancel", footer=1),
    Action(
        "probe_cancel", "escape,q", "Cancel", "probe_prompt", "send nothing", "cancel", footer=1
    ),
    Action(
        "edit_replay_cancel",
        "escape,q",
        "Cancel",
        "edit_replay_screen",
        "send nothing",
        "cancel",
        footer=1,
    ),
    Action(
        "edit_replay_send",
        "ctrl+s",
        "Send",
        "edit_replay_screen",
        "send the copy",
        "send",
        footer=2,
    ),
    Action(
        "export_close", "escape,q", "Close", "export_screen", "close", "dismiss_screen", footer=1
    ),
    Action("export_copy", "ctrl+y", "Copy", "export_screen", "copy (OSC 52)", "copy", footer=2),
    Action("export_save", "ctrl+s", "Save", "export_screen", "save to a file", "save", footer=3),
)
