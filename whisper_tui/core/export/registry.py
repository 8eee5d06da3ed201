"""What an export format is, and the formats known to this process.

Each built-in format is one module of this package that calls `register` at import; the
package imports them all, so a new format is one new file. Code outside the package (a plug-in,
a test) calls `register` itself, and `unregister` to remove it again.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from whisper_tui.core.har import DeliveriesFor
from whisper_tui.core.models import Attempt, CapturedRequest

AttemptsFor = Callable[[int], list[Attempt]]
"""A capture's replays and forwards, by capture id (the store's `attempts`)."""

Render = Callable[[Sequence[CapturedRequest], str, AttemptsFor | None], bytes]
"""Captures, the base URL they were sent to, and (optionally) their attempts -> the file's bytes."""

RenderNumbered = Callable[
    [Sequence[CapturedRequest], str, AttemptsFor | None, DeliveriesFor], bytes
]
"""Render, also given each capture's delivery as the store numbers it (`deliveries.json_view`)."""


@dataclass(frozen=True, slots=True)
class ExportFormat:
    """One way to write captures out: a choice in the export dialog and a file extension."""

    key: str
    """Stable id (`curl`, `har`): what `render_export` is called with."""
    label: str
    """What the export dialog shows."""
    extension: str
    """File extension of a saved export, without the dot."""
    render: Render
    """The exported bytes of one or many captures, in the order given."""
    order: int = 100
    """Position in the dialog, lowest first; ties go by key. Built-ins use 10, 20, ..."""
    render_numbered: RenderNumbered | None = None
    """For a format that writes delivery ids and arrival numbers (HAR): `render` with the
    store's numbering, so an exported capture says it is the arrival the list's `↻n` says,
    not its place among the captures exported. None: the format writes no arrival numbers."""

    resends: bool = False
    """The export is a command that sends the captures again (curl, HTTPie): the dialog
    offers the replay target as its URL. Records (HAR, JSON) keep the URL they arrived at."""

    file_stem: str = "whisper-{what}"
    """The saved file's name before the extension; `{what}` is the capture's number or
    `captures`. Formats sharing an extension (curl and HTTPie both write `.sh`) need stems of
    their own, or saving one after the other collides; pytest collects only `test_*.py`."""

    def file_name(self, what: str) -> str:
        """The name the export dialog suggests for `what` (a capture number, `captures`)."""
        return f"{self.file_stem.format(what=what)}.{self.extension}"

    def export(
        self,
        requests: Sequence[CapturedRequest],
        base_url: str,
        attempts_for: AttemptsFor | None = None,
        deliveries_for: DeliveriesFor | None = None,
    ) -> bytes:
        """The exported bytes, with the store's delivery numbering when given and used."""
        if deliveries_for is not None and self.render_numbered is not None:
            return self.render_numbered(requests, base_url, attempts_for, deliveries_for)
        return self.render(requests, base_url, attempts_for)


_by_key: dict[str, ExportFormat] = {}
# Sorted once per change, not per dialog.
_ordered: tuple[ExportFormat, ...] = ()


def register(export_format: ExportFormat) -> ExportFormat:
    """Add a format; returns it so a module can write `FORMAT = register(ExportFormat(...))`.

    Registering the same object again is a no-op (a module imported twice); a different format
    with a taken key is refused, so two formats can never silently shadow each other.
    """
    known = _by_key.get(export_format.key)
    if known is export_format:
        return export_format
    if known is not None:
        raise ValueError(f"export format {export_format.key!r} is already registered")
    if not export_format.key:
        raise ValueError("an export format needs a non-empty key")
    _by_key[export_format.key] = export_format
    _reorder()
    return export_format


def unregister(key: str) -> ExportFormat:
    """Remove a registered format by key; returns it. KeyError if there is none."""
    removed = _by_key.pop(key)
    _reorder()
    return removed


def _reorder() -> None:
    global _ordered
    _ordered = tuple(sorted(_by_key.values(), key=lambda f: (f.order, f.key)))


def formats() -> tuple[ExportFormat, ...]:
    """Every registered format, in dialog order."""
    return _ordered


def get_format(key: str) -> ExportFormat:
    """The format registered under `key`; ValueError naming the known keys if none."""
    found = _by_key.get(key)
    if found is None:
        known = ", ".join(f.key for f in _ordered)
        raise ValueError(f"unknown export format {key!r}; known: {known}")
    return found


def render_export(
    key: str,
    requests: Sequence[CapturedRequest],
    base_url: str,
    attempts_for: AttemptsFor | None = None,
    deliveries_for: DeliveriesFor | None = None,
) -> bytes:
    """The exported bytes of one or many captures in the format registered under `key`.

    `deliveries_for` (the store's `deliveries.json_view`) numbers arrivals as the list does;
    without it a format that writes them numbers them among the captures given.
    """
    return get_format(key).export(requests, base_url, attempts_for, deliveries_for)
