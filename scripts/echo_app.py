"""A stand-in for "your app": answers every request with what it received (and a digest).

    .venv/bin/python scripts/echo_app.py [--port 3000] [--status 201]

Use it as a --forward / replay target to see whisper-tui's byte-exact delivery: the answer
carries the method, target, headers in order, body length and SHA-256 of the body.
"""

from __future__ import annotations

import argparse
import hashlib

from aiohttp import web


def make_app(status: int) -> web.Application:
    async def echo(request: web.Request) -> web.Response:
        body = await request.read()
        digest = hashlib.sha256(body).hexdigest()
        print(f"{request.method} {request.raw_path} {len(body)} bytes sha256={digest}", flush=True)
        answer = {
            "received": {
                "method": request.method,
                "target": request.raw_path,
                "headers": [
                    [n.decode("latin-1"), v.decode("latin-1")] for n, v in request.raw_headers
                ],
                "body_length": len(body),
                "body_sha256": digest,
            }
        }
        return web.json_response(answer, status=status, headers={"X-Echo": "yes"})

    app = web.Application(client_max_size=64 * 1024 * 1024)
    app.router.add_route("*", r"/{tail:[\s\S]*}", echo)
    return app


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--port", type=int, default=3000)
    parser.add_argument("--status", type=int, default=201)
    args = parser.parse_args()
    web.run_app(
        make_app(args.status), host="127.0.0.1", port=args.port, print=None, auto_decompress=False
    )
