"""The benchmarks' load generator (tests/bench/load.py) when it cannot do its job.

A bench row whose server never listened should say so, not fail inside the harness.
"""

from __future__ import annotations

import shutil
import socket

import pytest

from tests.bench.load import run_load


@pytest.mark.skipif(shutil.which("wrk") is None, reason="wrk is not installed")
def test_wrk_against_a_port_nothing_listens_on_is_a_clear_error():
    # Bound but not listening: connects are refused, and no other process can take the port.
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]
        with pytest.raises(RuntimeError) as failed:
            run_load(port, 10, tool="wrk", max_seconds=2)
    message = str(failed.value)
    assert message.startswith(f"wrk against port {port} failed (exit ")
    assert "Connection refused" in message
