"""The clipboard's one guard: every copy (y, the export's, Ctrl+C's selection, a field's cut)
puts terminal controls there as pictures, and says so where it copied some."""

from __future__ import annotations

import shutil
import subprocess

import pytest
from textual.widgets import Static, TextArea

from tests.helpers import wait_until
from whisper_tui.core.models import CapturedRequest
from whisper_tui.core.settings import Settings
from whisper_tui.core.store import RequestStore
from whisper_tui.ui.app import WhisperApp
from whisper_tui.ui.export_screen import ExportScreen
from whisper_tui.ui.replay_screens import EditReplayScreen

BODY = b"before \x1b]0;owned\x07 \x1b[201~ c1 \xc2\x9b2J\tafter\n"
"""An OSC title change, the end of a bracketed paste and a C1 CSI (UTF-8 for U+009B)."""
PICTURED = "before ␛]0;owned␇ ␛[201~ c1 \\x9b2J\tafter\n"


def app_with_the_body() -> WhisperApp:
    store = RequestStore()
    headers = ((b"Content-Type", b"text/plain"),)
    store.add(CapturedRequest(1, 1_764_000_000.0, "127.0.0.1", "POST", "/a", (1, 1), headers, BODY))
    return WhisperApp(Settings(port=0, forward_url="http://127.0.0.1:9"), store=store, serve=False)


async def test_every_copy_goes_through_the_guard_tabs_and_line_ends_kept():
    app = app_with_the_body()
    async with app.run_test(size=(80, 24)):
        app.copy_to_clipboard(BODY.decode())  # what Textual's own copy and cut call
        assert app.clipboard == PICTURED


async def test_the_export_dialogs_copy_draws_controls_as_pictures_and_says_so():
    app = app_with_the_body()
    app.export_choices["format"] = "raw"  # raw HTTP: the body as it came
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("e")
        await wait_until(pilot, lambda: isinstance(app.screen, ExportScreen))
        await wait_until(pilot, lambda: app.screen.output is not None)
        assert BODY in app.screen.output  # the export itself keeps the bytes (a save writes them)
        await pilot.press("ctrl+y")
        await wait_until(pilot, lambda: app.clipboard.endswith(PICTURED))
        assert "\x1b" not in app.clipboard and "\x9b" not in app.clipboard
        status = str(app.screen.query_one("#export-status", Static).content)
        assert "control characters as pictures (save keeps the exact bytes)" in status


async def test_ctrl_c_on_a_selection_in_the_editor_copies_pictures_and_says_so():
    app = app_with_the_body()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("R")
        await wait_until(pilot, lambda: isinstance(app.screen, EditReplayScreen))
        body = app.screen.query_one("#edit-body", TextArea)
        assert "\x1b" in body.text  # the editor holds the body's real characters
        body.focus()
        body.select_all()
        await pilot.press("ctrl+c")
        await wait_until(pilot, lambda: app.clipboard == PICTURED)
        assert app.is_running
        assert "copied the selection, control characters as pictures" in [
            note.message for note in app._notifications
        ]


# -- inside tmux: a copy is said to arrive only where tmux passes OSC 52 on ------------------


@pytest.fixture
def inside_tmux(tmp_path, monkeypatch):
    """A real tmux server of the test's own (its default set-clipboard, `external`), and
    $TMUX naming it as tmux sets it for the programs it runs."""
    if shutil.which("tmux") is None:
        pytest.skip("tmux is not installed")
    socket_path = str(tmp_path / "tmux.sock")
    tmux = ["tmux", "-S", socket_path, "-f", "/dev/null"]
    subprocess.run([*tmux, "new-session", "-d", "-s", "t"], check=True)
    try:
        pid = subprocess.run(
            [*tmux, "display-message", "-p", "#{pid}"], capture_output=True, text=True, check=True
        ).stdout.strip()
        monkeypatch.setenv("TMUX", f"{socket_path},{pid},0")
        yield tmux
    finally:
        subprocess.run([*tmux, "kill-server"], check=False)


async def test_in_tmux_without_set_clipboard_on_a_copy_is_sent_not_copied_and_the_fix_said_once(
    inside_tmux,
):
    app = WhisperApp(Settings(port=0, public_url="https://hooks.example.com/in"), serve=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_until(pilot, lambda: app._tmux_clipboard == "external")
        await pilot.press("U")
        await wait_until(pilot, lambda: app.clipboard == "https://hooks.example.com/in")
        assert [str(n.message) for n in app._notifications] == [
            "sent https://hooks.example.com/in to the terminal (OSC 52), but tmux's "
            "set-clipboard is 'external', so it does not reach the clipboard; "
            "in tmux: set -g set-clipboard on"
        ]
        await pilot.press("U")
        await pilot.pause()
        assert [str(n.message) for n in app._notifications] == [
            "sent https://hooks.example.com/in to the terminal (OSC 52), but tmux's "
            "set-clipboard is 'external', so it does not reach the clipboard"
        ]
        # The fix applied meanwhile: the next copy is read as copied.
        subprocess.run([*inside_tmux, "set", "-g", "set-clipboard", "on"], check=True)
        await pilot.press("U")
        await wait_until(pilot, lambda: app._tmux_clipboard == "on")
        await pilot.press("U")
        await wait_until(
            pilot,
            lambda: (
                [str(n.message) for n in app._notifications]
                == ["copied https://hooks.example.com/in to the clipboard (OSC 52)"]
            ),
        )


async def test_in_tmux_the_export_dialogs_copy_and_y_do_not_claim_success(inside_tmux):
    app = app_with_the_body()
    app.export_choices["format"] = "curl"
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_until(pilot, lambda: app._tmux_clipboard == "external")
        await pilot.press("e")
        await wait_until(pilot, lambda: isinstance(app.screen, ExportScreen))
        await wait_until(pilot, lambda: app.screen.output is not None)
        await pilot.press("ctrl+y")
        status = app.screen.query_one("#export-status", Static)
        await wait_until(pilot, lambda: "sent " in str(status.content))
        assert "to the terminal (OSC 52), but tmux's set-clipboard is 'external'" in str(
            status.content
        )
        assert "copied" not in str(status.content)
