"""Deliveries, not just requests: the id a provider repeats on every retry, found on a capture.

A capture's delivery id is derived, never stored: each signature scheme declares where its
provider puts the id it documents for deduplication (`Scheme.delivery_id`, in the provider's
module, with the documentation cited there), and two generic rules follow here: CloudEvents
and the `Idempotency-Key` header. The first rule that finds an id wins, providers first.

The store groups its captures by these ids in a `DeliveryIndex` (core/delivery_index.py).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from operator import itemgetter

from whisper_tui.core.models import CapturedRequest, RawHeaders
from whisper_tui.core.signatures import Scheme, schemes
from whisper_tui.core.signatures.common import delivery_value, json_top_level_strings
from whisper_tui.core.signatures.scheme import Headers

_CLOUDEVENTS_JSON = b"application/cloudevents+json"


@dataclass(frozen=True, slots=True)
class DeliveryId:
    """A provider's delivery id on one capture, and where it was read."""

    value: str
    source: str
    """Where it was read, as shown to users: a header name ("X-GitHub-Delivery") or a body
    field ("body id")."""
    provider: str
    """The scheme whose rule found it ("github"), or "cloudevents" / "idempotency-key"."""


DeliveryJson = dict[str, str | int]
"""`{"id": ..., "from": ..., "seen": n, "first": capture id}`: headless --json and HAR
(`DeliveryIndex.json_of` builds it)."""

REPEAT = "↻"
"""The repeat marker's sign, before the arrival's number (`↻2`: the first retry)."""


def repeat_marker(arrival: int) -> str:
    """The repeat marker for the `arrival`-th arrival of a delivery that came more than once
    ('↻1' for the first, '↻2' for the first retry; '99+' past 99); '' for 0 (came once).
    The list's column and headless plain lines both write it."""
    if arrival <= 0:
        return ""
    return f"{REPEAT}{arrival}" if arrival < 100 else "99+"


# -- finding the id ------------------------------------------------------------------------


def _cloudevents_binary(headers: Headers) -> tuple[str, str] | None:
    # https://github.com/cloudevents/spec/blob/v1.0.2/cloudevents/bindings/http-protocol-binding.md
    # #31-binary-content-mode: attributes are ce-* headers. The core spec
    # (cloudevents/spec.md#id) makes `source` + `id` unique per distinct event, and a
    # re-sent duplicate keeps both: the pair is the id (a space can't occur in a URI-reference).
    event_id = delivery_value(headers.get(b"ce-id"))
    source = delivery_value(headers.get(b"ce-source"))
    if event_id and source:
        return f"{source} {event_id}", "ce-source + ce-id"
    return None


def _cloudevents_structured(request: CapturedRequest, headers: Headers) -> tuple[str, str] | None:
    # http-protocol-binding.md#32-structured-content-mode: the whole event is the body, as
    # application/cloudevents+json (a batch, application/cloudevents-batch+json, has no one id).
    content_type = (headers.get(b"content-type") or "").split(";", 1)[0].strip().lower()
    if content_type != _CLOUDEVENTS_JSON.decode():
        return None
    found = json_top_level_strings(request.body, "id", "source")
    event_id, source = delivery_value(found.get("id")), delivery_value(found.get("source"))
    if event_id and source:
        return f"{source} {event_id}", "body source + id"
    return None


def _idempotency_key(headers: Headers) -> tuple[str, str] | None:
    # https://datatracker.ietf.org/doc/draft-ietf-httpapi-idempotency-key-header/: a client
    # repeats the key when it retries the same request (GitLab's webhooks send it, and
    # Svix-style senders may).
    value = delivery_value(headers.get(b"idempotency-key"))
    return (value, "Idempotency-Key") if value else None


@dataclass(frozen=True, slots=True)
class _Plan:
    """What to try on captures whose header names are one layout (names and order as sent)."""

    lowered: tuple[bytes, ...]
    schemes: tuple[Scheme, ...]
    """Schemes whose trigger headers are present, in scheme order."""
    binary: bool
    """ce-id is present (CloudEvents, binary mode)."""
    content_type: int
    """Position of the Content-Type header, or -1 (CloudEvents, structured mode)."""
    keyed: bool
    """Idempotency-Key is present."""
    by_headers: bool
    """Any of the above: a header says some rule may find an id."""


_PLANS_KEPT = 1024
"""Header layouts remembered; a sender repeats its own, so a handful cover a session. More
(a sender varying its header names) empties the cache, which only costs recomputing."""


