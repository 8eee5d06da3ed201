"""The Textual app: owns the capture server's lifetime and wires list, detail and keys."""

from __future__ import annotations

import socket
import sys
import time
from collections.abc import Callable, Iterable, Sequence
from functools import partial
from pathlib import Path

from rich.text import Text
from textual.app import App, ComposeResult, SystemCommand
from textual.binding import ActiveBinding, BindingsMap
from textual.containers import Horizontal, Vertical
from textual.css.query import NoMatches
from textual.driver import Driver
from textual.filter import LineFilter
from textual.screen import Screen
from textual.theme import Theme
from textual.timer import Timer
from textual.widgets import Footer, Input, Static

from whisper_tui.core.config import save_setting
from whisper_tui.core.models import CapturedRequest
from whisper_tui.core.responses import ResponsePolicy
from whisper_tui.core.sanitize import ControlPictures, printable
from whisper_tui.core.session import Session
from whisper_tui.core.settings import Settings
from whisper_tui.core.status import join
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
from whisper_tui.ui.keys import key_name, name_keys
from whisper_tui.ui.palette import ReadableThemes
from whisper_tui.ui.probe import ProbeActions
from whisper_tui.ui.public_url import PublicUrlActions
from whisper_tui.ui.replay_actions import ReplayActions
from whisper_tui.ui.request_list import RequestList, column_header, list_width
from whisper_tui.ui.toasts import Toasts
from whisper_tui.ui.topbar import TopBar, bar_parts
from whisper_tui.ui.typeahead import TypeAhead

