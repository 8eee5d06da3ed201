"""Signature verdicts per capture, judged at arrival time and remembered; how two captures'
verdicts differ (the diff's first summary line)."""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Iterable

from whisper_tui.core.models import CapturedRequest
from whisper_tui.core.settings import Settings
from whisper_tui.core.signatures import SignatureSettings, Verdict, verify

CACHE_SIZE = 4096


class Verdicts:
    """Checks each capture once; the timestamp tolerance is measured against its arrival.

    A delivery that was fresh when it arrived stays "verified" when inspected an hour later:
    what matters is whether the receiving app would have accepted it then.
    """

    def __init__(self, settings: SignatureSettings, cache_size: int = CACHE_SIZE) -> None:
        self.settings = settings
        self._cache: OrderedDict[int, list[Verdict]] = OrderedDict()
        self._cache_size = cache_size

    @classmethod
    def from_settings(cls, settings: Settings) -> Verdicts:
        """Verdicts with the session's secrets, public URL and --tolerance values."""
        return cls(signature_settings(settings))

    def for_request(self, request: CapturedRequest) -> list[Verdict]:
        found = self._cache.get(request.id)
        if found is None:
            found = [] if request.rejected else verify(request, self.settings, request.received_at)
            # Only verdicts are remembered: finding none again is as cheap as looking it up
            # (detection is cached per header layout), and most captures carry none.
            if found:
                self._cache[request.id] = found
                if len(self._cache) > self._cache_size:
                    self._cache.popitem(last=False)
        return found

    def marker(self, request: CapturedRequest) -> str:
        """'✓' every checked signature verified, '✗' one failed, '?' no secret, '' unsigned."""
        verdicts = self.for_request(request)
        if not verdicts:
            return ""
        if any(v.status == "failed" for v in verdicts):
            return "✗"
        if all(v.status == "verified" for v in verdicts):
            return "✓"
        return "?"


def signature_settings(settings: Settings) -> SignatureSettings:
    """What verification needs from the settings; a later --tolerance for a scheme wins."""
    every = [seconds for scheme, seconds in settings.tolerances if not scheme]
    return SignatureSettings(
        secrets=secrets_by_scheme(settings.secrets),
        tolerance_seconds=every[-1] if every else None,
        public_url=settings.public_url,
        scheme_tolerances={scheme: seconds for scheme, seconds in settings.tolerances if scheme},
    )


def secrets_by_scheme(pairs: Iterable[tuple[str, str]]) -> dict[str, tuple[str, ...]]:
    """(scheme, secret) pairs -> each scheme's secrets, in the order given (the first signs)."""
    found: dict[str, tuple[str, ...]] = {}
    for scheme, secret in pairs:
        found[scheme] = (*found.get(scheme, ()), secret)
    return found


def verdict_changes(
    older: list[Verdict], newer: list[Verdict], body_changed: bool = False
) -> list[tuple[str, str]]:
    """How the signature verdicts of two captures differ, one (line, newer status) a scheme
    whose verdict or its reason changed: 'signature (github): verified -> failed, body
    changed: X-Hub-Signature-256 does not match (...)', or with the same verdict for
    another reason, 'signature (standard): failed -> failed: MAC valid, timestamp too old ->
    no v1 entry matched' (Verdict.gist: a stale timestamp's age is no change). First in a
    diff's summary: a retry that stopped verifying is the usual reason to diff two
    deliveries. Equal verdicts say nothing. A scheme signed on one side only reads
    'unsigned' on the other; where neither side was checked (no secret), the headers' own
    diff says enough."""
    before = {verdict.scheme: verdict for verdict in older}
    after = {verdict.scheme: verdict for verdict in newer}
    lines = []
    for scheme in [*before, *(name for name in after if name not in before)]:
        old, new = before.get(scheme), after.get(scheme)
        if not any(v is not None and v.status != "no-secret" for v in (old, new)):
            continue  # neither checked: the headers' diff already says one is signed
        line = f"signature ({scheme}): {_word(old)} -> {_word(new)}"
        if body_changed and new is not None and new.status == "failed":
            line += ", body changed"
        if old is not None and new is not None and old.status == new.status:
            if old.gist() == new.gist():
                continue
            line += f": {old.gist()} -> {new.gist()}"
        elif new is not None and new.status == "failed" and new.reason:
            line += f": {new.short_reason()}"
        lines.append((line, new.status if new is not None else "none"))
    return lines


def _word(verdict: Verdict | None) -> str:
    return verdict.word if verdict is not None else "unsigned"
