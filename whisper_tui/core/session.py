"""One capture session: what the TUI, headless mode and tests all drive.

A Session owns the store (with its delivery index), the answer policy, the sender (replay
and forwarding), the signature verdicts, `--save`, and the capture server's lifetime. Front
ends only draw or print what it holds; none of them repeats its setup or its rules (when to
re-sign, which capture is "the previous delivery", what the status line says).
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import socket
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import cached_property
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from whisper_tui.core.delivery_index import Delivery
from whisper_tui.core.listening import bind_socket
from whisper_tui.core.models import Attempt, CapturedRequest
from whisper_tui.core.redaction import Redactor, shown_url
from whisper_tui.core.responses import ResponsePolicy
from whisper_tui.core.sanitize import printable
from whisper_tui.core.settings import Settings
from whisper_tui.core.signatures import detect_schemes, resign_note, sign
from whisper_tui.core.status import KEPT, StatusPart, join
from whisper_tui.core.store import RequestStore
from whisper_tui.core.targets import target_url
from whisper_tui.core.verdicts import Verdicts

if TYPE_CHECKING:
    # aiohttp (the server, the sender) and the tunnels are imported when first used: the
    # TUI draws its first frame before any of them is needed (aiohttp alone is ~0.3 s of CPU).
    from aiohttp import web

    from whisper_tui.core.autosave import HarAutosave, SaveFailed
    from whisper_tui.core.loading import Loading
    from whisper_tui.core.replay import Sender
    from whisper_tui.core.server import Forwarding
    from whisper_tui.core.tunnels import Tunnel

TUNNEL_HOSTS = {"0.0.0.0": "127.0.0.1", "": "127.0.0.1", "::": "::1"}
"""Where a tunnel delivers when the server listens on every address: the loopback."""


@dataclass(frozen=True, slots=True)
class EditedCopy:
    """An edited copy of a capture, as the sender will get it, and what the attempt notes."""

    method: str
    url: str
    headers: list[tuple[str, str]]
    body: bytes
    notes: list[str] = field(default_factory=list)
    resigned: str = ""
    """What re-signing did (signatures.resign_note), or empty when the copy was not re-signed."""


class Session:
    """Store, answers, sender, verdicts, autosave, the server and the tunnel, from Settings."""

    def __init__(
        self,
        settings: Settings | None = None,
        *,
        store: RequestStore | None = None,
        policy: ResponsePolicy | None = None,
        sock: socket.socket | None = None,
        environ: Mapping[str, str] | None = None,
    ) -> None:
        self.settings = settings or Settings()
        self.environ = os.environ if environ is None else environ
        """Where a tunnel reads WHISPER_SSH_COMMAND, NGROK_AUTHTOKEN and PATH."""
        # `is None`, not `or`: an empty store is falsy, and the caller may already listen to it.
        self.store = (
            store
            if store is not None
            else RequestStore(self.settings.max_requests, self.settings.max_bytes)
        )
        self.policy = policy if policy is not None else self.settings.response_policy()
        self.verdicts = Verdicts.from_settings(self.settings)
        self.port = sock.getsockname()[1] if sock is not None else self.settings.port
        self.redactor = Redactor(
            (secret for _, secret in self.settings.secrets),
            urls=[self.settings.forward_url] if self.settings.forward_url else (),
        )
        """Masks every configured secret, and --forward's password, in what we print (crash
        reports, headless output)."""
        # --save's and --load's modules (HAR writing and reading) are imported by a session
        # that uses them: the TUI's first frame comes sooner without them.
        self.autosave: HarAutosave | None = None
        if self.settings.save_path:
            from whisper_tui.core.autosave import HarAutosave

            self.autosave = HarAutosave(self.settings.save_path, self.store, lambda: self.base_url)
        self.save_failure: SaveFailed | None = None
        """The save at exit failed (set by stop): the front end says so and exits 3."""
        self.loading: Loading | None = None
        """--load, read off the loop once started (None without --load)."""
        if self.settings.load_paths:
            from whisper_tui.core.loading import Loading

            self.loading = Loading(self.settings.load_paths, self.store)
        self._sock = sock
        self._runner: web.BaseRunner | None = None
        self._saving: asyncio.Task[None] | None = None
        self._after_loading: asyncio.Task[None] | None = None
        self._released = asyncio.Event()
        self._loaded_shown = asyncio.Event()
        self.forwarding: Forwarding | None = None
        """--forward's live forwarding once listening (None without --forward)."""
        self._forward_listeners: list[Callable[[CapturedRequest, Attempt], None]] = []
        self.tunnel: Tunnel | None = None
        """The --tunnel connection once started (None without --tunnel)."""
        self._tunnel_listeners: list[Callable[[str], None]] = []

    # -- lifetime ------------------------------------------------------------------------

    @cached_property
    def sender(self) -> Sender:
        """Replay and forwarding's client, made when first used (it brings in aiohttp)."""
        from whisper_tui.core.replay import Sender

        return Sender(own_addresses=self.own_addresses)

    def own_addresses(self) -> set[tuple[str, int]]:
        """Where whisper-tui listens: a replay or T's target there would loop."""
        return {(self.settings.host, self.port)}

    def subscribe_forwards(self, listener: Callable[[CapturedRequest, Attempt], None]) -> None:
        """Call `listener(capture, attempt)` as each --forward finishes (evicted or not)."""
        self._forward_listeners.append(listener)

    @property
    def base_url(self) -> str:
        """Where senders reach this session, e.g. 'http://127.0.0.1:8080'."""
        host = self.settings.host
        shown = f"[{host}]" if ":" in host else host
        return f"http://{shown}:{self.port}"

    @property
    def public_url(self) -> str | None:
        """Where providers reach us: --public-url when given, else the tunnel's URL once up."""
        if self.settings.public_url:
            return self.settings.public_url
        return self.tunnel.public_url if self.tunnel is not None else None

    @property
    def listening(self) -> bool:
        return self._runner is not None

    async def start(self, *, serve: bool = True, hold: bool = False) -> None:
        """Listen (binding the port unless a socket was given), start `--save` and the tunnel.

        `serve=False` keeps a prepared store on screen without listening (snapshot tests).
        `hold`: only bind now (the port is known, connects wait in the kernel's backlog) and
        let --load read its first batch; the server, --save, the tunnel and the rest of --load
        wait for `release()`, which the TUI calls once its first frame is out; with --load,
        the server and --save then wait for `loaded_shown()` too, once the files are in.
        The tunnel connects in the background: this returns before it is up. With --load
        this returns at once too: the files are read off the loop, and listening and `--save`
        start once they are in (`until_started`), so live captures come after the loaded
        ones with numbers of their own, and `--save` never writes a half-loaded store.
        """
        if serve:
            if self._sock is None:
                self._sock = bind_socket(self.settings.host, self.settings.port)
            self.port = self._sock.getsockname()[1]
        if self.loading is not None and not self.loading.started:
            self.loading.start(hold=hold)
        if not hold:
            self._released.set()
            self._loaded_shown.set()
        if hold or self.loading is not None:
            self._after_loading = asyncio.get_running_loop().create_task(self._start_later(serve))
            return
        await self._start_now(serve)

    def release(self) -> None:
        """Start what `start(hold=True)` held back (the TUI: once its first frame is out)."""
        self._released.set()
        if self.loading is not None:
            self.loading.release()

    def loaded_shown(self) -> None:
        """With `start(hold=True)` and --load: the loaded captures are on screen, the server
        may start. Its start (importing aiohttp, ~0.13 s of CPU on the loop) came between
        the loading's end and the frame that shows it all, in 3 of 4 starts measured."""
        self._loaded_shown.set()

    async def _start_later(self, serve: bool) -> None:
        await self._released.wait()
        if self.loading is not None:
            await self.loading.wait()
            await self._loaded_shown.wait()
        await self._start_now(serve)

    async def until_started(self) -> None:
        """Until listening and `--save` have started (at once without --load)."""
        if self._after_loading is not None:
            await asyncio.shield(self._after_loading)

    async def _start_now(self, serve: bool) -> None:
        if serve:
            from whisper_tui.core.server import Forwarding, build_server, start_server

            assert self._sock is not None  # bound by start()
            self.forwarding = (
                Forwarding(
                    self.settings.forward_url,
                    self.sender,
                    self.settings.relay_response,
                    finished=self._forward_listeners,
                )
                if self.settings.forward_url
                else None
            )
            server = build_server(self.store, self.settings.max_body, self.policy, self.forwarding)
            self._runner = await start_server(server, self._sock)
            if self.settings.tunnel is not None:
                await self._start_tunnel()
        if self.autosave is not None:
            self.autosave.started = True
            self._saving = asyncio.get_running_loop().create_task(self.autosave.run())

    async def stop(self) -> None:
        """Close the tunnel, stop listening, close the sender's connections, complete `--save`.

        Quitting while --load is still reading saves nothing: nothing was captured yet, and
        the --save file (maybe the one being loaded) must not be replaced by part of it.
        """
        if self._after_loading is not None and not self._after_loading.done():
            if self.loading is not None:
                self.loading.stop()
            self._after_loading.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._after_loading
        if self.tunnel is not None:
            await self.tunnel.stop()
        if self.forwarding is not None:
            # Before the runner's cleanup, which waits for the capture handlers: a relayed
            # forward would hold it for up to the forward's timeout.
            self.forwarding.cut_short()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None
        elif self._sock is not None:
            self._sock.close()  # bound, but quit before it served
        if "sender" in self.__dict__:  # made (and so worth closing) only once used
            await self.sender.close()
        if self._saving is not None:
            self._saving.cancel()
            # Whatever ended it, the save at exit below still runs.
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self._saving
            self._saving = None
        if self.autosave is not None and self.autosave.started:
            from whisper_tui.core.autosave import SaveFailed

            # Complete at exit: every capture, including those since the last periodic save.
            # A failure is the front end's to tell (one line, EXIT_SAVE_FAILED), after the
            # rest of stopping has run.
            try:
                self.autosave.save_now()
            except SaveFailed as failure:
                self.save_failure = failure

    async def _start_tunnel(self) -> None:
        assert self.settings.tunnel is not None
        from whisper_tui.core.tunnels import create_tunnel

        host = TUNNEL_HOSTS.get(self.settings.host, self.settings.host)
        self.tunnel = create_tunnel(self.settings.tunnel, host, self.port, self.environ)
        self.tunnel.subscribe(self._tunnel_changed)
        for listener in self._tunnel_listeners:
            self.tunnel.subscribe(listener)
        await self.tunnel.start()

    def _tunnel_changed(self, _message: str) -> None:
        # The tunnel's URL is the public URL Twilio signs, unless --public-url says otherwise.
        # Verdicts already judged keep theirs: those captures came in through an earlier URL.
        url = self.public_url
        if url != self.verdicts.settings.public_url:
            self.verdicts.settings = replace(self.verdicts.settings, public_url=url)

    def watch_tunnel(self, listener: Callable[[str], None]) -> None:
        """Tell `listener` each tunnel change in one line, starting with a current problem."""
        if self.tunnel is None:
            # Not started yet (the TUI starts it after its first frame, --load once loaded).
            if self.settings.tunnel is not None:
                self._tunnel_listeners.append(listener)
            return
        if self.tunnel.state in ("failed", "reconnecting"):
            listener(self.tunnel.describe())
        self.tunnel.subscribe(listener)

    def public_note(self) -> str:
        """' (public: https://...)' for the startup line when there is a public URL, else ''."""
        return f" (public: {printable(shown_url(self.public_url))})" if self.public_url else ""

    # -- what senders get ----------------------------------------------------------------

    def status_text(self) -> str:
        """The session's state in one line: counts, tunnel, forwarding, answers, save problems."""
        return join(self.status_parts())

    def status_parts(self) -> list[StatusPart]:
        """The session's state as parts a narrow status line can shorten or give up."""
        stats = self.store.stats()
        count = f"{stats.received:,} request{'s' if stats.received != 1 else ''}"
        parts = []
        if self.loading is not None and not self.loading.finished:
            # The captures being read come first: a bar that said only 'listening' while
            # 60,000 are still loading reads as if they were all there.
            loading = self.loading
            parts.append(StatusPart(loading.describe(), loading.describe_short(), KEPT, "loading"))
            count = ""
        gone = [(stats.evicted, "evicted"), (stats.deleted, "deleted")]
        if stats.evicted or stats.deleted:
            # The count is of the captures in the list, as when none has gone, and then what
            # went: after X, '0 requests (12 deleted)' (it read '12 requests (0 kept)').
            if count:
                count = f"{stats.stored:,} request{'s' if stats.stored != 1 else ''}"
            left = ", ".join(f"{number:,} {what}" for number, what in gone if number)
            counted = f"{count} ({left})".lstrip()
            both = stats.evicted and stats.deleted
            short = (
                f"{count} ({stats.evicted + stats.deleted:,} gone)".lstrip() if both else counted
            )
            parts.append(StatusPart(counted, short, 3, "count"))
        elif count:
            parts.append(StatusPart(count, count, 3, "count"))
        if rejected := self.store.rejections.total:
            # Refused by the HTTP parser, so not in the list: say they came at all.
            text = f"{rejected:,} rejected"
            parts.append(StatusPart(text, text, 2, "rejected"))
        if self.tunnel is not None:
            text, short = self.tunnel.describe(), self.tunnel.describe_short()
            if self.tunnel.old_url:  # providers still send to the old URL: never given up
                parts.append(StatusPart(text, short, KEPT, "url-changed"))
            else:
                parts.append(StatusPart(text, short, 2, "tunnel"))
        elif self.settings.public_url:
            # Given by hand (a tunnel started elsewhere): the bar says it as a tunnel's would,
            # so the URL to paste into the provider's dashboard is in view, not only behind U.
            text = f"public {printable(self.settings.public_url)}"
            parts.append(StatusPart(text, text, 2, "tunnel"))
        if self.settings.forward_url:
            target = printable(shown_url(self.settings.forward_url))
            relaying = " (relaying answers)" if self.settings.relay_response else ""
            short = f"→ {target}{' (relaying)' if relaying else ''}"
            parts.append(StatusPart(f"forwarding to {target}{relaying}", short, 4, "forward"))
        answering = self.policy.describe()
        if answering != "answering 200":
            parts.append(StatusPart(answering, self.policy.describe_short(), 1, "answer"))
        if self.autosave is not None and self.autosave.last_error:
            parts.append(StatusPart(self.autosave.last_error, "--save failing", 1, "save"))
        return parts

    # -- replay --------------------------------------------------------------------------

    async def replay(
        self,
        request: CapturedRequest,
        url: str,
        *,
        notes: Sequence[str] = (),
        edited: EditedCopy | None = None,
    ) -> Attempt:
        """Send the capture (or an edited copy of it) to `url`; the attempt is kept on it."""
        if edited is None:
            attempt = await self.sender.send(request, url, kind="replay")
        else:
            attempt = await self.sender.send(
                request,
                edited.url,
                kind="replay",
                method=edited.method,
                headers=edited.headers,
                body=edited.body,
                exact_url=True,
            )
        attempt.notes[:0] = [*notes, *(edited.notes if edited else ())]
        self.store.add_attempt(request.id, attempt)
        return attempt

    def signing_scheme(self, request: CapturedRequest) -> str | None:
        """The first signature scheme on the capture that we hold a secret for (re-signable)."""
        known = {scheme for scheme, _ in self.settings.secrets}
        for scheme in detect_schemes(request):
            if scheme in known:
                return scheme
        return None

    def signing_secret(self, scheme: str, request: CapturedRequest | None = None) -> str:
        """The secret a re-signature for `scheme` uses: the one whose MAC matched `request`'s
        signature (verified, or only too old), so a copy of a test-mode delivery is signed
        as test mode was; else the first given (flags, environment or config). KeyError when
        the scheme has none."""
        secrets = [secret for name, secret in self.settings.secrets if name == scheme]
        if not secrets:
            raise KeyError(scheme)
        if request is not None:
            for verdict in self.verdicts.for_request(request):
                position = verdict.secret_position
                if verdict.scheme == scheme and verdict.mac_valid and position:
                    return secrets[position - 1]
        return secrets[0]

    def edited_copy(
        self,
        request: CapturedRequest,
        *,
        method: str,
        url: str,
        headers: list[tuple[str, str]],
        body: bytes,
        changes: Sequence[str],
        resign: bool,
    ) -> EditedCopy:
        """What an edited replay sends: re-signed with a fresh signature when asked and known.

        A scheme that signs the URL (Twilio) is signed for what the receiving app sees: the
        --public-url with the replay URL's path and query when a public URL is set (an app
        behind a tunnel checks that), else the replay URL itself. Raises ValueError, one line
        without the secret, when the copy can't be signed (e.g. a Standard Webhooks id removed).
        """
        notes = [f"edited: {', '.join(changes)}" if changes else "not edited"]
        scheme = self.signing_scheme(request)
        if scheme and resign:
            secret = self.signing_secret(scheme, request)
            signed_url = self.url_the_receiver_checks(url)
            headers = sign(body, scheme, secret, headers, url=signed_url)
            resigned = resign_note(scheme, signed_url)
            notes.append(resigned)
            return EditedCopy(method, url, headers, body, notes, resigned)
        if scheme:
            notes.append(f"original signature kept ({scheme})")
        return EditedCopy(method, url, headers, body, notes)

    def url_the_receiver_checks(self, url: str) -> str:
        """`url`'s path and query under --public-url when one is set, else `url` as it is:
        the URL a Twilio copy is signed for. R's attempt line and its re-sign checkbox both
        name it from here. `url` may be a bare path and query ('/hooks/sms?x=1') while no
        replay target is typed: it comes back absolute only when a public URL is set."""
        public = self.public_url
        if not public:
            return url
        parts = urlsplit(url)
        target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        # Appended as --forward appends a capture's target to its URL.
        return target_url(public, target)

    # -- finding captures ----------------------------------------------------------------

    def previous_delivery(self, request: CapturedRequest) -> CapturedRequest | None:
        """What `d` compares a capture with when nothing is marked: the previous kept arrival
        of the same delivery (the attempt a retry repeats), else the latest capture received
        before `request` (by time, then id) with the same method and path."""
        store = self.store
        delivery = store.deliveries.of(request)
        if delivery is not None:
            earlier = delivery.beside(-1)
            if earlier is not None and (found := store.get(earlier)) is not None:
                return found
        # Earlier by arrival time, then id, as the diff orders its pair (ui/diff_actions.py),
        # not by id alone: --load numbers a file's captures after those already listed, so
        # the nearest lower id can be a newer live capture. The store's positions are that
        # order (unless a file was loaded out of order): read back from the capture's place.
        method, path = request.method, request.path
        return store.latest_before(
            request, lambda candidate: candidate.method == method and candidate.path == path
        )

    def delivery(self, request: CapturedRequest) -> Delivery | None:
        """The delivery a capture is an arrival of (id, which arrival, the ones beside it), or
        None."""
        return self.store.deliveries.of(request)
