"""The event loop the server and the UI share: uvloop where it is installed, asyncio otherwise.

Plain Python, no Textual: the TUI, headless mode and the test inbox all create their loop here,
so `--loop` (and the `loop` config key) means the same everywhere.
"""

from __future__ import annotations

import asyncio
import importlib.util
from collections.abc import Callable, Coroutine
from typing import Any, TypeVar

T = TypeVar("T")

LOOPS = ("auto", "asyncio", "uvloop")
"""What --loop accepts; auto is uvloop when it can be imported, else asyncio's own loop."""


def uvloop_available() -> bool:
    """Whether uvloop is installed here (it has no Windows build; the dependency skips it)."""
    return importlib.util.find_spec("uvloop") is not None


def parse_loop(text: str) -> str:
    """'auto', 'asyncio' or 'uvloop'; ValueError in one line otherwise, or uvloop missing."""
    name = text.strip().lower()
    if name not in LOOPS:
        raise ValueError(f"expected one of {', '.join(LOOPS)}, got {text!r}")
    if name == "uvloop" and not uvloop_available():
        raise ValueError("uvloop is not installed here; use --loop asyncio (or auto)")
    return name


def resolve(choice: str) -> str:
    """The loop `choice` means on this machine: 'asyncio' or 'uvloop'."""
    if choice == "auto":
        return "uvloop" if uvloop_available() else "asyncio"
    return choice


def loop_factory(choice: str) -> Callable[[], asyncio.AbstractEventLoop]:
    """A function making a new event loop of the kind `choice` resolves to."""
    if resolve(choice) == "uvloop":
        import uvloop

        return uvloop.new_event_loop
    return asyncio.new_event_loop


def new_loop(choice: str) -> asyncio.AbstractEventLoop:
    """A new event loop of the kind `choice` resolves to (for a loop run in a thread)."""
    return loop_factory(choice)()


def run_on(choice: str, main: Coroutine[Any, Any, T]) -> T:
    """Run `main` to completion on a new loop, like asyncio.run, and close the loop.

    asyncio.Runner with a loop factory is what asyncio.run does (it cancels what is left,
    shuts async generators and the default executor down), on the loop chosen.
    """
    with asyncio.Runner(loop_factory=loop_factory(choice)) as runner:
        return runner.run(main)
