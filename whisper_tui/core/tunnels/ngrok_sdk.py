"""`--tunnel ngrok`: an ngrok endpoint through ngrok's official Python SDK.

The SDK is an optional extra (the `ngrok` extra: core/extras.py says how to install it where
whisper-tui is installed); the token comes from
NGROK_AUTHTOKEN. The SDK keeps its session alive (and reconnects it) by itself; a session that
can't be opened (no network, a bad token) is retried with backoff like any other tunnel.
"""

from __future__ import annotations

import asyncio
import contextlib
import importlib
from typing import Any

from whisper_tui.core.extras import install_extra
from whisper_tui.core.tunnels.base import ConnectionEnded, Tunnel, TunnelError, one_line
from whisper_tui.core.tunnels.registry import register

TOKEN_VARIABLE = "NGROK_AUTHTOKEN"
TOKEN_PAGE = "https://dashboard.ngrok.com/get-started/your-authtoken"


def load_sdk() -> Any:
    """The ngrok module; TunnelError in one line when the extra isn't installed."""
    try:
        return importlib.import_module("ngrok")
    except ImportError:
        raise TunnelError(f"the ngrok package is not installed: {install_extra('ngrok')}") from None


@register
class NgrokTunnel(Tunnel):
    """An ngrok HTTP endpoint forwarding to the capture server."""

    kind = "ngrok"
    usage = "ngrok"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._listener: Any = None

    async def connect_once(self) -> None:
        sdk = load_sdk()
        token = self.target.environ.get(TOKEN_VARIABLE, "").strip()
        if not token:
            raise TunnelError(f"{TOKEN_VARIABLE} is not set (your token: {TOKEN_PAGE})")
        try:
            self._listener = await sdk.forward(self.target.address, authtoken=token)
        except ValueError as error:  # how the SDK reports a session it can't open
            raise ConnectionEnded(f"ngrok: {one_line(error)}") from None
        try:
            self.announce(str(self._listener.url()))
            await asyncio.Event().wait()  # up until stopped
        finally:
            await self.close_connection()

    async def close_connection(self) -> None:
        listener, self._listener = self._listener, None
        if listener is not None:
            with contextlib.suppress(ValueError):  # already gone with the session
                await listener.close()
