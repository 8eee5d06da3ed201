"""Detecting which schemes signed a request and checking each, with a specific reason."""

from __future__ import annotations

import functools
import time
from dataclasses import dataclass, field, replace

from whisper_tui.core.models import CapturedRequest, RawHeaders
from whisper_tui.core.signatures.common import key_bytes, matches
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


# How helpful a failed check's explanation is, to pick one when every secret fails: a MAC
# that matched (the timestamp is stale) beats a hint we confirmed (the body changed after
# signing), which beats a hint about the secret's kind, a plain mismatch, then a secret
# (or header) that could not be used at all.
MAC_VALID, BODY_HINT, KIND_HINT, MISMATCH, UNUSABLE = 4, 3, 2, 1, 0


def _verify_one(
    request: CapturedRequest, scheme: Scheme, settings: SignatureSettings, now: float
) -> Verdict:
    name = scheme.name
    secrets = settings.secrets_for(name)
    if not secrets:
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
    if len(secrets) == 1:
        return replace(_verify_with(request, scheme, secrets[0], settings, now)[0], secrets_tried=1)
    return _verify_many(request, scheme, secrets, settings, now)


def _verify_many(
    request: CapturedRequest,
    scheme: Scheme,
    secrets: tuple[str, ...],
    settings: SignatureSettings,
    now: float,
) -> Verdict:
    """Verified when any secret verifies (rotation, test and live mode, `stripe listen`);
    else the most helpful of the failures, saying how many secrets were tried. A reason
    names a secret by its position, never by its value."""
    name, count = scheme.name, len(secrets)
    failures: list[tuple[int, Verdict]] = []
    for position, secret in enumerate(secrets, 1):
        verdict, rank = _verify_with(request, scheme, secret, settings, now)
        if verdict.ok:
            note = f"with the {ordinal(position)} of {count} {name} secrets"
            return replace(verdict, reason=note, secret_position=position, secrets_tried=position)
        failures.append((rank, verdict))
    # max() keeps the first of equals: the earliest secret's explanation among the best.
    position, (rank, best) = max(enumerate(failures, 1), key=lambda found: found[1][0])
    first, sep, rest = best.reason.partition("; ")
    if rank == MAC_VALID:
        note = f"with the {ordinal(position)} of {count} {name} secrets"
    elif rank in (BODY_HINT, KIND_HINT):
        note = f"{count} {name} secrets tried, the hints are for the {ordinal(position)}"
    else:
        note = f"{count} {name} secrets tried"
    parts = [f"{first} ({note})", *([rest] if sep else [])]
    if rank != UNUSABLE:
        # A secret that can't be used at all (not base64) is worth saying even when another
        # secret's explanation leads.
        parts += [
            f"the {ordinal(other)} {name} secret can't be used: {verdict.reason}"
            for other, (other_rank, verdict) in enumerate(failures, 1)
            if other_rank == UNUSABLE
        ]
    return replace(best, reason="; ".join(parts), secret_position=position, secrets_tried=count)


def ordinal(n: int) -> str:
    """1st, 2nd, 3rd, 4th, ..., 11th, 12th, 13th, 21st."""
    suffix = "th" if n % 100 in (11, 12, 13) else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def _verify_with(
    request: CapturedRequest,
    scheme: Scheme,
    secret: str,
    settings: SignatureSettings,
    now: float,
) -> tuple[Verdict, int]:
    """One secret's verdict, with how helpful its explanation is when it failed."""
    try:
        check = scheme.build_check(request, secret, settings)
    except Malformed as exc:
        return Verdict(scheme.name, "failed", str(exc), None), UNUSABLE
    if secret != secret.strip() and not scheme.trims_secret:
        # Pasted secrets often drag a newline along.
        check.alt_keys.append(
            (
                "the MAC matches once the secret's leading/trailing whitespace is removed",
                key_bytes(secret.strip()),
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
) -> tuple[Verdict, int]:
    name = scheme.name
    skew = None if check.timestamp is None else now - check.timestamp
    tolerance, rule = settings.tolerance_for(scheme)
    # Same comparison as the SDKs: exactly `tolerance` seconds off is still accepted.
    stale = skew is not None and (skew > tolerance or (scheme.rejects_future and -skew > tolerance))
    if matches(check.candidates, check.digests(check.key, body)):
        if scheme.utf8_body and not _is_utf8(body):
            source = scheme.tolerance_source or "the provider's SDK"
            reason = (
                f"MAC valid but the body is not UTF-8 text, which {source} decodes first "
                "(it raises there)"
            )
            return Verdict(name, "failed", reason, True, skew), MAC_VALID
        if skew is not None and stale:
            reason = f"MAC valid but timestamp is {_age(skew)}; {rule}"
            return Verdict(name, "failed", reason, True, skew), MAC_VALID
        return Verdict(name, "verified", "", True, skew), MAC_VALID

    tried = ", ".join(
        label if mac is not None else f"{label} (not {check.encoding})"
        for label, mac in check.candidates
    )
    parts = [f"{check.what} (tried {tried})"]
    hints = mismatch_hints(check, body)
    parts += hints
    kind_hints = secret_kind_hints(scheme, secret)
    parts += kind_hints
    if not hints:
        # A confirmed hint explains the failure (a body changed after signing proves the
        # secret right): advice to use another secret would contradict it.
        parts += check.fail_notes
    if skew is not None and stale:
        parts.append(f"the timestamp is also {_age(skew)} ({rule})")
    rank = BODY_HINT if hints else KIND_HINT if kind_hints else MISMATCH
    return Verdict(name, "failed", "; ".join(parts), False, skew), rank


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
