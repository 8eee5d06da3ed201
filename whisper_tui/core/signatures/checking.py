"""Detecting which schemes signed a request and checking each, with a specific reason."""

from __future__ import annotations

import functools
import time
from dataclasses import dataclass, field

from whisper_tui.core.models import CapturedRequest, RawHeaders
from whisper_tui.core.signatures.common import matches
from whisper_tui.core.signatures.hints import mismatch_hints, secret_kind_hints
from whisper_tui.core.signatures.registry import schemes
from whisper_tui.core.signatures.scheme import Check, Malformed, Scheme, SignatureSettings
from whisper_tui.core.signatures.verdict import Verdict, describe_age

ENV_PREFIX = "WHISPER_SECRET_"


def detect_schemes(request: CapturedRequest) -> list[str]:
    """Schemes whose signature headers are on the request, in report order."""
    return [scheme.name for scheme in _detect(request)]


_LAYOUTS_KEPT = 1024
"""Header layouts whose detected schemes are remembered; a sender repeats its own, so a few
cover a session. More (a sender varying its header names) empties the cache."""


@dataclass(slots=True)
class _Detections:
    built_for: tuple[Scheme, ...] | None = None
    by_layout: dict[bytes, tuple[Scheme, ...]] = field(default_factory=dict)
    """Keyed by the header names as sent, joined by NUL (which no parsed name can hold)."""


_detections = _Detections()


def _detect(request: CapturedRequest) -> tuple[Scheme, ...]:
    # Headless mode checks every capture as it arrives, and the list every row it draws:
    # which schemes a set of header names triggers is worked out once per layout (the names
    # and their order, which a sender repeats), so an unsigned capture costs one join and
    # one lookup instead of a set of lowered names tested against every scheme.
    raw = request.raw_headers
    known = schemes()
    cache = _detections
    if cache.built_for is not known or len(cache.by_layout) >= _LAYOUTS_KEPT:
        cache.by_layout.clear()
        cache.built_for = known
    layout = b"\0".join([name for name, _ in raw])
    if layout.count(b"\0") != max(len(raw) - 1, 0):
        # A name holding NUL (only a loaded file can carry one): the key is ambiguous.
        return _detect_in(raw, known)
    found = cache.by_layout.get(layout)
    if found is None:
        found = cache.by_layout[layout] = _detect_in(raw, known)
    return found


def _detect_in(raw: RawHeaders, known: tuple[Scheme, ...]) -> tuple[Scheme, ...]:
    present = {name.lower() for name, _ in raw}
    return tuple(
        scheme for scheme in known if not present.isdisjoint(_as_bytes(scheme.detect_headers))
    )


@functools.lru_cache(maxsize=256)
def _as_bytes(names: tuple[str, ...]) -> frozenset[bytes]:
    # Headless mode checks every capture as it arrives: encode each scheme's names once.
    return frozenset(name.lower().encode("latin-1") for name in names)


def verify(
    request: CapturedRequest, settings: SignatureSettings, now: float | None = None
) -> list[Verdict]:
    """One verdict per scheme whose headers are present on the request."""
    when = time.time() if now is None else now
    return [_verify_one(request, scheme, settings, when) for scheme in _detect(request)]


def _verify_one(
    request: CapturedRequest, scheme: Scheme, settings: SignatureSettings, now: float
) -> Verdict:
    name = scheme.name
    secret = settings.secrets.get(name)
    if not secret:
        return Verdict(
            name,
            "no-secret",
            f"no secret configured for {name}; pass one with --secret {name}=... "
            f"or set {ENV_PREFIX}{name.upper()}",
            None,
        )
    if request.rejected:
        return Verdict(
            name,
            "failed",
            "the body was over the size limit and not kept, so the signature can't be checked",
            None,
        )
    try:
        check = scheme.build_check(request, secret, settings)
    except Malformed as exc:
        return Verdict(name, "failed", str(exc), None)
    if secret != secret.strip() and not scheme.trims_secret:
        # Pasted secrets often drag a newline along.
        check.alt_keys.append(
            (
                "the MAC matches once the secret's leading/trailing whitespace is removed",
                secret.strip().encode(),
            )
        )
    return _evaluate(scheme, check, request.body, secret, settings, now)


def _evaluate(
    scheme: Scheme,
    check: Check,
    body: bytes,
    secret: str,
    settings: SignatureSettings,
    now: float,
) -> Verdict:
    name = scheme.name
    skew = None if check.timestamp is None else now - check.timestamp
    tolerance, rule = settings.tolerance_for(scheme)
    # Same comparison as the SDKs: exactly `tolerance` seconds off is still accepted.
    stale = skew is not None and (skew > tolerance or (scheme.rejects_future and -skew > tolerance))
    if matches(check.candidates, check.digests(check.key, body)):
        if scheme.utf8_body and not _is_utf8(body):
            source = scheme.tolerance_source or "the provider's SDK"
            return Verdict(
                name,
                "failed",
                f"MAC valid but the body is not UTF-8 text, which {source} decodes first "
                "(it raises there)",
                True,
                skew,
            )
        if skew is not None and stale:
            return Verdict(
                name, "failed", f"MAC valid but timestamp is {_age(skew)}; {rule}", True, skew
            )
        return Verdict(name, "verified", "", True, skew)

    tried = ", ".join(
        label if mac is not None else f"{label} (not {check.encoding})"
        for label, mac in check.candidates
    )
    parts = [f"{check.what} (tried {tried})"]
    hints = mismatch_hints(check, body)
    parts += hints
    parts += secret_kind_hints(scheme, secret)
    if not hints:
        # A confirmed hint explains the failure (a body changed after signing proves the
        # secret right): advice to use another secret would contradict it.
        parts += check.fail_notes
    if skew is not None and stale:
        parts.append(f"the timestamp is also {_age(skew)} ({rule})")
    return Verdict(name, "failed", "; ".join(parts), False, skew)


def _is_utf8(body: bytes) -> bool:
    try:
        body.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _age(skew: float) -> str:
    """'60 s old', or '1h old (3600 s)' once seconds alone get hard to read."""
    if abs(skew) < 120:
        # A tenth of a second shown: "5.4 s old" next to "accepts 5 s" must not read as "5 s".
        return f"{round(abs(skew), 1):g} s {'old' if skew >= 0 else 'in the future'}"
    return f"{describe_age(skew)} ({abs(skew):.0f} s)"
