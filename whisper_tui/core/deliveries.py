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

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from operator import itemgetter

from whisper_tui.core.models import CapturedRequest
from whisper_tui.core.signatures import Scheme, schemes
from whisper_tui.core.signatures.common import delivery_value, json_top_level_strings

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
"""`{"id": ..., "from": ..., "seen": n, "first": capture id}`: headless --json and HAR."""


def delivery_json(delivery: Delivery | None) -> DeliveryJson | None:
    """The delivery as headless `--json` lines and HAR's `_whisper` write it (None: null)."""
    if delivery is None:
        return None
    return {
        "id": delivery.id,
        "from": delivery.source,
        "seen": delivery.seen,
        "first": delivery.first,
    }


# -- finding the id ------------------------------------------------------------------------


def _cloudevents_binary(request: CapturedRequest) -> tuple[str, str] | None:
    # https://github.com/cloudevents/spec/blob/v1.0.2/cloudevents/bindings/http-protocol-binding.md
    # #31-binary-content-mode: attributes are ce-* headers. The core spec
    # (cloudevents/spec.md#id) makes `source` + `id` unique per distinct event, and a
    # re-sent duplicate keeps both: the pair is the id (a space can't occur in a URI-reference).
    event_id = delivery_value(request.header("ce-id"))
    source = delivery_value(request.header("ce-source"))
    if event_id and source:
        return f"{source} {event_id}", "ce-source + ce-id"
    return None


def _cloudevents_structured(request: CapturedRequest) -> tuple[str, str] | None:
    # http-protocol-binding.md#32-structured-content-mode: the whole event is the body, as
    # application/cloudevents+json (a batch, application/cloudevents-batch+json, has no one id).
    content_type = (request.header("content-type") or "").split(";", 1)[0].strip().lower()
    if content_type != _CLOUDEVENTS_JSON.decode():
        return None
    found = json_top_level_strings(request.body, "id", "source")
    event_id, source = delivery_value(found.get("id")), delivery_value(found.get("source"))
    if event_id and source:
        return f"{source} {event_id}", "body source + id"
    return None


def _idempotency_key(request: CapturedRequest) -> tuple[str, str] | None:
    # https://datatracker.ietf.org/doc/draft-ietf-httpapi-idempotency-key-header/: a client
    # repeats the key when it retries the same request (GitLab's webhooks send it, and
    # Svix-style senders may).
    value = delivery_value(request.header("idempotency-key"))
    return (value, "Idempotency-Key") if value else None


_GENERIC = (b"ce-id", b"idempotency-key")


@dataclass(slots=True)
class _Triggers:
    """Which lowercase header names make which rules worth running, built once per registry."""

    built_for: tuple[Scheme, ...] | None = None
    by_header: dict[bytes, tuple[Scheme, ...]] = field(default_factory=dict)
    names: frozenset[bytes] = frozenset()
    """Every name that triggers something: the providers' and the generic rules'."""


_triggers = _Triggers()


def _current_triggers() -> _Triggers:
    known = schemes()
    if _triggers.built_for is not known:
        by_header: dict[bytes, list[Scheme]] = {}
        for scheme in known:
            if scheme.delivery_id is None:
                continue
            for name in scheme.delivery_headers or scheme.detect_headers:
                by_header.setdefault(name.encode("latin-1"), []).append(scheme)
        _triggers.by_header = {name: tuple(found) for name, found in by_header.items()}
        _triggers.names = frozenset((*by_header, *_GENERIC))
        _triggers.built_for = known
    return _triggers


_name = itemgetter(0)


def delivery_id_of(request: CapturedRequest) -> DeliveryId | None:
    """The provider's delivery id on a capture, or None when it carries none.

    The set of header names decides which rules can apply, and only those run: a capture
    from a sender no rule knows costs building that set (C loops, no Python per header).
    Provider rules go in scheme order, then CloudEvents (binary, structured), then
    Idempotency-Key.
    """
    found = _find(request)
    return DeliveryId(*found) if found is not None else None


def _find(request: CapturedRequest) -> tuple[str, str, str] | None:
    """(value, source, provider): delivery_id_of without building the frozen dataclass
    (a third of the cost on the capture path, where the index calls this)."""
    triggers = _current_triggers()
    raw = request.raw_headers
    lowered = tuple(map(bytes.lower, map(_name, raw)))
    names = set(lowered)
    hits = names & triggers.names
    if hits:
        found: list[Scheme] = []
        for name in hits:
            for scheme in triggers.by_header.get(name, ()):
                if scheme not in found:
                    found.append(scheme)
        if len(found) > 1:
            found.sort(key=lambda s: (s.order, s.name))
        for scheme in found:
            assert scheme.delivery_id is not None
            hit = scheme.delivery_id(request)
            if hit is not None:
                return hit[0], hit[1], scheme.name
        if b"ce-id" in hits and (hit := _cloudevents_binary(request)) is not None:
            return hit[0], hit[1], "cloudevents"
    # Structured CloudEvents have no header of their own: their content type says it.
    if b"content-type" in names:
        content_type = raw[lowered.index(b"content-type")][1]
        if content_type[: len(_CLOUDEVENTS_JSON)].lower() == _CLOUDEVENTS_JSON:
            hit = _cloudevents_structured(request)
            if hit is not None:
                return hit[0], hit[1], "cloudevents"
    if b"idempotency-key" in hits and (hit := _idempotency_key(request)) is not None:
        return hit[0], hit[1], "idempotency-key"
    return None


