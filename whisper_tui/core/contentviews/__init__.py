"""Body views for display: decode a body (content-encoding, charset), then draw it with the
registered view that fits it best, in the manner of mitmproxy's contentviews.

Each built-in view is one module here named `*_view.py` defining `VIEW`, a ContentView;
the package finds and registers them itself, so adding a view is adding one file. A view
defined elsewhere joins with register(VIEW) and leaves with unregister(VIEW).
"""

from __future__ import annotations

import importlib
import pkgutil

from whisper_tui.core.contentviews.decoding import DECOMPRESS_CAP, DecodedBody, decode_body
from whisper_tui.core.contentviews.lines import LONG_LINE, HexLines, LazyLines, Lines, ListLines
from whisper_tui.core.contentviews.registry import (
    body_view,
    body_view_within,
    choose_view,
    register,
    registered_views,
    unregister,
    view_for,
)
from whisper_tui.core.contentviews.view import BodyView, ContentView

__all__ = [
    "DECOMPRESS_CAP",
    "LONG_LINE",
    "BodyView",
    "ContentView",
    "DecodedBody",
    "HexLines",
    "LazyLines",
    "Lines",
    "ListLines",
    "body_view",
    "body_view_within",
    "choose_view",
    "decode_body",
    "register",
    "registered_views",
    "unregister",
    "view_for",
]


def _register_builtin_views() -> None:
    for module in sorted(pkgutil.iter_modules(__path__), key=lambda info: info.name):
        if module.name.endswith("_view"):
            register(importlib.import_module(f"{__name__}.{module.name}").VIEW)


_register_builtin_views()
