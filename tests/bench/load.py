"""Load generator: a fixed number of POSTs over N keep-alive connections, counted exactly.

wrk when it is installed (`apt-get install wrk`), with a Lua script that gives each thread a
budget and stops the thread once every request it sent has been answered, so "completed"
is exact (a timed wrk run leaves requests in flight that the server saw and wrk did not
count). Without wrk: worker processes running aiohttp clients, the same fixed count.

.venv/bin/python tests/bench/load.py PORT [COUNT] [--aiohttp]

WHISPER_BENCH_LOAD=aiohttp in the environment makes every benchmark use the fallback.
"""

from __future__ import annotations

import asyncio
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

# After the path is set: this file also runs alone, and as the aiohttp fallback's workers.
from tests.bench.pinning import pin_load

PATH = "/hooks/stripe?attempt=1"
SMALL_BODY = (
    b'{"id":"evt_1NqLzW2eZvKYlo2C","object":"event","api_version":"2024-06-20",'
    b'"created":1764000000,"type":"payment_intent.succeeded","livemode":false,'
    b'"data":{"object":{"id":"pi_3NqLzV2eZvKYlo2C1","amount":2000,"currency":"usd",'
    b'"status":"succeeded","customer":"cus_OdXqYb1Cq9nIaY","description":"Order 6735",'
    b'"metadata":{"order":"6735","sku":"tshirt-blue-l"}}},"pad":"' + b"x" * 87 + b'"}'
)
"""A ~450-byte Stripe-like JSON delivery."""
CONNECTIONS = 16
THREADS = 2

WRK_SCRIPT = r"""
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
%(headers)swrk.body = [==[%(body)s]==]
local budget, conns, sent, idle = 0, 0, 0, 0
local req = nil

function init(args)
  budget = tonumber(args[1])
  conns = tonumber(args[2])
  req = wrk.format(nil, "%(path)s")
  io.write("THREADSTART\n")
  io.flush()
end

-- wrk may call request() once per thread before connecting (a request it never sends), so
-- the count that matters is the answers wrk reports. A connection that finds the budget
-- spent gets "" and stays idle: it has no request in flight. When every connection of the
-- thread is idle, everything it sent has been answered, and the thread stops.
function request()
  if sent >= budget then
    idle = idle + 1
    if idle >= conns then
      -- wrk's main thread sleeps out -d whatever the threads do: tell the harness, which
      -- notes the time and interrupts wrk (SIGINT makes it print its summary at once).
      io.write("THREADSTOP\n")
      io.flush()
      wrk.thread:stop()
    end
    return ""
  end
  sent = sent + 1
  return req
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    "WRKRESULT %%d %%d %%d %%d %%d %%d %%d\n", summary.requests, summary.duration,
    e.connect, e.read, e.write, e.status, e.timeout))
end
"""


@dataclass
class LoadResult:
    tool: str
    requested: int
    completed: int
    """Requests answered (any status)."""
    elapsed: float
    errors: int
    """Socket errors and non-200 answers (wrk's read timeouts on idle connections excluded)."""

    @property
    def rate(self) -> float:
        return self.completed / self.elapsed if self.elapsed else 0.0

    def __str__(self) -> str:
        return (
            f"{self.tool}: {self.completed:,}/{self.requested:,} in {self.elapsed:.2f} s "
            f"= {self.rate:,.0f} req/s, {self.errors} errors"
        )


def have_wrk() -> bool:
    """wrk is installed, and not overridden by WHISPER_BENCH_LOAD=aiohttp."""
    return os.environ.get("WHISPER_BENCH_LOAD") != "aiohttp" and shutil.which("wrk") is not None


