"""Keep a HAR file current while running (`--save`), and complete at exit."""

from __future__ import annotations

import asyncio
import os
import time
from collections.abc import Callable

from whisper_tui.core.har import DeliveriesFor, save_har
from whisper_tui.core.models import CapturedRequest
from whisper_tui.core.store import RequestStore

SAVE_INTERVAL = 2.0
"""Seconds between rewrites while captures keep arriving."""


class HarAutosave:
    """Rewrites the HAR file (atomically, in a thread) whenever the store has changed."""

    def __init__(
        self,
        path: str | os.PathLike[str],
        store: RequestStore,
        base_url: Callable[[], str],
        interval: float = SAVE_INTERVAL,
    ) -> None:
        self.path = os.fspath(path)
        self.store = store
        self.base_url = base_url
        self.interval = interval
        self.saved_version = -1
        self.saves = 0
        self.last_error: str | None = None
        self.wait = interval

    def _snapshot(self) -> tuple[int, list[CapturedRequest], DeliveriesFor]:
        # Taken on the loop: a list of immutable captures and a frozen view of their
        # deliveries are then safe to serialize anywhere.
        return self.store.version, list(self.store), self.store.deliveries.json_view()

    def save_now(self) -> None:
        """Write synchronously (at exit, when nothing else needs the loop)."""
        version, captures, deliveries = self._snapshot()
        save_har(self.path, captures, self.base_url(), self.store.attempts, deliveries)
        self.saved_version = version
        self.saves += 1

    async def save_if_changed(self) -> bool:
        if self.store.version == self.saved_version:
            return False
        version, captures, deliveries = self._snapshot()
        started = time.monotonic()
        try:
            await asyncio.to_thread(
                save_har, self.path, captures, self.base_url(), self.store.attempts, deliveries
            )
        except OSError as error:
            self.last_error = f"cannot write {self.path}: {error.strerror or error}"
            return False
        self.last_error = None
        self.saved_version = version
        self.saves += 1
        # A big store takes a while to write: space saves out so writing stays under ~10%
        # of the time (the worker thread still competes with the loop for the GIL).
        self.wait = max(self.interval, (time.monotonic() - started) * 10)
        return True

    async def run(self) -> None:
        """Save every `interval` seconds while there is something new; cancel to stop."""
        while True:
            await asyncio.sleep(self.wait)
            await self.save_if_changed()
