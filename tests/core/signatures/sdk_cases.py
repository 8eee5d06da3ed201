"""Shared pieces of the differential tests: whisper-tui's verdict against each provider's SDK.

Each test_<provider>_sdk.py lets the provider's official SDK sign (or computes the documented
scheme where the SDK has no signer), builds the capture as it would have arrived, and asserts
that whisper-tui's verdict (judged at the capture's arrival time, with every scheme's default
tolerance) is what the SDK's own verify decides with its defaults at that same moment.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import AsyncIterator, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any
from unittest import mock

from aiohttp import web
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

from whisper_tui.core.models import CapturedRequest
from whisper_tui.core.replay import Sender
from whisper_tui.core.signatures import SignatureSettings, Verdict
from whisper_tui.core.verdicts import Verdicts

EXAMPLES = 50
"""Cases per property: enough to cross every edge below, fast enough for every test run."""

SDK_CASES = settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow],
)
"""Derandomized, so a run that passes once passes again (CI never sees a new example)."""

SIGNED_AT = 1_764_000_000
"""When the deliveries are signed; arrival times are this plus an offset."""

# Floats whose text a JSON round trip would change ("1.10" -> 1.1): a body must be kept as bytes.
FLOAT_TEXTS = ("1.10", "0.1", "1e-7", "-0.0", "100.000", "3.14159265358979323846", "1E+2")

unicode_text = st.text(st.characters(exclude_categories=("Cs",)), max_size=60)
"""Any text that can be UTF-8 encoded (lone surrogates can't be sent by anyone)."""


@st.composite
def json_bodies(draw: st.DrawFn) -> str:
    """JSON text as a sender writes it: odd floats, raw or escaped unicode, any spacing."""
    number = draw(st.sampled_from(FLOAT_TEXTS))
    note = json.dumps(draw(unicode_text), ensure_ascii=draw(st.booleans()))
    spacing = draw(st.sampled_from(["", " ", "\n  ", "\r\n"]))
    tail = draw(st.sampled_from(["", "\n", "\r\n"]))
    return f'{{{spacing}"amount":{spacing}{number},{spacing}"note":{note}}}{tail}'


text_bodies = st.one_of(st.just(""), json_bodies(), unicode_text)
"""Bodies for providers whose SDKs take any UTF-8 text."""


def edge_offsets(tolerance: float) -> list[float]:
    """Seconds from signing to arrival, each checked for every example: exactly at, just
    inside and just past both edges of the tolerance, on time, and an hour either way."""
    edges = [sign * (tolerance + delta) for sign in (1, -1) for delta in (-1, -0.001, 0, 0.001, 1)]
    return [0.0, *edges, 3600.0, -3600.0]


def offsets(tolerance: float) -> st.SearchStrategy[float]:
    """One more offset per example, anywhere within three tolerances (to the millisecond)."""
    spread = st.integers(int(-3 * tolerance * 1000), int(3 * tolerance * 1000))
    return spread.map(lambda ms: ms / 1000)


def capture(
    headers: Sequence[tuple[str, str]],
    body: bytes,
    *,
    at: float,
    target: str = "/hooks/x",
    method: str = "POST",
) -> CapturedRequest:
    """A capture of a delivery as it arrived at `at` (header text as its UTF-8 bytes)."""
    return CapturedRequest(
        id=1,
        received_at=at,
        remote="127.0.0.1",
        method=method,
        target=target,
        http_version=(1, 1),
        raw_headers=tuple((n.encode(), v.encode()) for n, v in headers),
        body=body,
    )


def whisper_verdict(
    request: CapturedRequest,
    scheme: str,
    secret: str | tuple[str, ...],
    public_url: str | None = None,
) -> Verdict:
    """whisper-tui's verdict for one scheme, as the app judges it: at the arrival time, with
    the scheme's default tolerance (no --tolerance), with one secret or several."""
    found = Verdicts(SignatureSettings({scheme: secret}, public_url=public_url))
    [verdict] = [v for v in found.for_request(request) if v.scheme == scheme]
    return verdict


@contextlib.contextmanager
def clock_at(module: object, name: str, value: Any) -> Iterator[None]:
    """Replace the SDK module's own clock (`name`) for one verify: the SDKs read it directly."""
    with mock.patch.object(module, name, value):
        yield


@dataclass
class Received:
    """What a forwarded copy looked like at the receiving app."""

    target: str
    headers: dict[str, str]
    body: bytes


@dataclass
class Receiver:
    """A real aiohttp app on 127.0.0.1 that keeps what arrives, as a provider's customer would."""

    url: str = ""
    arrived: list[Received] = field(default_factory=list)


@contextlib.asynccontextmanager
async def receiver() -> AsyncIterator[Receiver]:
    """Start a receiving app on a free loopback port for the duration of the block."""
    found = Receiver()

    async def keep(request: web.BaseRequest) -> web.Response:
        headers = {name.lower(): value for name, value in request.headers.items()}
        found.arrived.append(Received(request.raw_path, headers, await request.read()))
        return web.Response(text="ok")

    runner = web.ServerRunner(web.Server(keep))
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    host, port = runner.addresses[0][:2]
    found.url = f"http://{host}:{port}"
    try:
        yield found
    finally:
        await runner.cleanup()


async def forward_all(captures: Sequence[CapturedRequest]) -> list[Received]:
    """Forward each capture with whisper-tui's Sender (as --forward does); what arrived."""
    sender = Sender()
    try:
        async with receiver() as app:
            for request in captures:
                attempt = await sender.send(request, app.url, kind="forward")
                assert attempt.error is None and attempt.status == 200, attempt.error
            return app.arrived
    finally:
        await sender.close()


TRICKY_BODIES: tuple[str, ...] = (
    "",
    '{"amount":1.10,"currency":"eur"}',
    '{\n  "name": "Zoë Müller 🎉",\n  "n": 1e-7\n}\n',
    '{"escaped":"Zo\\u00eb","crlf":true}\r\n',
    "x" * 70_000,
)
"""Bodies forwarded in the forwarding tests (text: every SDK here decodes the body as UTF-8)."""


binary_bodies = st.tuples(st.binary(max_size=32), st.binary(max_size=32)).map(
    lambda halves: halves[0] + b"\xff" + halves[1]
)
"""Bodies that are not UTF-8 (0xFF never is): these SDKs decode the body before checking."""