# -- the index -------------------------------------------------------------------------------


class _Record:
    """What the index knows of one delivery id."""

    __slots__ = ("captures", "first", "provider", "source", "times", "value")

    def __init__(self, value: str, source: str, provider: str, first: int) -> None:
        self.value = value
        self.source = source
        self.provider = provider
        self.first = first
        self.times = 0
        self.captures: dict[int, None] = {}
        """Capture ids still in the store, oldest first (a dict: O(1) removal, ordered)."""


Arrival = tuple[_Record, int]
"""(the delivery's record, which arrival of it a capture was)."""


class DeliveryIndex:
    """Delivery id -> its captures, kept current by the store; O(1) per capture.

    Arrival numbers are fixed when a capture arrives. A delivery whose captures have all left
    the store is remembered (up to `remembered` of them, oldest forgotten first) so that a late
    retry is still counted as one.
    """

    def __init__(self, remembered: int = DEFAULT_REMEMBERED) -> None:
        self.remembered = remembered
        self._records: dict[str, _Record] = {}
        self._idle: dict[str, None] = {}
        """Ids whose records have no capture in the store, least recently emptied first."""
        self._arrivals: dict[int, Arrival] = {}

    # -- kept current by the store -----------------------------------------------------------

    def add(self, request: CapturedRequest) -> None:
        """A capture arrived (or was loaded): number it within its delivery."""
        found = _find(request)
        if found is None:
            return
        value = found[0]
        record = self._records.get(value)
        if record is None:
            record = self._records[value] = _Record(*found, request.id)
        elif not record.captures:
            self._idle.pop(value, None)
        record.times += 1
        record.captures[request.id] = None
        self._arrivals[request.id] = (record, record.times)

    def evicted(self, request: CapturedRequest) -> None:
        """A capture left the store for good."""
        arrival = self._arrivals.pop(request.id, None)
        if arrival is not None:
            self._leave(arrival[0], request.id)

    def removed(self, requests: tuple[CapturedRequest, ...]) -> dict[int, Arrival]:
        """Captures the user deleted; what `restored` needs to put them back is returned."""
        taken: dict[int, Arrival] = {}
        for request in requests:
            arrival = self._arrivals.pop(request.id, None)
            if arrival is not None:
                taken[request.id] = arrival
                self._leave(arrival[0], request.id)
        return taken

    def restored(self, requests: list[CapturedRequest], taken: dict[int, Arrival]) -> None:
        """Deleted captures put back: they keep the arrival numbers they had."""
        touched: dict[int, _Record] = {}
        for request in requests:
            arrival = taken.get(request.id)
            if arrival is None:
                continue
            record = arrival[0]
            known = self._records.get(record.value)
            if known is None:
                self._records[record.value] = record
            elif known is not record:
                # Forgotten while deleted, then seen anew: join the record that is current.
                record = known
                arrival = (record, arrival[1])
            self._idle.pop(record.value, None)
            record.captures[request.id] = None
            self._arrivals[request.id] = arrival
            touched[id(record)] = record
        for record in touched.values():
            # Put back in the middle: reorder (rare, and k is a delivery's few captures).
            record.captures = dict.fromkeys(sorted(record.captures))

    def _leave(self, record: _Record, capture_id: int) -> None:
        record.captures.pop(capture_id, None)
        if record.captures:
            return
        self._idle[record.value] = None
        while len(self._idle) > self.remembered:
            oldest = next(iter(self._idle))
            del self._idle[oldest]
            del self._records[oldest]

    # -- reading -----------------------------------------------------------------------------

    def of(self, request: CapturedRequest) -> Delivery | None:
        """The delivery a kept capture is an arrival of, or None when it carries no id."""
        arrival = self._arrivals.get(request.id)
        if arrival is None:
            return None
        record, seen = arrival
        return Delivery(
            record.value,
            record.source,
            seen,
            record.first,
            tuple(record.captures),
            record.times,
            record.provider,
        )

    def json_view(self) -> Callable[[CapturedRequest], DeliveryJson | None]:
        """A frozen view for writing in another thread (HAR autosave): capture -> its
        delivery_json, as the index stands now. Copies one dict: cheap on the loop."""
        arrivals = dict(self._arrivals)

        def json_of(request: CapturedRequest) -> DeliveryJson | None:
            arrival = arrivals.get(request.id)
            if arrival is None:
                return None
            record, seen = arrival
            return {
                "id": record.value,
                "from": record.source,
                "seen": seen,
                "first": record.first,
            }

        return json_of

    def captures_of(self, delivery_id: str) -> tuple[int, ...]:
        """Capture ids of a delivery still in the store, oldest first (empty if none)."""
        record = self._records.get(delivery_id)
        return tuple(record.captures) if record is not None else ()

    def times_of(self, request: CapturedRequest) -> int:
        """How many times the capture's delivery arrived (0 without an id): for list rows."""
        arrival = self._arrivals.get(request.id)
        return arrival[0].times if arrival is not None else 0

    def __len__(self) -> int:
        """Deliveries known (with a capture kept, or remembered)."""
        return len(self._records)


def json_view_of(
    requests: Iterable[CapturedRequest],
) -> Callable[[CapturedRequest], DeliveryJson | None]:
    """Deliveries among these captures alone, numbered in the order given (an export made
    without the store's index, or a HAR loaded elsewhere)."""
    index = DeliveryIndex()
    for request in requests:
        index.add(request)
    return index.json_view()
