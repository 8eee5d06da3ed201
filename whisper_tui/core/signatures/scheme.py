"""What a signature scheme is: everything about one provider, declared in one object."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType

from whisper_tui.core.models import CapturedRequest, RawHeaders

DEFAULT_TOLERANCE = 300.0
"""Seconds a signed timestamp may be off, for a scheme that declares no tolerance of its own."""

Digests = Callable[[bytes, bytes], list[bytes]]
"""(key, body) -> the MACs a genuine sender could have produced."""


class Malformed(Exception):
    """A signature header (or secret) that can't be checked; the message is user-facing."""


@dataclass(frozen=True, slots=True)
class SignatureSettings:
    """Secrets and knobs for verification."""

    secrets: Mapping[str, str | Sequence[str]]
    """Scheme -> its secret, or its secrets in the order given (a delivery verifies when any
    one does; the first re-signs). A plain string is one secret."""
    tolerance_seconds: float | None = None
    """--tolerance SECONDS: one tolerance for every scheme; None keeps each scheme's default."""
    public_url: str | None = None
    """Public base URL the sender posted to (e.g. https://example.com); Twilio signs it."""
    scheme_tolerances: Mapping[str, float] = field(default_factory=lambda: MappingProxyType({}))
    """--tolerance SCHEME=SECONDS: canonical scheme name -> seconds; wins over the others."""

    def secrets_for(self, scheme: str) -> tuple[str, ...]:
        """The scheme's secrets in order, empty ones left out ('' means none configured)."""
        found = self.secrets.get(scheme)
        if found is None:
            return ()
        return tuple(s for s in ((found,) if isinstance(found, str) else found) if s)

    def tolerance_for(self, scheme: Scheme) -> tuple[float, str]:
        """(seconds a signed timestamp may be off, where that number comes from) for a scheme.

        The second is a clause for reasons, e.g. "Paddle's SDK accepts 5 s" or "--tolerance is
        600 s", so a stale verdict says whose rule it applied.
        """
        own = self.scheme_tolerances.get(scheme.name)
        if own is not None:
            return own, f"--tolerance {scheme.name}={own:g}"
        if self.tolerance_seconds is not None:
            return self.tolerance_seconds, f"--tolerance is {self.tolerance_seconds:g} s"
        source = scheme.tolerance_source or "the default tolerance"
        return scheme.default_tolerance, f"{source} accepts {scheme.default_tolerance:g} s"


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
    """Said when the MAC fails and no hint explains why, e.g. the `stripe listen` caveat."""


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


class Headers:
    """A capture's headers as delivery-id rules read them: by lowercase name, first value.

    The names come lower-cased already (core/deliveries.py lowers each header layout once:
    a sender repeats its own), so a lookup is a scan in C, not a loop in Python per header.
    """

    __slots__ = ("_lowered", "_raw")

    def __init__(self, raw: RawHeaders, lowered: tuple[bytes, ...]) -> None:
        self._raw = raw
        self._lowered = lowered

    def get(self, name: bytes) -> str | None:
        """The first value of the header `name` (lowercase bytes), latin-1 decoded, or None."""
        lowered = self._lowered
        if name not in lowered:
            return None
        return self._raw[lowered.index(name)][1].decode("latin-1")


DeliveryIdRule = Callable[[CapturedRequest, Headers], tuple[str, str] | None]
"""(id, where it was read) of the provider's delivery id on a request, to spot redeliveries:
where is the header name as the provider documents it ("X-GitHub-Delivery") or the body field
("body id"); None when the request carries none. core/deliveries.py runs it on the capture
path, so a rule reads headers through `Headers` and parses no more body than it must."""


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
    secret_key: Callable[[str], object] | None = None
    """Turns a secret into the key its MACs use, raising Malformed (a message without the
    secret) when it can't: such a secret is refused where it is given, not at each delivery."""
    comma_free_secrets: bool = False
    """True when the provider generates its secrets from letters, digits and `_+/=` (hex,
    base64, `whsec_...`): none holds a comma, so WHISPER_SECRET_<SCHEME> may list several
    separated by commas. False where a person makes the secret up (GitHub's is any text)."""
    trims_secret: bool = False
    """True when the key decoding already strips whitespace (no 'pasted newline' hint)."""
    signs_url: bool = False
    """True when the signature covers the URL posted to (Twilio), so re-signing needs it."""
    has_timestamp: bool = False
    """True when the scheme signs a timestamp (checked against a tolerance, fresh on re-sign)."""
    default_tolerance: float = DEFAULT_TOLERANCE
    """Seconds the provider's own SDK accepts by default, so verdicts predict a receiver's."""
    tolerance_source: str = ""
    """Whose default that is, read before 'accepts', e.g. "Paddle's SDK"."""
    rejects_future: bool = True
    """False when the provider's SDK accepts timestamps however far in the future (Stripe)."""
    utf8_body: bool = False
    """True when the provider's SDK decodes the body as UTF-8 before checking it, so a body
    that isn't UTF-8 fails there even with a valid MAC."""
    delivery_id: DeliveryIdRule | None = None
    """Where the provider puts the id it documents for deduplication (retries repeat it)."""
    delivery_headers: tuple[str, ...] = ()
    """Lowercase headers whose presence says `delivery_id` may find an id; empty means
    detect_headers. The rule runs only then, so captures of other senders pay nothing."""
