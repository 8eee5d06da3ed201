"""Fixtures for the tunnel tests: a real sshd on loopback."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.core.tunnels.sshd import RunningSshd, run_sshd


@pytest.fixture
def sshd(tmp_path) -> Iterator[RunningSshd]:
    """A real OpenSSH server on a free 127.0.0.1 port that accepts our generated key."""
    yield from run_sshd(tmp_path)
