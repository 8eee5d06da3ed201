"""Why a MAC failed, said only when recomputing it another way confirms the explanation."""

from __future__ import annotations

import json

from whisper_tui.core.signatures.common import matches
from whisper_tui.core.signatures.registry import schemes
from whisper_tui.core.signatures.scheme import Check, Scheme

# Re-serialising a multi-megabyte body for a hint is not worth the pause it causes.
HINT_BODY_LIMIT = 1_000_000

WHITESPACE = "the body's whitespace appears to have changed after signing"
RESERIALIZED = "the body appears to have been re-serialized after signing"


def mismatch_hints(check: Check, body: bytes) -> list[str]:
    """Explanations we could actually confirm by recomputing the MAC another way."""
    hints: list[str] = []
    if check.vary_body and len(body) <= HINT_BODY_LIMIT:
        for description, kind, variant in body_variants(body):
            if matches(check.candidates, check.digests(check.key, variant)):
                hints.append(f"the MAC matches the body {description}: {kind}")
                break
    for description, key in check.alt_keys:
        if matches(check.candidates, check.digests(key, body)):
            hints.append(description)
    for description, digests in check.alt_digests:
        if matches(check.candidates, digests(check.key, body)):
            hints.append(description)
    return hints


def body_variants(body: bytes) -> list[tuple[str, str, bytes]]:
    """(description, what happened, bytes) for edits proxies and frameworks commonly make."""
    out: list[tuple[str, str, bytes]] = []
    stripped = body.rstrip(b"\r\n")
    if stripped != body:
        out.append(("with its trailing newline removed", WHITESPACE, stripped))
    else:
        out.append(("with a trailing newline added", WHITESPACE, body + b"\n"))
    if b"\r\n" in body:
        out.append(("with CRLF line ends as LF", WHITESPACE, body.replace(b"\r\n", b"\n")))
    elif b"\n" in body:
        out.append(("with LF line ends as CRLF", WHITESPACE, body.replace(b"\n", b"\r\n")))
    try:
        parsed = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        return out
    forms = (
        ("re-serialized as compact JSON", {"separators": (",", ":"), "ensure_ascii": False}),
        ("re-serialized as compact ASCII JSON", {"separators": (",", ":")}),
        ("re-serialized as JSON with ', ' and ': '", {"ensure_ascii": False}),
        ("re-serialized as 2-space indented JSON", {"indent": 2, "ensure_ascii": False}),
    )
    seen = {body}
    for description, options in forms:
        variant = json.dumps(parsed, **options).encode()
        if variant not in seen:
            seen.add(variant)
            out.append((description, RESERIALIZED, variant))
    return out


def secret_kind_hints(scheme: Scheme, secret: str) -> list[str]:
    """Say when the configured secret looks like something other than this scheme's."""
    s = secret.strip()
    own = {kind for kind in scheme.secret_kinds if kind.signing}
    # Every provider declares its own kinds; one secret format may belong to several.
    kinds = dict.fromkeys(kind for other in schemes() for kind in other.secret_kinds)
    hints = [
        f"the secret looks like {kind.name}"
        for kind in kinds
        if s.startswith(kind.prefixes) and kind not in own
    ]
    if scheme.secret_hints is not None:
        hints += scheme.secret_hints(s)
    return hints
