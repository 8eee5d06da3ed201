"""A capture server for automated tests: a Session on a free loopback port, in its own thread.

The server runs on a private event loop in a daemon thread, so a synchronous test (requests,
urllib, a subprocess) and an asynchronous one (its own loop, aiohttp or httpx) can both send
to it while the test waits. `whisper_tui.pytest_plugin` exposes it as the `webhook_inbox`
fixture; anything else can use `WebhookInbox` directly as a context manager.
"""

from __future__ import annotations

import asyncio
import dataclasses
import json
import threading
import time
from collections.abc import Awaitable, Callable, Iterable, Mapping, Sequence
from typing import Any, TypeVar

from whisper_tui.core.answers import status_of
from whisper_tui.core.filter_match import Predicate, compile_filter
from whisper_tui.core.filter_terms import FilterError
from whisper_tui.core.models import CapturedRequest
from whisper_tui.core.portable import header_text
from whisper_tui.core.responses import parse_rule
from whisper_tui.core.sanitize import printable
from whisper_tui.core.session import Session
from whisper_tui.core.settings import Settings
from whisper_tui.core.signatures import SignatureSettings, Verdict, get_scheme, verify
from whisper_tui.core.signatures.secret_args import parse_secret_arg
from whisper_tui.loops import new_loop

T = TypeVar("T")
POLL_INTERVAL = 0.01
SECRETS_HOW = (
    "@pytest.mark.webhook_inbox(secrets={'github': '...'}) on the test, "
    "or WebhookInbox(secrets={...})"
)


class InboxTimeout(AssertionError):
    """Fewer matching captures arrived than a test waited for; the message lists what came."""


class Capture:
    """One captured request, as a test reads it: exact bytes and headers, and helpers."""

    def __init__(self, request: CapturedRequest) -> None:
        self.request = request

    def __repr__(self) -> str:
        return f"<Capture #{self.id} {self.method} {self.target!r} {len(self.body)} B>"

    @property
    def id(self) -> int:
        return self.request.id

    @property
    def method(self) -> str:
        return self.request.method

    @property
    def target(self) -> str:
        """Path and query exactly as they were on the request line."""
        return self.request.target

    @property
    def path(self) -> str:
        return self.request.path

    @property
    def headers(self) -> list[tuple[str, str]]:
        """(name, value) pairs in the order they came, duplicates and casing kept.

        Text as the sender meant it: UTF-8 where the bytes are valid UTF-8 ('Zoë'), else
        latin-1 (each byte one character). `raw_headers` has the bytes themselves.
        """
        return [(header_text(n)[0], header_text(v)[0]) for n, v in self.request.raw_headers]

    @property
    def raw_headers(self) -> tuple[tuple[bytes, bytes], ...]:
        """(name, value) byte pairs exactly as they arrived."""
        return self.request.raw_headers

    def header(self, name: str) -> str | None:
        """The first value of a header (any casing), as text like `headers`, or None."""
        wanted = name.lower()
        for header_name, value in self.headers:
            if header_name.lower() == wanted:
                return value
        return None

    @property
    def body(self) -> bytes:
        """The body bytes exactly as received (never decompressed or re-encoded)."""
        return self.request.body

    def json(self) -> Any:
        """The body parsed as JSON (raises ValueError when it isn't)."""
        return json.loads(self.request.body)

    @property
    def status(self) -> int:
        """What the inbox answered this request with."""
        return status_of(self.request)

    def verify(
        self, scheme: str, secret: str | Sequence[str], *, public_url: str | None = None
    ) -> Verdict:
        """Check the signature of `scheme` with `secret` (or any of several), as of the
        moment it arrived.

        The verdict's `.ok` says whether it verified and `.reason` why not (with several
        secrets, which one verified). A request that
        carries no signature of that scheme gets a failed verdict saying so.
        """
        name = get_scheme(scheme).name
        settings = SignatureSettings(secrets={name: secret}, public_url=public_url)
        for verdict in verify(self.request, settings, self.request.received_at):
            if verdict.scheme == name:
                return verdict
        return Verdict(name, "failed", f"no {name} signature headers on this request", None)


def summary(captures: list[CapturedRequest], limit: int = 20) -> str:
    """One line per capture (method, target, size, status), for failure messages."""
    if not captures:
        return "  (nothing arrived)"
    lines = [
        f"  #{c.id} {printable(c.method)} {printable(c.target)} "
        f"{len(c.body)} B {printable(c.content_type or '-')} -> {status_of(c)}"
        for c in captures[-limit:]
    ]
    if len(captures) > limit:
        lines.insert(0, f"  ... {len(captures) - limit} earlier")
    return "\n".join(lines)


SecretsArg = Mapping[str, str | Sequence[str]]
"""Secrets per scheme, as a test gives them: {"github": "...", "stripe": ["whsec_a", "whsec_b"]}."""


def secret_pairs(secrets: SecretsArg) -> tuple[tuple[str, str], ...]:
    """(scheme, secret) pairs from a mapping, each checked as --secret checks it (a scheme
    name or alias, a usable secret); ValueError naming the scheme, never the secret."""
    pairs = []
    for scheme, given in secrets.items():
        # Neither a string nor a list (a number): the same one line, not list()'s TypeError
        # and a traceback, whose frames (pytest -l) would show the secrets.
        values = (
            [given]
            if isinstance(given, str)
            else list(given)
            if isinstance(given, Iterable)
            else []
        )
        if not values or not all(isinstance(value, str) and value for value in values):
            raise ValueError(f"secrets: {scheme!r} needs a secret, or a non-empty list of them")
        for value in values:
            pairs.append(parse_secret_arg(f"{scheme}={value}"))
    return tuple(pairs)


