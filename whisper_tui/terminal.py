"""What the terminal can show: whether there is one to draw on, and how many colours it has.

Decided once at startup from the environment, the way the libraries drawing the screen decide
it (Textual writes the screen to stderr and reads keys from stdin; Rich picks the colour
system from TERM and COLORTERM), so the app's choice and theirs can't disagree.
"""

from __future__ import annotations

import io
from collections.abc import Mapping
from typing import Literal, Protocol

ColourMode = Literal["full", "256", "ansi", "none"]
"""full: truecolour, the theme's own colours. 256: the theme's colours as the xterm-256
palette shows them, text kept readable (ui/colours_256.py). ansi: 16 colours, drawn with the
terminal's own palette. none: NO_COLOR, attributes (reverse, bold, underline) only."""


class _Stream(Protocol):
    def isatty(self) -> bool: ...


def no_terminal_reason(
    environ: Mapping[str, str], stdin: _Stream, stdout: _Stream, stderr: _Stream
) -> str | None:
    """Why the TUI can't be drawn here ('TERM=dumb', 'stdout is not a terminal'), or None."""
    if environ.get("TERM", "").lower() in ("dumb", "unknown"):
        return f"TERM={environ['TERM']}"
    # Keys come from stdin and Textual draws on stderr; output piped or redirected to a file
    # (`whisper-tui > log`) means the captures were wanted as lines, which --headless prints.
    for name, stream in (("stdin", stdin), ("stdout", stdout), ("stderr", stderr)):
        if not _isatty(stream):
            return f"{name} is not a terminal"
    return None


def _isatty(stream: _Stream | None) -> bool:
    try:
        return stream is not None and stream.isatty()
    except (ValueError, OSError):  # a closed stream
        return False


def no_terminal_hint(reason: str) -> str:
    """The one line printed instead of a screen that can't be drawn."""
    return f"whisper-tui: no terminal to draw on ({reason}); use --headless to capture without a UI"


def colour_mode(environ: Mapping[str, str]) -> ColourMode:
    """The colours to draw with: NO_COLOR asks for none, a 16-colour terminal (TERM=xterm,
    linux, screen, or unset) gets the terminal's own palette, a 256-colour one (TERM=
    tmux-256color without COLORTERM) the theme's in its palette; else the theme's colours."""
    # Textual turns colours off when NO_COLOR is present at all, even empty: the same test.
    if "NO_COLOR" in environ:
        return "none"
    from rich.console import Console  # late: --help and flag errors stay instant

    # Rich's own detection (TEXTUAL_COLOR_SYSTEM overrides it, as it does for Textual), so
    # what we choose matches what Rich will downsample the screen to.
    system = environ.get("TEXTUAL_COLOR_SYSTEM", "auto")
    if system not in ("auto", "standard", "256", "truecolor", "windows"):
        system = "auto"
    console = Console(
        color_system=system,  # type: ignore[arg-type]
        force_terminal=True,
        file=io.StringIO(),
        _environ=dict(environ),
    )
    if console.color_system == "256":
        return "256"
    return "full" if console.color_system == "truecolor" else "ansi"
