"""The baseline: a bare aiohttp catch-all server that reads the body and answers "ok".

Run as its own process, like the app, so both are measured the same way:

.venv/bin/python tests/bench/bare_server.py PORT [asyncio|uvloop]

On asyncio's own loop by default (what a user compares against), or on uvloop: the app's
default loop where uvloop is installed, so "the same loop" can be compared too.
"""

from __future__ import annotations

import contextlib
import subprocess
import sys
from collections.abc import Iterator

from aiohttp import web


async def handle(request: web.Request) -> web.Response:
    await request.read()
    return web.Response(text="ok")


def make_app() -> web.Application:
    app = web.Application(client_max_size=64 * 1024 * 1024)
    app.router.add_route("*", r"/{tail:[\s\S]*}", handle)
    return app


@contextlib.contextmanager
def bare_process(port: int, loop: str = "asyncio") -> Iterator[subprocess.Popen]:
    # Imported here: the baseline server process itself loads nothing but aiohttp.
    from tests.bench.tui_process import stop

    process = subprocess.Popen(
        [sys.executable, __file__, str(port), loop],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        yield process
    finally:
        stop(process)


def main() -> None:
    port = int(sys.argv[1]) if len(sys.argv) > 1 else 8081
    loop = None
    if sys.argv[2:3] == ["uvloop"]:
        import uvloop

        loop = uvloop.new_event_loop()
    web.run_app(make_app(), host="127.0.0.1", port=port, access_log=None, print=None, loop=loop)


if __name__ == "__main__":
    main()
