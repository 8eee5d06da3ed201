"""Deliveries, not just requests: the id a provider repeats on every retry, and an index of it.

A capture's delivery id is derived, never stored: each signature scheme declares where its
provider puts the id it documents for deduplication (`Scheme.delivery_id`, in the provider's
module, with the documentation cited there), and two generic rules follow here: CloudEvents
and the `Idempotency-Key` header. The first rule that finds an id wins, providers first.

`DeliveryIndex` is kept by the store (it tells it of every arrival, eviction, removal and
restore) and answers "which delivery is this, which arrival of it, and where are the others"
in O(1) per capture, so capture throughput does not depend on how many are kept.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from operator import itemgetter

from whisper_tui.core.models import CapturedRequest, RawHeaders
from whisper_tui.core.signatures import Scheme, schemes
from whisper_tui.core.signatures.common import delivery_value, json_top_level_strings
from whisper_tui.core.signatures.scheme import Headers

_FEW = 5_000
"""Up to this many captures, json_view takes theirs; beyond, it copies the index's dicts."""

DEFAULT_REMEMBERED = 100_000
"""Deliveries remembered after their last capture left the store (evicted or deleted), so a
late retry still counts as one; the oldest such are forgotten first."""

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


@dataclass(frozen=True, slots=True)
class Delivery:
    """One capture seen as an arrival of a delivery."""

    id: str
    source: str
    seen: int
    """Which arrival this capture is: 1 the first, 2 the first retry... Numbered as they
    arrived; never renumbered when older ones are deleted or evicted."""
    first: int
    """Capture id of the delivery's first arrival (which may be gone from the store)."""
    captures: tuple[int, ...]
    """Capture ids of this delivery still in the store, oldest first."""
    times: int
    """How many times it arrived in all (deleted and evicted arrivals included)."""
    provider: str = ""


DeliveryJson = dict[str, str | int]
"""`{"id": ..., "from": ..., "seen": n, "first": capture id}`: headless --json and HAR
(`DeliveryIndex.json_of` builds it)."""


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


# -- the index -------------------------------------------------------------------------------


Arrival = tuple[str, str, str, int, int]
"""A deleted capture's place in its delivery, for restoring it: (id, source, provider, first
capture id, which arrival it was)."""