class WebhookInbox:
    """A real capture server on 127.0.0.1 for tests. Use as a context manager or start/stop.

    `secrets` ({"github": "...", "stripe": [...]}: several per scheme, any one verifies) are
    the inbox's own, as --secret gives them to the app: each capture's signatures are judged
    with them as it arrives, for `wait_for("sig:failed")` and `sig:verified`.
    """

    def __init__(
        self, settings: Settings | None = None, *, secrets: SecretsArg | None = None
    ) -> None:
        self._settings = settings or Settings(port=0)
        if secrets:
            added = self._settings.secrets + secret_pairs(secrets)
            self._settings = dataclasses.replace(self._settings, secrets=added)
        self._loop = new_loop(self._settings.loop)
        self._thread = threading.Thread(
            target=self._loop.run_forever, name="webhook-inbox", daemon=True
        )
        self._session: Session | None = None

    # -- lifetime ------------------------------------------------------------------------

    def start(self) -> WebhookInbox:
        self._thread.start()
        self._session = Session(self._settings)
        self._call(self._session.start())
        return self

    def stop(self) -> None:
        if self._session is not None:
            self._call(self._session.stop())
            self._session = None
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(timeout=5)
        self._loop.close()

    def __enter__(self) -> WebhookInbox:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    def _call(self, coroutine: Awaitable[T]) -> T:
        async def run() -> T:
            return await coroutine

        return asyncio.run_coroutine_threadsafe(run(), self._loop).result(timeout=30)

    def _on_loop(self, function: Callable[[], T]) -> T:
        async def run() -> T:
            return function()

        return self._call(run())

    @property
    def session(self) -> Session:
        if self._session is None:
            raise RuntimeError("the inbox is not started")
        return self._session

    # -- what a test uses ----------------------------------------------------------------

    @property
    def url(self) -> str:
        """The base URL to send to, e.g. 'http://127.0.0.1:40123' (append any path)."""
        return self.session.base_url

    @property
    def captures(self) -> list[Capture]:
        """Everything received so far, oldest first."""
        return [Capture(r) for r in self._on_loop(lambda: list(self.session.store))]

    def respond(self, rule: str) -> None:
        """Answer matching requests differently, as --respond does: 'POST /hooks/* 500 2s'.

        Rules added later are tried after earlier ones; the first match wins.
        """
        parsed = parse_rule(rule)
        self._on_loop(lambda: self.session.policy.rules.append(parsed))

    def clear(self) -> None:
        """Forget every capture (and the answers' rules stay as they are)."""
        self._on_loop(self.session.store.clear)

    def matching(self, query: str = "") -> list[Capture]:
        """The captures matching a filter (the TUI's `/` language), oldest first."""
        __tracebackhide__ = True
        predicate = self._predicate(query)
        return [c for c in self.captures if predicate(c.request)]

    def wait_for(self, query: str = "", count: int = 1, timeout: float = 5.0) -> list[Capture]:
        """Block until `count` captures match `query`; return them (oldest first).

        Raises InboxTimeout (an AssertionError, so pytest shows it as a failure) listing
        what did arrive. Blocks the calling thread: in an async test whose sender runs on the
        test's own loop, use `await inbox.wait_for_async(...)` instead.
        """
        __tracebackhide__ = True  # pytest shows the test's line, not this loop
        poll = self._poller(query, count, timeout)
        while (found := poll()) is None:
            time.sleep(POLL_INTERVAL)
        return found

    async def wait_for_async(
        self, query: str = "", count: int = 1, timeout: float = 5.0
    ) -> list[Capture]:
        """Like wait_for, but lets the caller's event loop run while it waits."""
        __tracebackhide__ = True
        poll = self._poller(query, count, timeout)
        while (found := poll()) is None:
            await asyncio.sleep(POLL_INTERVAL)
        return found

    def _poller(self, query: str, count: int, timeout: float) -> Callable[[], list[Capture] | None]:
        """One look per call: the matches once there are `count`, None while waiting, and
        InboxTimeout (listing what arrived) once `timeout` has passed."""
        __tracebackhide__ = True
        predicate = self._predicate(query)
        deadline = time.monotonic() + timeout

        def poll() -> list[Capture] | None:
            __tracebackhide__ = True
            found = [c for c in self.captures if predicate(c.request)]
            if len(found) >= count:
                return found
            if time.monotonic() >= deadline:
                raise InboxTimeout(self._timeout_message(query, count, timeout, len(found)))
            return None

        return poll

    def _predicate(self, query: str) -> Predicate:
        """The filter `query` compiles to. A FilterError is raised anew from here, its chain
        cut (from None) and these frames hidden, as pytest's own helpers do: a typo such as
        'foo:bar' showed the filter parser's frames in inbox.py and core/filter_terms.py; now
        the test's line and the message."""
        __tracebackhide__ = True
        try:
            return compile_filter(query, self.session.store.deliveries, self.session.verdicts)
        except FilterError as error:
            message = str(error)
            if "no secret is configured" in message:  # --secret is not how a test gives one
                message += f"; give the inbox its secrets: {SECRETS_HOW}"
            raise FilterError(message) from None

    def _timeout_message(self, query: str, count: int, timeout: float, matched: int) -> str:
        everything = self._on_loop(lambda: list(self.session.store))
        wanted = f"matching {query!r}" if query else "(any)"
        return (
            f"webhook_inbox: waited {timeout:g} s for {count} capture(s) {wanted} at "
            f"{self.url}; {matched} matched, {len(everything)} arrived:\n{summary(everything)}"
        )
