"""What the terminal can show: a terminal at all (real ptys and pipes), and how many colours."""

from __future__ import annotations

import io
import os
from collections.abc import Iterator

import pytest

from whisper_tui.terminal import colour_mode, no_terminal_hint, no_terminal_reason


@pytest.fixture
def tty() -> Iterator[io.FileIO]:
    """The secondary side of a real pty: a terminal, as far as isatty can tell."""
    primary, secondary = os.openpty()
    with open(secondary, "rb", buffering=0) as stream:
        yield stream
    os.close(primary)


def test_a_terminal_on_every_stream_can_be_drawn_on(tty):
    assert no_terminal_reason({"TERM": "xterm"}, tty, tty, tty) is None
    assert no_terminal_reason({}, tty, tty, tty) is None  # TERM unset: 16 colours, still a TUI


@pytest.mark.parametrize("term", ["dumb", "DUMB", "unknown"])
def test_a_dumb_terminal_is_named(tty, term):
    assert no_terminal_reason({"TERM": term}, tty, tty, tty) == f"TERM={term}"


@pytest.mark.parametrize("pipe_at", [0, 1, 2])
def test_a_stream_that_is_not_a_terminal_is_named(tty, pipe_at):
    streams = [tty, tty, tty]
    streams[pipe_at] = io.StringIO()
    name = ("stdin", "stdout", "stderr")[pipe_at]
    assert no_terminal_reason({"TERM": "xterm"}, *streams) == f"{name} is not a terminal"


def test_a_closed_stream_is_not_a_terminal(tty):
    closed = io.StringIO()
    closed.close()
    assert no_terminal_reason({}, closed, tty, tty) == "stdin is not a terminal"


def test_the_hint_is_one_line_suggesting_headless():
    hint = no_terminal_hint("TERM=dumb")
    assert hint == (
        "whisper-tui: no terminal to draw on (TERM=dumb); use --headless to capture without a UI"
    )


@pytest.mark.parametrize(
    ("environ", "mode"),
    [
        ({"TERM": "xterm-256color"}, "256"),
        ({"TERM": "tmux-256color"}, "256"),
        ({"TERM": "tmux-256color", "COLORTERM": "truecolor"}, "full"),
        ({"TERM": "xterm", "COLORTERM": "truecolor"}, "full"),
        ({"TERM": "xterm"}, "ansi"),
        ({"TERM": "linux"}, "ansi"),
        ({"TERM": "screen"}, "ansi"),
        ({}, "ansi"),
        ({"TERM": "xterm-256color", "NO_COLOR": "1"}, "none"),
        ({"TERM": "xterm", "NO_COLOR": ""}, "none"),
        ({"TERM": "xterm", "TEXTUAL_COLOR_SYSTEM": "truecolor"}, "full"),
        ({"TERM": "xterm-256color", "TEXTUAL_COLOR_SYSTEM": "standard"}, "ansi"),
        ({"TERM": "xterm-256color", "TEXTUAL_COLOR_SYSTEM": "nonsense"}, "256"),
        ({"TERM": "xterm", "TEXTUAL_COLOR_SYSTEM": "256"}, "256"),
    ],
)
def test_the_colour_mode_follows_the_environment(environ, mode):
    assert colour_mode(environ) == mode
