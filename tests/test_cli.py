"""The command line: flags, one-line errors, exit status 2 before any screen."""

from __future__ import annotations

import socket
import subprocess
import sys

import pytest

from whisper_tui.cli import parse_settings


def run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "whisper_tui", *args],
        capture_output=True,
        text=True,
        timeout=30,
        stdin=subprocess.DEVNULL,
    )


def test_busy_port_gives_one_line_error_and_status_2():
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = run_cli("--port", str(port))
    assert result.returncode == 2
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert f"port {port}" in lines[0] and "busy" in lines[0]
    assert "Traceback" not in result.stderr
    assert "\x1b" not in result.stderr  # no screen was drawn


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["--port", "http"], "not a port number"),
        (["--port", "70000"], "outside 0-65535"),
        (["--max-body", "lots"], "not a size"),
        (["--max-requests", "0"], "at least 1"),
        (["--frobnicate"], "unrecognized arguments"),
        (["--host", "no-such-host.invalid"], "cannot resolve host"),
    ],
)
def test_bad_flags_give_one_line_error_and_status_2(args, words):
    result = run_cli(*args)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert words in lines[0]
    assert lines[0].startswith("whisper-tui: error:")


def test_help_explains_every_flag():
    result = run_cli("--help")
    assert result.returncode == 0
    for flag in ("--host", "--port", "--max-body", "--max-requests", "--max-memory"):
        assert flag in result.stdout


def test_sizes_and_counts_are_parsed():
    settings = parse_settings(["--max-body", "100MiB", "--max-requests", "50_000"])
    assert settings.max_body == 100 * 1024 * 1024
    assert settings.max_requests == 50_000
    assert settings.host == "127.0.0.1"
    assert settings.port == 8080
    assert settings.max_bytes >= 512 * 1024 * 1024


def test_ci_runs_the_readme_test_command():
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    readme = (root / "README.md").read_text()
    quick_start = readme.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    commands = [line for line in quick_start.splitlines() if line.startswith("python3 ")]
    assert len(commands) == 2
    ci_lines = (root / ".ci" / "run").read_text().strip().splitlines()
    assert ci_lines[-1] == commands[1]
