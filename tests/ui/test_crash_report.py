"""A crash, should one happen, never shows a secret: the real CLI on a real pty, and headless."""

from __future__ import annotations

import os
import pty
import select
import subprocess
import sys
import textwrap
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SECRET = "whsec_dGhpc19pc19hX3NlY3JldF9rZXlfMTIz"  # base64 of this_is_a_secret_key_123
KEY_TEXT = "this_is_a_secret_key_123"

# Forces a failure inside an action: the secret sits in a local variable (Textual's default
# report prints locals) and in the exception's message.
CRASHING_TUI = textwrap.dedent(
    f"""
    import sys
    from whisper_tui import cli
    from whisper_tui.ui.app import WhisperApp

    def action_help(self):
        secret = {SECRET!r}
        key = b"{KEY_TEXT}"
        raise ValueError("signing failed for " + secret + " with " + repr(key))

    WhisperApp.action_help = action_help
    sys.exit(cli.main(sys.argv[1:]))
    """
)


def read_until_exit(process: subprocess.Popen, primary: int, timeout: float) -> bytes:
    output = b""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        ready, _, _ = select.select([primary], [], [], 0.1)
        if ready:
            try:
                chunk = os.read(primary, 65536)
            except OSError:
                break
            if not chunk:
                break
            output += chunk
        elif process.poll() is not None:
            break
    return output


def test_a_tui_crash_masks_secrets_shows_no_locals_and_exits_1(tmp_path):
    script = tmp_path / "crashing_tui.py"
    script.write_text(CRASHING_TUI)
    args = (str(script), "--port", "0", "--secret", f"standard={SECRET}")
    primary, secondary = pty.openpty()
    env = dict(os.environ, TERM="xterm-256color")
    env.pop("CI", None)
    process = subprocess.Popen(
        [sys.executable, *args],
        stdin=secondary,
        stdout=secondary,
        stderr=secondary,
        env=env,
        cwd=ROOT,
        close_fds=True,
    )
    os.close(secondary)
    try:
        output = read_until_exit(process, primary, 4)  # the first screen
        os.write(primary, b"?")
        output += read_until_exit(process, primary, 15)
        status = process.wait(timeout=10)
    finally:
        if process.poll() is None:
            process.kill()
        os.close(primary)
    text = output.decode("utf-8", "replace")
    assert "ValueError" in text and "signing failed for ***" in text
    assert SECRET not in text
    assert KEY_TEXT not in text
    assert "dGhpc19pc19hX3NlY3JldF9rZXlfMTIz" not in text
    assert "locals" not in text.lower()
    assert status == 1


CRASHING_HEADLESS = textwrap.dedent(
    f"""
    import sys
    from whisper_tui import cli
    from whisper_tui.core.session import Session

    async def start(self, *, serve=True):
        secret = {SECRET!r}
        raise RuntimeError("could not start with " + secret)

    Session.start = start
    sys.exit(cli.main(sys.argv[1:]))
    """
)


def test_a_headless_crash_masks_secrets_and_exits_1(tmp_path):
    script = tmp_path / "crashing_headless.py"
    script.write_text(CRASHING_HEADLESS)
    result = subprocess.run(
        [
            sys.executable,
            str(script),
            "--headless",
            "--port",
            "0",
            "--secret",
            f"standard={SECRET}",
        ],
        capture_output=True,
        text=True,
        timeout=30,
        cwd=ROOT,
    )
    assert result.returncode == 1
    assert "RuntimeError: could not start with ***" in result.stderr
    assert SECRET not in result.stdout + result.stderr
    assert "dGhpc19pc19hX3NlY3JldF9rZXlfMTIz" not in result.stdout + result.stderr
