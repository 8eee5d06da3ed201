"""The command's entry: Ctrl+C while whisper_tui.cli imports ends it quietly, exit 130."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from tests.children import ended_within, sigint_as_in_a_terminal
from whisper_tui.launcher import first_load

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
        preexec_fn=sigint_as_in_a_terminal,
    )
    with ended_within(process, 60, "Ctrl+C while the command imports"):
        for line in process.stderr:
            if re.search(r"\|\s+whisper_tui\.core\.", line):
                break
        process.send_signal(signal.SIGINT)
        out, err = process.communicate()
    said = [line for line in err.splitlines() if not line.startswith("import time:")]
    assert (process.returncode, out, said) == (130, "", [])


@pytest.mark.parametrize(
    ("argv", "path"),
    [
        (["--load", "a.har", "--load", "b.har"], "a.har"),
        (["--port", "0", "--load=a.har"], "a.har"),
        (["--headless", "--load", "a.har"], "a.har"),
        (["send", "a.har", "--to", "http://x"], None),
        (["--help", "--load", "a.har"], None),
        (["--port", "0"], None),
        (["--load"], None),
    ],
)
def test_the_first_load_is_read_from_plain_flags_only(argv, path):
    assert first_load(argv) == path


def test_the_first_load_s_reading_starts_before_the_cli_is_imported(tmp_path):
    # It runs on the other core while the app imports; the CLI's parse decides after it (a
    # bad flag still ends the command with its one line).
    har = tmp_path / "early.har"
    har.write_text('{"log": {"version": "1.2", "entries": []}}')
    code = (
        "import sys\n"
        "from whisper_tui.core import har_process\n"
        "start_early = har_process.start_early\n"
        "def noted(path):\n"
        "    print('early', path, 'whisper_tui.cli' in sys.modules, file=sys.stderr)\n"
        "    start_early(path)\n"
        "har_process.start_early = noted\n"
        "from whisper_tui.launcher import main\n"
        "sys.exit(main())\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code, "--load", str(har), "--port", "not-a-port"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=60,
    )
    lines = result.stderr.splitlines()
    assert result.returncode == 2, result.stderr
    assert lines[0] == f"early {har} False"
    assert lines[-1].startswith("whisper-tui: error:")


@pytest.mark.parametrize("then", [["--port", "nope"], ["--version"]])
def test_no_reading_process_outlives_a_command_that_ends_before_loading(tmp_path, then):
    # A FIFO blocks a reader before its first write; a regular file's reader started early
    # is ended at exit when the command stops before taking it (a usage error, --version).
    fifo = tmp_path / "f.har"
    os.mkfifo(fifo)
    regular = tmp_path / "r.har"
    regular.write_bytes(b'{"log": {"version": "1.2", "entries": []}}')
    for path in (fifo, regular):
        done = subprocess.run(
            [sys.executable, "-m", "whisper_tui", "--load", str(path), *then],
            capture_output=True,
            timeout=60,
        )
        assert done.returncode in (0, 2), done.stderr
        assert children_reading(path) == [], path


def children_reading(path: Path) -> list[int]:
    """Processes still running whose command line names `path` (a reading process does)."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                command = (entry / "cmdline").read_bytes().split(b"\0")
            except OSError:
                continue
            if str(path).encode() in command:
                found.append(int(entry.name))
    return found
