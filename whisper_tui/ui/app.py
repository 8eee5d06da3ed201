"""The Textual app: owns the capture server's lifetime and wires list, detail and keys."""

from __future__ import annotations

import socket
import sys
from collections.abc import Callable, Iterable, Sequence
from functools import partial
from pathlib import Path

from rich.text import Text
from textual.app import App, ComposeResult, SystemCommand
from textual.binding import ActiveBinding, BindingsMap
from textual.containers import Horizontal, Vertical
from textual.driver import Driver
from textual.filter import LineFilter
from textual.screen import Screen
from textual.theme import Theme
from textual.timer import Timer
from textual.widgets import Footer, Input, Static

from whisper_tui.core.config import is_default_config, save_setting
from whisper_tui.core.models import CapturedRequest
from whisper_tui.core.responses import ResponsePolicy
from whisper_tui.core.sanitize import ControlPictures
from whisper_tui.core.session import Session
from whisper_tui.core.settings import Settings
from whisper_tui.core.store import RequestStore
from whisper_tui.stopping import on_stop_signals
from whisper_tui.terminal import ColourMode
from whisper_tui.tuning import freeze_startup_heap
from whisper_tui.ui import exposure, hangup, quitting
from whisper_tui.ui.action_bindings import (
    bindings_for,
    contributed_bindings,
    footer_ordered,
    main_screen_only,
    palette_actions,
)
from whisper_tui.ui.action_registry import run_contributed
from whisper_tui.ui.body_modes import BodyViewActions
from whisper_tui.ui.clipboard import GuardedClipboard
from whisper_tui.ui.colour_modes import line_filters, start_theme
from whisper_tui.ui.delivery_actions import DeliveryActions
from whisper_tui.ui.delivery_lines import history_of
from whisper_tui.ui.detail import DetailPane, RequestDetail
from whisper_tui.ui.diff_actions import DiffActions
from whisper_tui.ui.filter_actions import FilterActions
from whisper_tui.ui.keymap import active_keymap
from whisper_tui.ui.keys import name_keys
from whisper_tui.ui.list_delete import DeleteActions
from whisper_tui.ui.palette import ReadableThemes
from whisper_tui.ui.panes import PaneLayout
from whisper_tui.ui.probe import ProbeActions
from whisper_tui.ui.public_url import PublicUrlActions
from whisper_tui.ui.replay_actions import ReplayActions
from whisper_tui.ui.request_list import RequestList
from whisper_tui.ui.store_refresh import REFRESH_INTERVAL, StoreRefresh
from whisper_tui.ui.toasts import Toasts
from whisper_tui.ui.topbar import TopBar
from whisper_tui.ui.typeahead import TypeAhead


class MainScreen(Screen[None]):
    """The default screen: its footer in the action table's order whatever the keymap."""

    @property
    def active_bindings(self) -> dict[str, ActiveBinding]:
        return footer_ordered(super().active_bindings)


