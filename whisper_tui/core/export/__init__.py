"""Export formats: turn captures into something another tool can use, one module per format.

Each format module (curl.py, httpie.py, raw_http.py, json_doc.py, har.py) declares an
`ExportFormat` (key, label, extension, render) and registers it; this package imports every
module it holds, so adding a format is adding one file. A format defined elsewhere joins with
`register` and leaves with `unregister`.
"""

from __future__ import annotations

import importlib
import pkgutil

from whisper_tui.core.export.registry import (
    AttemptsFor,
    ExportFormat,
    Render,
    formats,
    get_format,
    register,
    render_export,
    unregister,
)


def _load_builtin() -> None:
    # Module order does not matter: each format carries its dialog position (`order`).
    for info in pkgutil.iter_modules(__path__):
        importlib.import_module(f"{__name__}.{info.name}")


_load_builtin()

__all__ = [
    "AttemptsFor",
    "ExportFormat",
    "Render",
    "formats",
    "get_format",
    "register",
    "render_export",
    "unregister",
]
