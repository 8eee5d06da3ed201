"""The listening socket, bound before anything else starts.

Plain sockets only, no aiohttp: the CLI binds here before the TUI is imported, and the TUI
draws its first frame before the capture server (and aiohttp's ~0.3 s import) starts on this
socket. Connects that arrive meanwhile wait in the kernel's backlog, answered once it serves.
"""

from __future__ import annotations

import socket


def bind_socket(host: str, port: int, backlog: int = 1024) -> socket.socket:
    """Bind the listening socket up front so a busy port fails before any screen is drawn."""
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
    family, _, _, _, address = infos[0]
    sock = socket.socket(family, socket.SOCK_STREAM)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(address)
        sock.listen(backlog)
    except OSError:
        sock.close()
        raise
    sock.setblocking(False)
    return sock
