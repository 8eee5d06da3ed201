"""The echo server the exported commands are run against: it records what really arrived."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from aiohttp import web

from tests.core.export.helpers import EchoServer, Seen


@pytest.fixture
async def echo() -> AsyncIterator[EchoServer]:
    server = EchoServer(base_url="")

    async def handler(request: web.Request) -> web.Response:
        body = await request.read()
        server.seen.append(
            Seen(
                method=request.method,
                raw_path=request.raw_path,
                version=(request.version.major, request.version.minor),
                raw_headers=list(request.raw_headers),
                body=body,
            )
        )
        return web.Response(text="ok")

    # A big client_max_size because read() enforces it; auto_decompress off so a gzip body
    # is recorded as the bytes that crossed the wire.
    app = web.Application(client_max_size=64 * 1024 * 1024)
    app.router.add_route("*", "/{tail:.*}", handler)
    runner = web.AppRunner(app, auto_decompress=False, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    server.base_url = f"http://127.0.0.1:{port}"
    try:
        yield server
    finally:
        await runner.cleanup()
