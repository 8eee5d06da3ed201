"""Signature verdicts per capture, judged at arrival time and remembered."""

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
