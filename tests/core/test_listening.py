"""The listening socket: bound and listening at once, a busy port an OSError before anything."""

from __future__ import annotations

import errno
import socket

import pytest

from whisper_tui.core.listening import bind_socket


def test_a_bound_socket_accepts_connects_before_anything_serves_it():
    sock = bind_socket("127.0.0.1", 0)
    try:
        port = sock.getsockname()[1]
        assert port != 0
        assert not sock.getblocking()  # handed to the event loop's server as it is
        # Nothing accepts yet, but the kernel completes the connect and queues it.
        with socket.create_connection(("127.0.0.1", port), timeout=5):
            pass
    finally:
        sock.close()


def test_a_busy_port_raises_address_in_use_and_leaves_no_socket_open():
    taken = bind_socket("127.0.0.1", 0)
    try:
        with pytest.raises(OSError) as raised:
            bind_socket("127.0.0.1", taken.getsockname()[1])
        assert raised.value.errno == errno.EADDRINUSE
    finally:
        taken.close()
