"""The command's entry: Ctrl+C while whisper_tui.cli imports ends it quietly, exit 130."""

from __future__ import annotations

import re
import signal
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = Path(sys.executable).with_name("whisper-tui")
"""The console script pip installed beside this interpreter (pyproject's [project.scripts])."""


@pytest.mark.parametrize("entry", [[str(SCRIPT)], ["-m", "whisper_tui"]], ids=["script", "-m"])
def test_ctrl_c_while_the_command_imports_exits_130_without_a_traceback(entry):
    # -X importtime writes a line as each import ends: the first of whisper_tui.core's comes
    # from inside whisper_tui.cli's own import (its first imports). --version would print at
    # once after it: nothing printed says the Ctrl+C came before.
    process = subprocess.Popen(
        [sys.executable, "-X", "importtime", *entry, "--version"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=ROOT,
    )
    try:
        for line in process.stderr:
            if re.search(r"\|\s+whisper_tui\.core\.", line):
                break
        process.send_signal(signal.SIGINT)
        out, err = process.communicate(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate()
    said = [line for line in err.splitlines() if not line.startswith("import time:")]
    assert (process.returncode, out, said) == (130, "", [])