def run_load(
    port: int,
    count: int,
    body: bytes = SMALL_BODY,
    connections: int = CONNECTIONS,
    threads: int = THREADS,
    tool: str | None = None,
    max_seconds: float = 300.0,
    headers: dict[str, str] | None = None,
) -> LoadResult:
    """Send exactly `count` POSTs (split over `threads` and `connections`), wait for answers.

    `headers`: sent on every request besides Content-Type (plain ASCII names and values).
    """
    tool = tool or ("wrk" if have_wrk() else "aiohttp")
    per_thread = [count // threads + (1 if i < count % threads else 0) for i in range(threads)]
    extra = headers or {}
    if tool == "wrk":
        return _run_wrk(port, per_thread, body, connections, max_seconds, extra)
    return _run_aiohttp(port, per_thread, body, connections // threads, max_seconds, extra)


def _run_wrk(
    port: int,
    per_thread: list[int],
    body: bytes,
    connections: int,
    max_seconds: float,
    headers: dict[str, str],
) -> LoadResult:
    text = body.decode("latin-1")
    if "]==]" in text:
        raise ValueError("body cannot be embedded in the Lua script")
    lines = "".join(f"wrk.headers[{json.dumps(k)}] = {json.dumps(v)}\n" for k, v in headers.items())
    # wrk passes the same script arguments to every thread: equal budgets only.
    threads = len(per_thread)
    budget = min(per_thread)
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(WRK_SCRIPT % {"body": text, "path": PATH, "headers": lines})
    command = [
        "wrk",
        "-t",
        str(threads),
        "-c",
        str(connections),
        "-d",
        f"{int(max_seconds)}s",
        "--timeout",
        "30s",
        "-s",
        script.name,
        f"http://127.0.0.1:{port}/",
        "--",
        str(budget),
        str(connections // threads),
    ]
    started = stopped = 0.0
    line = ""  # what wrk printed last: nothing at all when it could not start its threads
    try:
        process = subprocess.Popen(
            command,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            bufsize=1,
            preexec_fn=pin_load,
        )
        assert process.stdout is not None
        stops = 0
        timer = threading.Timer(max_seconds + 30, process.kill)
        timer.start()
        try:
            for line in process.stdout:
                if line.startswith("THREADSTART") and not started:
                    started = time.perf_counter()
                elif line.startswith("THREADSTOP"):
                    stops += 1
                    stopped = time.perf_counter()
                    if stops == threads:
                        process.send_signal(signal.SIGINT)
                elif line.startswith("WRKRESULT"):
                    break
            out, err = process.communicate(timeout=30)
        finally:
            timer.cancel()
    finally:
        os.unlink(script.name)
    found = re.search(r"WRKRESULT (\d+) (\d+) (\d+) (\d+) (\d+) (\d+) (\d+)", line + out)
    if not found:
        said = " ".join(f"{line}{out}{err}".split()) or "no output"
        raise RuntimeError(f"wrk against port {port} failed (exit {process.returncode}): {said}")
    requests, micros, connect, read, write, status, _timeout = map(int, found.groups())
    # Threads that never stopped (errors, a hung server) ran until -d: use wrk's own clock.
    elapsed = stopped - started if stops == threads else micros / 1e6
    return LoadResult("wrk", budget * threads, requests, elapsed, connect + read + write + status)


# -- aiohttp fallback ------------------------------------------------------------------------


async def _client(
    port: int,
    count: int,
    body: bytes,
    connections: int,
    start_at: float,
    extra: dict[str, str],
) -> tuple[int, int, float, float]:
    import aiohttp

    url = f"http://127.0.0.1:{port}{PATH}"
    headers = {"Content-Type": "application/json", **extra}
    connector = aiohttp.TCPConnector(limit=connections, force_close=False)
    timeout = aiohttp.ClientTimeout(total=None, sock_read=60)
    completed = errors = 0
    remaining = count
    async with aiohttp.ClientSession(connector=connector, timeout=timeout) as session:
        while time.monotonic() < start_at:
            await asyncio.sleep(0.001)
        began = time.monotonic()

        async def connection() -> None:
            nonlocal remaining, completed, errors
            while remaining > 0:
                remaining -= 1
                try:
                    async with session.post(url, data=body, headers=headers) as response:
                        await response.read()
                        completed += 1
                        if response.status != 200:
                            errors += 1
                except aiohttp.ClientError:
                    errors += 1

        await asyncio.gather(*(connection() for _ in range(connections)))
        ended = time.monotonic()
    return completed, errors, began, ended


def _run_aiohttp(
    port: int,
    per_process: list[int],
    body: bytes,
    connections: int,
    max_seconds: float,
    headers: dict[str, str],
) -> LoadResult:
    # Worker processes (a Python client is CPU-bound: one process would be the bottleneck).
    # They take a while to start (importing aiohttp), so all begin at an agreed moment.
    start_at = time.monotonic() + 1.5
    with tempfile.NamedTemporaryFile("wb", suffix=".body", delete=False) as body_file:
        body_file.write(body)
    try:
        workers = [
            subprocess.Popen(
                [
                    sys.executable,
                    __file__,
                    "--worker",
                    str(port),
                    str(count),
                    str(connections),
                    repr(start_at),
                    body_file.name,
                    json.dumps(headers),
                ],
                stdout=subprocess.PIPE,
                text=True,
                preexec_fn=pin_load,
            )
            for count in per_process
        ]
        results = [json.loads(w.communicate(timeout=max_seconds + 30)[0]) for w in workers]
    finally:
        os.unlink(body_file.name)
    completed = sum(r[0] for r in results)
    errors = sum(r[1] for r in results)
    began = min(r[2] for r in results)
    ended = max(r[3] for r in results)
    return LoadResult("aiohttp", sum(per_process), completed, ended - began, errors)


def _worker_main(args: list[str]) -> None:
    port, count, connections = int(args[0]), int(args[1]), int(args[2])
    start_at, body, extra = float(args[3]), Path(args[4]).read_bytes(), json.loads(args[5])
    print(json.dumps(asyncio.run(_client(port, count, body, connections, start_at, extra))))


def describe() -> str:
    if have_wrk():
        return f"wrk ({THREADS} threads, {CONNECTIONS} connections, fixed count per thread)"
    return (
        f"aiohttp client fallback ({THREADS} processes x {CONNECTIONS // THREADS} connections; "
        "install wrk for a lighter generator)"
    )


def main() -> None:
    if sys.argv[1:2] == ["--worker"]:
        _worker_main(sys.argv[2:])
        return
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    if not args:
        print(__doc__)
        raise SystemExit(2)
    port = int(args[0])
    count = int(args[1]) if len(args) > 1 else 20_000
    tool = "aiohttp" if "--aiohttp" in sys.argv else None
    result = run_load(port, count, tool=tool)
    print(result)
    print(json.dumps(result.__dict__))


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
    main()