@dataclass(slots=True)
class _Plans:
    built_for: tuple[Scheme, ...] | None = None
    by_layout: dict[bytes, _Plan] = field(default_factory=dict)
    """Keyed by the header names as sent, joined by NUL (which no header name can hold):
    one bytes object to hash, not one per name."""


_plans = _Plans()


def _plan_for(raw: RawHeaders) -> _Plan:
    known = schemes()
    if _plans.built_for is not known or len(_plans.by_layout) >= _PLANS_KEPT:
        _plans.by_layout.clear()
        _plans.built_for = known
    layout = b"\0".join(map(_name, raw))
    plan = _plans.by_layout.get(layout)
    if plan is not None and len(plan.lowered) == len(raw):
        return plan
    if layout.count(b"\0") != max(len(raw) - 1, 0):
        # A name holding NUL itself (only a loaded file can carry one): the joined key is
        # ambiguous, so this layout is planned from its names and not cached.
        return _plan(tuple(name.lower() for name in map(_name, raw)), known)
    plan = _plans.by_layout[layout] = _plan(
        tuple(layout.lower().split(b"\0")) if raw else (), known
    )
    return plan


def _plan(lowered: tuple[bytes, ...], known: tuple[Scheme, ...]) -> _Plan:
    present = set(lowered)
    triggered = tuple(
        scheme
        for scheme in known
        if scheme.delivery_id is not None
        and not present.isdisjoint(
            name.encode("latin-1") for name in scheme.delivery_headers or scheme.detect_headers
        )
    )
    binary, keyed = b"ce-id" in present, b"idempotency-key" in present
    return _Plan(
        lowered,
        triggered,
        binary,
        lowered.index(b"content-type") if b"content-type" in present else -1,
        keyed,
        bool(triggered) or binary or keyed,
    )


_name = itemgetter(0)


def delivery_id_of(request: CapturedRequest) -> DeliveryId | None:
    """The provider's delivery id on a capture, or None when it carries none.

    Which rules can apply is decided once per header layout (the names and their order, which
    a sender repeats), so a capture from a sender no rule knows costs a tuple of its header
    names and one lookup. Provider rules go in scheme order, then CloudEvents (binary,
    structured), then Idempotency-Key.
    """
    found = _find(request)
    return DeliveryId(*found) if found is not None else None


Found = tuple[str, str, str]
"""(value, source, provider): what `find` returns for a capture with a delivery id."""


def rules_in_force() -> tuple[tuple[str, str, tuple[str, ...]], ...]:
    """What `find` decides by besides this module's code: each scheme's name, rule and
    trigger headers. Two processes with equal answers find the same ids (--load's reading
    process finds them for the app; a scheme registered in the app alone makes them differ)."""
    return tuple(
        (
            scheme.name,
            f"{scheme.delivery_id.__module__}.{scheme.delivery_id.__qualname__}",
            scheme.delivery_headers or scheme.detect_headers,
        )
        for scheme in schemes()
        if scheme.delivery_id is not None
    )


def find(request: CapturedRequest) -> Found | None:
    """(value, source, provider): delivery_id_of without building the frozen dataclass
    (a third of the cost on the capture path, where the index calls this)."""
    return _find(request)


def may_find(raw: RawHeaders) -> bool:
    """Whether `find` could find an id on a capture with these headers, decided as it decides
    (most captures: no rule's header is there), without the capture: --load's reading process
    builds one only for those."""
    plan = _plan_for(raw)
    at = plan.content_type
    return plan.by_headers or (at >= 0 and b"cloudevents" in raw[at][1].lower())


def _find(request: CapturedRequest) -> Found | None:
    """find's body (the index calls it directly: one call less per capture)."""
    raw = request.raw_headers
    plan = _plan_for(raw)
    # Structured CloudEvents have no header of their own: their content type says it.
    at = plan.content_type
    structured = at >= 0 and b"cloudevents" in raw[at][1].lower()
    if not (plan.by_headers or structured):
        return None  # most captures: no rule applies
    headers = Headers(raw, plan.lowered)
    for scheme in plan.schemes:
        assert scheme.delivery_id is not None
        hit = scheme.delivery_id(request, headers)
        if hit is not None:
            return hit[0], hit[1], scheme.name
    if plan.binary and (hit := _cloudevents_binary(headers)) is not None:
        return hit[0], hit[1], "cloudevents"
    if structured and (hit := _cloudevents_structured(request, headers)) is not None:
        return hit[0], hit[1], "cloudevents"
    if plan.keyed and (hit := _idempotency_key(headers)) is not None:
        return hit[0], hit[1], "idempotency-key"
    return None
