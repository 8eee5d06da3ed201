"""Tunnels: a public URL for the capture server through a tunnel the user already has.

One module per kind (ssh.py, cloudflared.py, ngrok_sdk.py) subclasses `Tunnel` (or
`ProcessTunnel` for a program) and registers it; this package imports every module it holds, so
adding a kind is adding one file. The Session owns the tunnel: it starts it after the server
listens and stops it before the server closes.
"""

from __future__ import annotations

import importlib
import pkgutil

from whisper_tui.core.tunnels.base import (
    ConnectionEnded,
    ProcessTunnel,
    Tunnel,
    TunnelError,
    TunnelTarget,
)
from whisper_tui.core.tunnels.registry import (
    TunnelSpec,
    create_tunnel,
    kinds,
    parse_tunnel,
    register,
    unregister,
    usages,
)


def _load_builtin() -> None:
    for info in pkgutil.iter_modules(__path__):
        if info.name not in ("base", "registry"):
            importlib.import_module(f"{__name__}.{info.name}")


_load_builtin()

__all__ = [
    "ConnectionEnded",
    "ProcessTunnel",
    "Tunnel",
    "TunnelError",
    "TunnelSpec",
    "TunnelTarget",
    "create_tunnel",
    "kinds",
    "parse_tunnel",
    "register",
    "unregister",
    "usages",
]
