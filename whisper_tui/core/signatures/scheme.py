"""What a signature scheme is: everything about one provider, declared in one object."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

from whisper_tui.core.models import CapturedRequest

DEFAULT_TOLERANCE = 300.0
"""Seconds a signed timestamp may be off; today every scheme uses it (and the setting wins)."""

Digests = Callable[[bytes, bytes], list[bytes]]
"""(key, body) -> the MACs a genuine sender could have produced."""


class Malformed(Exception):
    """A signature header (or secret) that can't be checked; the message is user-facing."""


@dataclass(frozen=True, slots=True)
class SignatureSettings:
    """Secrets and knobs for verification."""

    secrets: Mapping[str, str]
    """Scheme -> secret."""
    tolerance_seconds: float = DEFAULT_TOLERANCE
    public_url: str | None = None
    """Public base URL the sender posted to (e.g. https://example.com); Twilio signs it."""


@dataclass(slots=True)
class Check:
    """Everything needed to compare one scheme's MAC, gathered from headers and secret."""

    key: bytes
    digests: Digests
    candidates: list[tuple[str, bytes | None]]
    """(label shown to the user, decoded MAC or None when it didn't decode)."""
    what: str
    """What failed to match, e.g. 'no v1 signature in Stripe-Signature matched'."""
    encoding: str = "hex"
    """How candidates are written, to say why one didn't decode."""
    timestamp: int | None = None
    vary_body: bool = True
    """Whether re-serialised bodies are worth trying when the MAC fails."""
    alt_keys: list[tuple[str, bytes]] = field(default_factory=list)
    """(hint when it matches, other key a confused sender might have used)."""
    alt_digests: list[tuple[str, Digests]] = field(default_factory=list)
    """(hint when it matches, other message construction), e.g. http vs https for Twilio."""
    fail_notes: list[str] = field(default_factory=list)
    """Said whenever the MAC fails, e.g. the `stripe listen` caveat."""


@dataclass(frozen=True, slots=True)
class SigningInput:
    """What re-signing an edited request starts from."""

    body: bytes
    secret: str
    headers: Sequence[tuple[str, str]]
    """The request's headers as they will be sent (signature headers may be stale or absent)."""
    timestamp: int
    url: str | None = None
    """The full URL the request will be posted to (Twilio signs it)."""
    webhook_id: str | None = None
    """Standard Webhooks message id, when not taken from the headers."""


@dataclass(frozen=True, slots=True)
class SecretKind:
    """A secret recognisable by its prefix, to say when the wrong one was configured.

    `signing` is True for a scheme's own signing secret; tokens and API keys are never one,
    so they are pointed out to every scheme.
    """

    prefixes: tuple[str, ...]
    name: str
    """Read after 'the secret looks like', e.g. 'a Paddle notification secret'."""
    signing: bool = True


Builder = Callable[[CapturedRequest, str, SignatureSettings], Check]
"""(request, secret, settings) -> the check to run; raises Malformed when it can't be built."""
Signer = Callable[[SigningInput], list[tuple[str, str]]]
"""Fresh signature headers for an edited body; raises ValueError when it can't sign."""
DeliveryIdRule = Callable[[CapturedRequest], str | None]
"""The provider's delivery id on a request, to spot redeliveries (not used yet)."""


@dataclass(frozen=True, slots=True)
class Scheme:
    """One provider's signature scheme: how to spot it, check it, re-sign it and explain it."""

    name: str
    """Canonical lowercase name, as given to --secret and shown in verdicts."""
    order: int
    """Verdicts of several schemes on one request are reported in ascending order."""
    detect_headers: tuple[str, ...]
    """Lowercase header names whose presence says the sender signed with this scheme."""
    build_check: Builder
    sign: Signer | None = None
    """None when requests of this scheme can't be re-signed."""
    aliases: tuple[str, ...] = ()
    """Other names people reach for (e.g. 'svix'), resolving to this scheme."""
    secret_kinds: tuple[SecretKind, ...] = ()
    """Secrets from this provider recognisable by prefix (its own and look-alikes)."""
    secret_hints: Callable[[str], list[str]] | None = None
    """Extra hints about the configured secret when the MAC fails."""
    trims_secret: bool = False
    """True when the key decoding already strips whitespace (no 'pasted newline' hint)."""
    default_tolerance: float = DEFAULT_TOLERANCE
    """Declared per provider; verification still uses the configured tolerance for all."""
    delivery_id: DeliveryIdRule | None = None