REFRESH_INTERVAL = 0.1
"""Seconds between refreshes (count, list, the followed detail): new captures are coalesced,
never drawn one by one, and a single webhook shows within this."""
STACK_BELOW = 80
"""Narrower screens show the list above the detail: side by side, both would be squeezed
under the 40 cells a list row or a header line needs (80x24 stays side by side)."""
BUSY_RATE = 200
"""Captures per second from which the screen is refreshed only every BUSY_INTERVAL."""
BUSY_INTERVAL = 1.0
"""During a burst every redraw (count, list, the newest capture's detail) competes with the
server for the one loop, and a page of rows replaced 10 times a second is unreadable anyway.
A redraw of a 200x50 screen during a burst costs 20-30 ms of the loop (Textual composes every
row and the detail anew): at 0.5 s that was a quarter of the app's CPU when other load slowed
it to ~2,000 captures/s. Being paid per second, not per capture, it also made slow rounds
slower still: halving it halves that swing."""


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
        self.export_choices: dict[str, str] = {}
        """What the export dialog last had chosen this session (its format), to reopen on."""
        """Where `r` sends; the --forward target, or asked once and remembered."""
        self._topbar_state: tuple[str, ...] = ()
        self._rejections_told = 0
        self._filter_timer: Timer | None = None
        self._screen_synced_at = 0.0
        self._ticked_at = 0.0
        self._received_at_tick = 0
        self._loading_was_finished = False
        self._theme_not_to_save: str | None = None
        """The theme the app set itself at start (for the terminal), until Textual tells of it."""
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
        """Write one setting back to the config file (a warning when it can't be)."""
        path = Path(self.settings.config_file) if self.settings.config_file else None
        try:
            save_setting(key, value, path)
        except OSError as error:
            self.notify(f"{key} not saved: {error}", severity="warning")

    # -- updates ---------------------------------------------------------------------------

    def _tick(self) -> None:
        """The refresh timer: every REFRESH_INTERVAL, or every BUSY_INTERVAL during a burst."""
        now = time.monotonic()
        received = self.store.received
        rate = (received - self._received_at_tick) / max(now - self._ticked_at, 1e-3)
        self._received_at_tick, self._ticked_at = received, now
        self._report_loading()
        # The end of --load is shown at once, not up to BUSY_INTERVAL later: the rows and the
        # count stop changing there, and the top bar stops saying "loading".
        loading = self.session.loading
        finished = loading is not None and loading.finished and not self._loading_was_finished
        self._loading_was_finished = loading is not None and loading.finished
        if rate >= BUSY_RATE and now - self._screen_synced_at < BUSY_INTERVAL and not finished:
            return
        self._screen_synced_at = now
        self.refresh_from_store()

    def _loading_finished(self) -> None:
        """--load is all in: drawn now rather than at the next tick (up to REFRESH_INTERVAL
        later), and the server starts once that frame is out (Session.loaded_shown)."""
        self._tick()
        self.call_after_refresh(self.session.loaded_shown)

    def _report_loading(self) -> None:
        """A --load file that was cut short or had bad entries: one line each, once."""
        loading = self.session.loading
        for problem in loading.new_problems() if loading is not None else ():
            self.notify(problem, severity="warning", timeout=20)

    def refresh_from_store(self) -> None:
        """Bring the list and the counts up to date (called on a timer, so bursts coalesce)."""
        try:
            self.request_list, self.detail  # noqa: B018 - gone while the app shuts down (detail first)
        except (NoMatches, IndexError):  # IndexError: not even the main screen is left
            return
        self.request_list.sync()
        self.rescan_if_needed()
        # Now rather than on the Selected message the sync posts: the list and the detail of
        # the newest capture then go out in one frame instead of two.
        self.detail.show(self.request_list.selected)
        self.detail.refresh_attempts()
        self._fit_list_width()
        self._tell_of_rejections()
        shown = self.request_list
        stats = self.store.stats()
        status = self.session.status_parts()
        view = shown.view
        filtered = ""
        if view.text:
            filtered = f"showing {len(view):,} of {stats.stored:,} for '{printable(view.text)}'"
        # What the list did and where the cursor is, kept at the right end of the bar.
        notice = shown.current_notice
        follow = f"{key_name('list_last', active_keymap(self))} to follow"
        away = "" if shown.following or not len(view) else follow
        if away and (new := shown.new_while_away):
            away = f"{new:,} new · {follow}"
        state = (join(status), filtered, notice, away)
        if state != self._topbar_state:
            self._topbar_state = state
            right = Text(no_wrap=True)
            right.append(notice, "bold")
            if away:
                right.append("   " if notice else "")
                right.append(away, "bold" if "new ·" in away else "wt.muted")
            parts = bar_parts(self.base_url, status, filtered)
            self.screen_stack[0].query_one(TopBar).show(parts, right)

    def _tell_of_rejections(self) -> None:
        # Refused requests never reach the list; a toast says one came (once per refresh).
        rejections = self.store.rejections
        if rejections.total > self._rejections_told and rejections.last is not None:
            new = rejections.total - self._rejections_told
            self._rejections_told = rejections.total
            what = "a request" if new == 1 else f"{new:,} requests"
            last = rejections.last
            if last.internal:
                told = f"whisper-tui failed on {what} (not captured; a bug, please report it)"
                self.notify(f"{told}: {last.describe()}", severity="error")
            else:
                told = f"HTTP parser refused {what} (not captured)"
                self.notify(f"{told}: {last.describe()}", severity="warning")

    def _fit_list_width(self) -> None:
        """The list takes the width its rows need, up to a share of the screen; below
        STACK_BELOW columns it sits above the detail, both full width (app.tcss)."""
        main = self.screen_stack[0]
        panes, left = main.query_one("#panes"), main.query_one("#left")
        stacked = self.size.width < STACK_BELOW
        if panes.has_class("stacked") != stacked:
            panes.set_class(stacked, "stacked")
            left.styles.width = None  # the stylesheet's, until set again below
        if stacked:
            return
        width = list_width(self.size.width, *self.request_list.width_needs)
        if left.styles.width is None or left.styles.width.value != width:
            left.styles.width = width

    def on_request_list_selected(self, message: RequestList.Selected) -> None:
        if self.screen_stack:  # the message can arrive while the app shuts down
            self.detail.show(message.request)

    def on_resize(self) -> None:
        if self.screen_stack:
            self._fit_list_width()

    def on_request_list_resized(self, message: RequestList.Resized) -> None:
        """The column titles, laid out for the width the rows now have (also when the list
        was resized under the diff or a dialog: read after the app's resize, they were laid
        out for the size the covered list had before)."""
        if self.screen_stack:
            self.screen_stack[0].query_one("#list-columns", Static).update(
                column_header(message.width, message.shape)
            )

    # -- actions ---------------------------------------------------------------------------

    # The screens below load when first opened, not at start (see tests/bench/bench_startup).

    def action_help(self) -> None:
        from whisper_tui.ui.help_screen import HelpScreen

        self.push_screen(HelpScreen())

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

    # -- delete and undo -------------------------------------------------------------------

    def action_delete(self) -> None:
        """Delete the selected capture (u brings it back)."""
        if self.request_list.delete_selected() is not None:
            self.refresh_from_store()

    def action_delete_all(self) -> None:
        """Delete every capture, without asking: u brings them all back."""
        if self.request_list.delete_all():
            self.refresh_from_store()

    def action_undo_delete(self) -> None:
        """Put back what the last delete or clear took."""
        if not self.request_list.undo():
            self.notify("Nothing to undo.", severity="warning", timeout=2)
            return
        # Too many put back to test on the loop: the refresh runs the filter in its worker.
        self.refresh_from_store()

    def action_cycle_answer(self) -> None:
        """Cycle what senders get: normal (200 or --status/rules), 500, slow."""
        self.policy.cycle_mode()
        self._topbar_state = ()
        self.refresh_from_store()
        described = self.policy.describe()
        self.notify(
            described[:1].upper() + described[1:], title="Answer mode", timeout=3, kind="answer"
        )