class WhisperApp(
    GuardedClipboard,
    Toasts,
    TypeAhead,
    ReadableThemes,
    FilterActions,
    ReplayActions,
    ProbeActions,
    PublicUrlActions,
    DeliveryActions,
    DiffActions,
    BodyViewActions,
    DeleteActions,
    StoreRefresh,
    PaneLayout,
    App[None],
):
    """Split-pane inspector: live captures on the left, the selected one on the right."""

    CSS_PATH = Path(__file__).with_name("app.tcss")
    TITLE = "whisper-tui"
    BINDINGS = bindings_for("app")

    def __init__(
        self,
        settings: Settings | None = None,
        *,
        sock: socket.socket | None = None,
        store: RequestStore | None = None,
        serve: bool = True,
        policy: ResponsePolicy | None = None,
        freeze_heap: bool = False,
        colours: ColourMode = "full",
    ) -> None:
        """`serve=False` shows a prepared store without listening (snapshot tests).

        `colours`: what the terminal can show (terminal.colour_mode; the CLI decides it from
        the environment, tests say which they draw): "256" in the xterm-256 palette with
        text kept readable (colours_256.py), "ansi" in the terminal's 16 colours, "none" in no
        colour at all (NO_COLOR); see colour_modes.py.

        `freeze_heap`: once the first screen is drawn, hide everything alive from the garbage
        collector (`tuning.freeze_startup_heap`). The CLI asks for it; tests, which run many
        apps in one process, do not.
        """
        # ANSI colours in both limited modes: the terminal's own palette, and Textual's NoColor
        # filter for NO_COLOR rather than its greys; app.tcss's :ansi rules apply.
        super().__init__(ansi_color=True if colours in ("ansi", "none") else None)
        self.colours: ColourMode = colours
        if colours == "none":
            self.no_color = True  # the :nocolor rules, with or without NO_COLOR in os.environ
        self._bind_contributed_actions()
        self._serve = serve
        self._freeze_heap = freeze_heap
        self._remove_signal_handlers: Callable[[], None] = lambda: None
        self.session = Session(settings, store=store, policy=policy, sock=sock)
        self.settings = self.session.settings
        self.store = self.session.store
        self.verdicts = self.session.verdicts
        self.policy = self.session.policy
        self.replay_url: str | None = self.settings.forward_url
        """Where `r` sends; the --forward target, or asked once and remembered."""
        self.export_choices: dict[str, str] = {}
        """What the export dialog last had chosen this session (its format), to reopen on."""
        self._filter_timer: Timer | None = None
        self._theme_not_to_save: str | None = None
        """The theme the app set itself at start (for the terminal), until Textual tells of it."""
        self._said_kept_for_session = False
        """A preference changed with --config given was said to be kept for the session."""
        # The start theme before the stylesheet is first parsed (set once mounted, every rule
        # was parsed and every widget styled again before the first frame). Chosen for this
        # terminal, not by the user, it is never written back: a saved "nord" started under
        # NO_COLOR (ansi-dark) must still be "nord" in a full-colour one (_remember_theme).
        theme = start_theme(colours, self.settings.theme, self.available_themes)
        if theme and theme != self.theme:
            self._theme_not_to_save = theme
            self.theme = theme

    # -- layout ----------------------------------------------------------------------------

    def get_default_screen(self) -> Screen:
        return MainScreen(id="_default")

    def compose(self) -> ComposeResult:
        yield TopBar(id="topbar")
        with Horizontal(id="panes"):
            with Vertical(id="left"):
                yield Static(id="list-columns")
                yield RequestList(self.store, self.verdicts, id="requests")
                yield Input(
                    placeholder="filter: words, method:POST path:/hooks/* header:name=value "
                    "status:413 body:text delivery:id repeat:yes provider:name sig:failed -exclude",
                    id="filter",
                    # Focused with its text kept whole: selected, the next key replaced it.
                    select_on_focus=False,
                    # What is typed or pasted is drawn with visible marks for control characters.
                    highlighter=ControlPictures(),
                )
                yield Static(id="filter-error")
            with DetailPane():
                yield RequestDetail(
                    self.verdicts,
                    attempts_for=self.store.attempts,
                    policy=self.policy,
                    history_for=partial(history_of, self.store),
                    wrap=self.settings.wrap,
                    remember=self.remember_setting,
                    hidden_by_filter=self.hidden_by_filter,
                    id="detail",
                )
        yield Footer()

    @property
    def request_list(self) -> RequestList:
        # Looked up on the main screen, not self.screen: a modal or the diff may be on top.
        return self.screen_stack[0].query_one(RequestList)

    @property
    def detail(self) -> RequestDetail:
        return self.screen_stack[0].query_one(RequestDetail)

    @property
    def base_url(self) -> str:
        return self.session.base_url

    @property
    def port(self) -> int:
        return self.session.port

    # -- lifetime --------------------------------------------------------------------------

    def _fatal_error(self) -> None:
        """The crash report, without what Textual's default one shows that could hold secrets.

        Textual prints a Rich traceback with every frame's local variables, which for a
        signing error includes the secret and the key bytes. Ours has no locals, and every
        configured secret is masked in what remains (an exception message may quote one).
        """
        error = self._exception or sys.exc_info()[1]
        report = self.session.redactor.crash_report(error) if error else "unknown error\n"
        self.bell()
        self._exit_renderables.append(
            Text(f"whisper-tui crashed; please report this (secrets are masked):\n\n{report}")
        )
        self._close_messages_no_wait()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # List actions only make sense on the main screen, not under the diff or a modal.
        return not (main_screen_only(action, parameters) and len(self.screen_stack) > 1)

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        """Every action by name in the command palette (Ctrl+P), besides Textual's own."""
        ours = palette_actions()
        titles = {action.palette for action in ours}
        for command in super().get_system_commands(screen):
            # Textual's own "Keys" (its key panel) would stand beside ours, the full reference.
            if command.title not in titles:
                yield command
        keymap = active_keymap(self)
        for action in ours:
            help = name_keys(action.palette_help, keymap)  # keys it names, as in effect
            yield SystemCommand(action.palette, help, partial(self.run_action, action.runs))

    def get_driver_class(self) -> type[Driver]:
        return quitting.clearing_on_exit(super().get_driver_class())  # no frame left behind

    def get_line_filters(self) -> Sequence[LineFilter]:
        return line_filters(self.colours, super().get_line_filters())

    async def on_mount(self) -> None:
        if self.settings.keymap:
            self.set_keymap(dict(self.settings.keymap))
        self.theme_changed_signal.subscribe(self, self._remember_theme)
        # SIGTERM (kill, systemd) and SIGHUP (the SSH session dropped) end the app the way `q`
        # does, so the server stops cleanly and --save writes every capture.
        self._remove_signal_handlers = on_stop_signals(self.exit)
        hangup.resume_only_after_suspend(self._driver)
        if self.session.loading is not None:
            self.session.loading.finished_listeners.append(self._loading_finished)
        # Binds now; the server (aiohttp's import) and --load past its first batch wait until
        # the first frame is out (see below), and after --load until it is drawn (above).
        await self.session.start(serve=self._serve, hold=True)
        self.screen_stack[0].query_one("#filter", Input).display = False
        self.screen_stack[0].query_one("#filter-error", Static).display = False
        await exposure.show_if_exposed(self.screen_stack[0], self.settings)
        self.request_list.focus()
        self.detail.base_url = self.base_url
        self.detail.show(None)
        self.set_interval(REFRESH_INTERVAL, self._tick)
        self.refresh_from_store()
        if self._freeze_heap:
            self.call_after_refresh(freeze_startup_heap)
        self.call_after_refresh(self.session.release)

    async def on_unmount(self) -> None:
        # Stops the server and completes --save (every capture, up to the last one).
        await self.session.stop()
        self._remove_signal_handlers()

    def _remember_theme(self, theme: Theme) -> None:
        """A theme picked in the palette is saved; the one the app started in is not."""
        set_by_app, self._theme_not_to_save = theme.name == self._theme_not_to_save, None
        if not set_by_app:
            self.remember_setting("theme", theme.name)

    def remember_setting(self, key: str, value: str | bool) -> None:
        """Write one setting back to the config file (a warning when it can't be); a file
        given with --config (a team's, checked in) is never written: the session keeps it."""
        path = Path(self.settings.config_file) if self.settings.config_file else None
        if not is_default_config(path):
            if not self._said_kept_for_session:  # once: every later change is kept the same
                self._said_kept_for_session = True
                self.notify(
                    f"{key} is kept for this session only: a --config file ({path}) is never "
                    "written to",
                    title="Not saved",
                    timeout=6,
                    kind="kept-for-session",
                )
            return
        try:
            save_setting(key, value, path)
        except OSError as error:
            self.notify(f"{key} not saved: {error}", severity="warning")

    # -- updates (the refresh timer: store_refresh.py; the panes' widths: panes.py) -----------

    def on_request_list_selected(self, message: RequestList.Selected) -> None:
        if self.screen_stack:  # the message can arrive while the app shuts down
            self.detail.show(message.request)

    # -- actions ---------------------------------------------------------------------------

    # The screens below load when first opened, not at start (see tests/bench/bench_startup).

    def action_help(self, first: str = "") -> None:  # first: a section on top (the diff's)
        from whisper_tui.ui.help_screen import HelpScreen

        self.push_screen(HelpScreen(first=first or None))

    def action_quit_or_copy(self) -> None:
        quitting.quit_or_copy(self)

    async def action_quit(self) -> None:  # q, Ctrl+Q: as Ctrl+C, asking about unsent edits
        quitting.quit_app(self)

    action_quit_main = action_quit  # q: the same, kept to the main screen (actions.py)

    def action_contributed(self, action_id: str) -> None:
        """Run an action another module registered (`action_registry.register`)."""
        run_contributed(action_id, self)

    def _bind_contributed_actions(self) -> None:
        # BINDINGS were fixed when the class was built; actions registered by other modules
        # since then are bound on each app (Textual keeps an app's bindings in `_bindings`).
        extra = contributed_bindings("app")
        if extra:
            self._bindings = BindingsMap.merge([self._bindings, BindingsMap(extra)])

    def action_export(self) -> None:
        """Export as curl, HTTPie, raw HTTP, JSON or HAR: this capture, the filtered, or all."""
        scopes: list[tuple[str, Callable[[], list[CapturedRequest]]]] = []
        selected = self.request_list.selected
        if selected is not None:
            scopes.append((f"capture #{selected.id}", lambda: [selected]))
        view = self.request_list.view
        if view.text:
            scopes.append(
                (f"filtered ({len(view):,})", lambda: [view[i] for i in range(len(view))])
            )
        scopes.append((f"all ({len(self.store):,})", lambda: list(self.store)))
        if not len(self.store):
            self.notify("Nothing to export yet.", severity="warning")
            return
        from whisper_tui.ui.export_screen import ExportScreen

        self.push_screen(
            ExportScreen(
                scopes,
                self.base_url,
                self.store.attempts,
                self.store.deliveries,
                self.replay_url,
                self.export_choices,
            )
        )

    def action_cycle_answer(self) -> None:
        """Cycle what senders get: normal (200 or --status/rules), 500, slow."""
        self.policy.cycle_mode()
        self._topbar_state = ()
        self.refresh_from_store()
        described = self.policy.describe()
        self.notify(
            described[:1].upper() + described[1:], title="Answer mode", timeout=3, kind="answer"
        )