class DeliveryIndex:
    """Delivery id -> its captures, kept current by the store; O(1) per capture.

    Arrival numbers are fixed when a capture arrives. A delivery whose captures have all left
    the store is remembered (up to `remembered` of them, oldest forgotten first) so that a late
    retry is still counted as one.

    Everything is held in dicts of strings, ints and tuples of them, keyed by delivery id or
    capture id: no object per delivery, so nothing here is tracked by the garbage collector
    (a full collection walks every tracked object with the loop stopped).
    """

    def __init__(self, remembered: int = DEFAULT_REMEMBERED) -> None:
        self.remembered = remembered
        self._about: dict[str, tuple[str, str, int]] = {}
        """Delivery id -> (source, provider, capture id of its first arrival)."""
        self._times: dict[str, int] = {}
        self._kept: dict[str, dict[int, None]] = {}
        """Delivery id -> its capture ids still in the store, oldest first (a dict: O(1)
        removal, ordered); empty while the delivery is only remembered."""
        self._idle: dict[str, None] = {}
        """Delivery ids with no capture in the store, least recently emptied first."""
        self._delivery_of: dict[int, str] = {}
        self._seen: dict[int, int] = {}
        """Capture id -> which arrival of its delivery it was."""

    # -- kept current by the store -----------------------------------------------------------

    def add(self, request: CapturedRequest) -> None:
        """A capture arrived (or was loaded): number it within its delivery."""
        found = _find(request)
        if found is not None:
            self.add_found(request, found)

    def add_found(self, request: CapturedRequest, found: Found | None) -> None:
        """As `add`, with the capture's `find` already known (--load's reading process
        finds them on its own core)."""
        if found is None:
            return
        value = found[0]
        kept = self._kept.get(value)
        if kept is None:
            self._about[value] = (found[1], found[2], request.id)
            self._times[value] = 0
            kept = self._kept[value] = {}
        elif not kept:
            del self._idle[value]
        times = self._times[value] = self._times[value] + 1
        kept[request.id] = None
        self._delivery_of[request.id] = value
        self._seen[request.id] = times

    def evicted(self, request: CapturedRequest) -> None:
        """A capture left the store for good."""
        value = self._delivery_of.pop(request.id, None)
        if value is not None:
            del self._seen[request.id]
            self._leave(value, request.id)

    def removed(self, requests: tuple[CapturedRequest, ...]) -> dict[int, Arrival]:
        """Captures the user deleted; what `restored` needs to put them back is returned."""
        taken: dict[int, Arrival] = {}
        for request in requests:
            value = self._delivery_of.pop(request.id, None)
            if value is not None:
                taken[request.id] = (value, *self._about[value], self._seen.pop(request.id))
                self._leave(value, request.id)
        return taken

    def restored(self, requests: list[CapturedRequest], taken: dict[int, Arrival]) -> None:
        """Deleted captures put back: they keep the arrival numbers they had."""
        touched: set[str] = set()
        for request in requests:
            arrival = taken.get(request.id)
            if arrival is None:
                continue
            value, source, provider, first, seen = arrival
            kept = self._kept.get(value)
            if kept is None:
                # Forgotten while deleted: remembered again from what the deletion kept.
                self._about[value] = (source, provider, first)
                self._times[value] = seen
                kept = self._kept[value] = {}
            if not kept:
                self._idle.pop(value, None)
            kept[request.id] = None
            self._delivery_of[request.id] = value
            self._seen[request.id] = seen
            touched.add(value)
        for value in touched:
            # Put back in the middle: reorder (rare, and k is a delivery's few captures).
            self._kept[value] = dict.fromkeys(sorted(self._kept[value]))

    def _leave(self, value: str, capture_id: int) -> None:
        kept = self._kept[value]
        del kept[capture_id]
        if kept:
            return
        self._idle[value] = None
        while len(self._idle) > self.remembered:
            oldest = next(iter(self._idle))
            del self._idle[oldest], self._kept[oldest], self._about[oldest], self._times[oldest]

    # -- reading -----------------------------------------------------------------------------

    def of(self, request: CapturedRequest) -> Delivery | None:
        """The delivery a kept capture is an arrival of, or None when it carries no id."""
        value = self._delivery_of.get(request.id)
        if value is None:
            return None
        source, provider, first = self._about[value]
        return Delivery(
            value,
            source,
            self._seen[request.id],
            first,
            tuple(self._kept[value]),
            self._times[value],
            provider,
        )

    def json_view(
        self, requests: Sequence[CapturedRequest] | None = None
    ) -> Callable[[CapturedRequest], DeliveryJson | None]:
        """A frozen view for writing in another thread (HAR autosave): capture -> its
        `json_of`, as the index stands now.

        With a few `requests` (what an appending save writes) only theirs are taken; otherwise
        the index's dicts are copied (about 8 ms at 100,000 captures, a fifth of building every
        object here).
        """
        if requests is not None and len(requests) <= _FEW:
            taken = {r.id: self.json_of(r.id) for r in requests}
            return lambda request: taken.get(request.id)
        copy = DeliveryIndex(self.remembered)
        copy._delivery_of, copy._seen = dict(self._delivery_of), dict(self._seen)
        copy._about = dict(self._about)
        return lambda request: copy.json_of(request.id)

    def json_of(self, capture_id: int) -> DeliveryJson | None:
        """The capture's delivery as headless `--json` lines and HAR's `_whisper` write it
        (None: null), in O(1): headless asks for every capture, and `of` copies all of a
        delivery's arrivals (a retry storm of one id would make each line cost as much as all
        the lines before it)."""
        value = self._delivery_of.get(capture_id)
        if value is None:
            return None
        source, _, first = self._about[value]
        return {"id": value, "from": source, "seen": self._seen[capture_id], "first": first}

    def captures_of(self, delivery_id: str) -> tuple[int, ...]:
        """Capture ids of a delivery still in the store, oldest first (empty if none)."""
        return tuple(self._kept.get(delivery_id, ()))

    def repeat_of(self, request: CapturedRequest) -> int:
        """Which arrival of its delivery a kept capture is (1 the first, 2 the first retry...)
        when the delivery came more than once; 0 when it came once or carries no id.

        The list's repeat marker, asked for every row drawn: two lookups and nothing built
        (`of` builds a Delivery with a tuple of the delivery's captures, O(arrivals)).
        """
        value = self._delivery_of.get(request.id)
        if value is None or self._times[value] < 2:
            return 0
        return self._seen[request.id]

    def __len__(self) -> int:
        """Deliveries known (with a capture kept, or remembered)."""
        return len(self._kept)


def json_view_of(
    requests: Iterable[CapturedRequest],
) -> Callable[[CapturedRequest], DeliveryJson | None]:
    """Deliveries among these captures alone, numbered in the order given (an export made
    without the store's index, or a HAR loaded elsewhere)."""
    index = DeliveryIndex()
    for request in requests:
        index.add(request)
    return index.json_view()
