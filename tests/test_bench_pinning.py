"""The benchmarks' CPU pinning pins (tests/bench/pinning.py).

The throughput rows compare servers that each have a core to themselves, with the load
generator on the other. A pin that silently did nothing once left the server, wrk and the pty
reader sharing one CPU for days while the bench printed "server pinned to CPU 0".
"""

from __future__ import annotations

import os
import subprocess

import pytest

from tests.bench import pinning

pytestmark = pytest.mark.skipif(
    not pinning.enabled(), reason="pinning needs two CPUs and WHISPER_BENCH_PIN unset"
)


def test_a_server_started_while_the_harness_is_on_the_load_cpus_is_pinned_to_the_server_cpu():
    with pinning.harness_on_load_cpus():
        assert pinning.SERVER_CPU not in os.sched_getaffinity(0)
        # Started from the harness's thread, the server first inherits the load CPUs.
        server = subprocess.Popen(["sleep", "30"])
        try:
            pinning.pin_server(server.pid)
            assert os.sched_getaffinity(server.pid) == {pinning.SERVER_CPU}
        finally:
            server.kill()
            server.wait()
    assert pinning.SERVER_CPU in os.sched_getaffinity(0)  # the harness gets every CPU back


def test_the_description_matches_what_is_pinned_inside_the_rounds():
    with pinning.harness_on_load_cpus():
        assert pinning.describe() == f"server pinned to CPU {pinning.SERVER_CPU}, load to CPU " + (
            ",".join(map(str, sorted(pinning.load_cpus())))
        )
