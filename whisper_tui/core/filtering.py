"""The `/` filter: a small query language and the filtered view of the store it drives.

method:POST  path:/hooks/*  status:413  header:x-github-event=push  type:json  body:paid
delivery:72d3 (the provider's delivery id, by prefix)  repeat:yes (a retry) / repeat:no
provider:stripe (the signature scheme detected)  sig:verified / failed / unchecked / none
bare words match anywhere (method, target, header names and values, body)
-word or -field:value excludes; "quoted words" keep spaces; all terms must match.

Text is matched as the detail shows it as well as on the wire: percent-encoded query and
form values decoded (`a=hello%20world` matches `hello world`), gzip/deflate/br bodies
inflated (never past BODY_SEARCH_LIMIT), bodies in their declared charset. A body that is
costly to search (compressed, or big) is never searched on the loop the server shares: the
filtered view leaves it, and what came after it, to a worker's scan (FilteredView.tail_waits).
"""

from __future__ import annotations

import bisect
import fnmatch
import re
import shlex
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from urllib.parse import unquote, unquote_plus

from whisper_tui.core.answers import status_of
from whisper_tui.core.contentviews.decoding import decode_request_body
from whisper_tui.core.deliveries import delivery_id_of
from whisper_tui.core.delivery_index import DeliveryIndex
from whisper_tui.core.filter_signatures import (
    provider_check,
    provider_problem,
    sig_check,
    sig_problem,
)
from whisper_tui.core.models import CapturedRequest
from whisper_tui.core.store import Edit, RequestStore
from whisper_tui.core.verdicts import Verdicts

BODY_SEARCH_LIMIT = 4 * 1024 * 1024
"""Only the first 4 MB of a body (after inflating it) are searched, so one huge body can't
stall a filter."""
INLINE_TEST_LIMIT = 1_000
"""Captures put back (undo) beyond this are not tested on the loop: the view asks for a
rescan in a worker instead (see FilteredView.needs_rescan)."""
INLINE_BODY_LIMIT = 256 * 1024
"""A body searched on the loop is at most this big and not compressed (a small gzip body may
inflate to BODY_SEARCH_LIMIT: 4 MiB, tens of ms); others are tested in a worker (see
FilteredView.tail_waits), as the detail decodes such bodies in its worker."""
FORM_TYPE = "application/x-www-form-urlencoded"

Predicate = Callable[[CapturedRequest], bool]
FIELDS = (
    "method",
    "path",
    "status",
    "header",
    "type",
    "body",
    "remote",
    "delivery",
    "repeat",
    "provider",
    "sig",
)
YES_NO = {"yes": True, "no": False}


class FilterError(ValueError):
    """A filter the user typed that can't be understood; the message says why."""


@dataclass(frozen=True, slots=True)
class Term:
    field: str
    """One of FIELDS, or '' for a bare word."""
    value: str
    negated: bool = False


def parse_filter(text: str, verdicts: Verdicts | None = None) -> list[Term]:
    """The terms of a filter, or FilterError naming the first that can never match.
    `verdicts` (the caller's secrets) decides whether sig:verified and sig:failed can."""
    try:
        words = shlex.split(text)
    except ValueError as error:
        raise FilterError(f"unbalanced quotes ({error})") from None
    terms = []
    for word in words:
        negated = word.startswith("-") and len(word) > 1
        if negated:
            word = word[1:]
        name, sep, value = word.partition(":")
        if sep and name.lower() in FIELDS:
            if not value:
                raise FilterError(f"{name}: needs a value, e.g. {name}:{_EXAMPLES[name.lower()]}")
            _check_value(name.lower(), value, verdicts)
            terms.append(Term(name.lower(), value, negated))
        elif sep and value and _FIELD_LIKE.match(name) and not value.startswith("/"):
            # 'foo:bar' read as a bare word matched nothing, silently: a mistyped field. (A
            # URL's 'https://' and a time's '12:30' are still words.)
            raise FilterError(
                f"no field {name[:20]!r} in {word[:40]!r}: fields are {', '.join(FIELDS)} "
                f"(body:{value[:20]} finds a word in the body)"
            )
        else:
            terms.append(Term("", word, negated))
    return terms


_FIELD_LIKE = re.compile(r"[A-Za-z][A-Za-z0-9_-]*\Z")
"""What a field name looks like: a word before ':' that is not one is a mistyped field."""


def _check_value(field: str, value: str, verdicts: Verdicts | None = None) -> None:
    """A value its field can never match is an error naming the term and what is allowed
    (the TUI's filter bar, send --only and the pytest fixture all parse here)."""
    if field == "status" and not (value.isascii() and value.isdigit()):
        raise FilterError(f"status:{value[:20]}: a status is a number, e.g. status:413")
    if field == "repeat" and value.lower() not in YES_NO:
        raise FilterError(f"repeat:{value[:20]}: yes or no, e.g. repeat:yes")
    problem = None
    if field == "provider":
        problem = provider_problem(value)
    elif field == "sig":
        problem = sig_problem(value, verdicts)
    if problem:
        raise FilterError(problem)


_EXAMPLES = {
    "method": "POST",
    "path": "/hooks/*",
    "status": "413",
    "header": "x-github-event=push",
    "type": "json",
    "body": "paid",
    "remote": "10.0.0.5",
    "delivery": "72d3",
    "repeat": "yes",
    "provider": "stripe",
    "sig": "failed",
}


def compile_filter(
    text: str, deliveries: DeliveryIndex | None = None, verdicts: Verdicts | None = None
) -> Predicate:
    """A predicate for the filter text (empty text matches everything).

    `deliveries` (a store's index) answers `repeat:`, which depends on what arrived before;
    without it `repeat:` is refused and `delivery:` reads each capture's id itself.
    `verdicts` (with the caller's secrets) answers `sig:`; without it nothing is checked.
    """
    return compile_terms(parse_filter(text, verdicts), deliveries, verdicts)


def compile_terms(
    terms: list[Term],
    deliveries: DeliveryIndex | None = None,
    verdicts: Verdicts | None = None,
) -> Predicate:
    """A predicate for parsed terms (see compile_filter), for a caller that reads them too."""
    checks = [_compile_term(term, deliveries, verdicts) for term in terms]

    def matches(request: CapturedRequest) -> bool:
        return all(check(request) for check in checks)

    return matches


def _compile_term(
    term: Term, deliveries: DeliveryIndex | None, verdicts: Verdicts | None
) -> Predicate:
    if term.field in ("delivery", "repeat"):
        check = _delivery_check(term, deliveries)
    elif term.field == "provider":
        check = provider_check(term.value)
    elif term.field == "sig":
        check = sig_check(term.value, verdicts)
    else:
        check = _positive_check(term)
    if term.negated:
        return lambda request: not check(request)
    return check


def _positive_check(term: Term) -> Predicate:
    value = term.value
    lowered = value.lower()
    if term.field == "method":
        return lambda r: r.method.lower() == lowered
    if term.field == "path":
        if any(c in value for c in "*?["):
            return lambda r: (
                fnmatch.fnmatchcase(r.path, value)
                or ("%" in r.path and fnmatch.fnmatchcase(unquote(r.path), value))
            )
        return lambda r: _target_contains(r.target, lowered)
    if term.field == "status":
        return lambda r: str(status_of(r)) == value
    if term.field == "type":
        return lambda r: lowered in r.content_type
    if term.field == "remote":
        return lambda r: lowered in r.remote.lower()
    if term.field == "body":
        return _body_check(lowered)
    if term.field == "header":
        name, sep, wanted = value.partition("=")
        name_bytes = name.lower().encode("latin-1", "replace")
        # As the detail shows values (UTF-8), and as raw latin-1 bytes for older senders.
        wanted_forms = {
            wanted.lower().encode("utf-8"),
            wanted.lower().encode("latin-1", "replace"),
        }

        def header_check(r: CapturedRequest) -> bool:
            for n, v in r.raw_headers:
                if n.lower() == name_bytes and (
                    not sep or any(form in v.lower() for form in wanted_forms)
                ):
                    return True
            return False

        return header_check
    return _anywhere(lowered)


def _delivery_check(term: Term, deliveries: DeliveryIndex | None) -> Predicate:
    """`delivery:<id>` (case-insensitive prefix; `*` globs, and `…` as the detail shortens an
    id: `72d3…0958`) and `repeat:yes` (an arrival after the first: a retry) / `repeat:no`.

    Each capture costs the index one O(1) look-up (`arrival`), however many times its
    delivery came: a filter over a retry storm stays linear in the captures tested."""
    if term.field == "repeat":
        wanted = YES_NO[term.value.lower()]  # parse_filter let no other value through
        if deliveries is None:
            raise FilterError("repeat: needs the captures' arrival order, known only live")
        arrival = deliveries.arrival
        return lambda r: ((found := arrival(r.id)) is not None and found[1] > 1) == wanted
    pattern = term.value.lower().replace("…", "*")
    if "*" in pattern or "?" in pattern or "[" in pattern:
        pattern += "" if pattern.endswith("*") else "*"

        def id_matches(value: str) -> bool:
            return fnmatch.fnmatchcase(value.lower(), pattern)
    else:

        def id_matches(value: str) -> bool:
            return value.lower().startswith(pattern)

    if deliveries is not None:
        arrival = deliveries.arrival
        return lambda r: (found := arrival(r.id)) is not None and id_matches(found[0])
    return lambda r: (found := delivery_id_of(r)) is not None and id_matches(found.value)


def _anywhere(lowered: str) -> Predicate:
    bytes_needle = lowered.encode("utf-8")
    body_check = _body_check(lowered)

    def check(r: CapturedRequest) -> bool:
        if lowered in r.method.lower() or _target_contains(r.target, lowered):
            return True
        for n, v in r.raw_headers:
            if bytes_needle in n.lower() or bytes_needle in v.lower():
                return True
        return body_check(r)

    return check


def _target_contains(target: str, lowered: str) -> bool:
    """In the target as sent, or with its percent-encoding (and '+' for space) undone."""
    if lowered in target.lower():
        return True
    return ("%" in target or "+" in target) and lowered in unquote_plus(target).lower()


def _body_check(lowered: str) -> Predicate:
    """The body as sent, or as the detail shows it (inflated, in its charset, form-decoded)."""
    needle = lowered.encode("utf-8")
    plain_needle = lowered.isascii()

    def check(r: CapturedRequest) -> bool:
        if needle in r.body[:BODY_SEARCH_LIMIT].lower():
            return True
        if not r.body:
            return False
        # The cheap test above settles most captures; decoding is for those it can miss.
        if plain_needle and not _needs_decoding(r):
            return False
        return _decoded_body_contains(r, lowered)

    return check


def _needs_decoding(request: CapturedRequest) -> bool:
    """Compressed, form-encoded or in a charset other than UTF-8: the wire bytes differ
    from the text the detail shows."""
    if request.header("content-encoding") is not None:
        return True
    content_type = (request.header("content-type") or "").lower()
    if FORM_TYPE in content_type:
        return True
    charset = content_type.partition("charset=")[2].split(";")[0].strip(' "')
    return charset not in ("", "utf-8", "utf8", "us-ascii", "ascii")


def _decoded_body_contains(request: CapturedRequest, lowered: str) -> bool:
    decoded = decode_request_body(request, BODY_SEARCH_LIMIT)
    if not decoded.decoded:
        return False
    text = decoded.text
    if text is None:
        return lowered.encode("utf-8") in decoded.data[:BODY_SEARCH_LIMIT].lower()
    text = text[:BODY_SEARCH_LIMIT]
    if lowered in text.lower():
        return True
    if decoded.media_type == FORM_TYPE and ("%" in text or "+" in text):
        return lowered in unquote_plus(text).lower()
    return False


def tests_bodies(terms: Sequence[Term]) -> bool:
    """Whether any term reads the body: a bare word (anywhere) or body:."""
    return any(term.field in ("", "body") for term in terms)


def body_test_is_costly(request: CapturedRequest) -> bool:
    """Searching this body may take more than a moment: compressed, or over the inline limit."""
    body = request.body
    if not body:
        return False
    return len(body) > INLINE_BODY_LIMIT or request.header("content-encoding") is not None


def scan(
    requests: Sequence[CapturedRequest], predicate: Predicate, first_absolute: int
) -> list[int]:
    """Absolute indices of the matching requests (run in a worker thread for big stores)."""
    return [first_absolute + i for i, request in enumerate(requests) if predicate(request)]


class FilteredView:
    """The captures that match a filter, kept current as captures arrive and are evicted.

    Matches are absolute indices (position + evicted-so-far), which never change for a
    capture, so evictions only trim the front and arrivals only append.
    """

    def __init__(
        self,
        store: RequestStore,
        text: str,
        matches: list[int] | None = None,
        scanned_to: int | None = None,
        edits_seen: int | None = None,
        renumbered_seen: int | None = None,
        verdicts: Verdicts | None = None,
    ) -> None:
        """`matches` up to `scanned_to` come from a scan (in a worker) of the store as it
        was when len(store.edits) was `edits_seen` and its delivery index's `renumbered` was
        `renumbered_seen`; edits since are replayed here."""
        self.store = store
        self.text = text
        terms = parse_filter(text, verdicts)  # once: the predicate and repeat: share it
        self.predicate = compile_terms(terms, store.deliveries, verdicts)
        self._matches = matches if matches is not None else []
        self._scanned_to = store.evicted if scanned_to is None else scanned_to
        self._edits_seen = len(store.edits) if edits_seen is None else edits_seen
        numbered = store.deliveries.renumbered
        self._renumbered_seen = numbered if renumbered_seen is None else renumbered_seen
        self._tests_numbers = any(term.field == "repeat" for term in terms)
        """repeat: tests arrival numbers, which a loaded earlier arrival changes."""
        self._tests_bodies = tests_bodies(terms)
        self.needs_rescan = False
        """True when more captures were put back than are tested on the loop (or one whose
        body is costly to search), or when arrivals were numbered again under a repeat:
        term: a worker then scans again."""
        self.rescan_asked = False
        """Set by whoever started that scan, so it is started once."""
        self.tail_waits = False
        """An arrival's body is costly to search (body_test_is_costly): it and every capture
        after it (`scanned_to` on) wait for a worker's `scan` of them, handed back through
        `take_tail`; the loop goes on testing after that. Matches stay in order."""
        self.tail_asked = False
        """Set by whoever started that worker, so it is started once."""
        self.sync()

    @property
    def scanned_to(self) -> int:
        """Captures before this absolute index have been tested."""
        return self._scanned_to

    def take_tail(self, matches: list[int], scanned_to: int, seen: tuple[int, int]) -> None:
        """A worker's scan of the captures from `scanned_to` on, as the store was when its
        edits and renumbering counts were `seen`; stale (an edit or a renumbering since:
        the captures it numbered moved) means the tail is scanned again."""
        self.tail_asked = False
        if seen != (len(self.store.edits), self.store.deliveries.renumbered):
            return  # still waiting: the next tick starts the scan again
        self._matches.extend(matches)
        self._scanned_to = scanned_to
        self.tail_waits = False
        self.sync()  # what arrived while the worker ran

    def sync(self) -> None:
        """Test captures that arrived since the last sync; forget evicted ones."""
        store = self.store
        if self._renumbered_seen != store.deliveries.renumbered:
            self._renumbered_seen = store.deliveries.renumbered
            # Captures already tested may have become a first arrival or a retry.
            self.needs_rescan = self.needs_rescan or self._tests_numbers
        for edit in store.edits[self._edits_seen :]:
            self._apply(edit)
        self._edits_seen = len(store.edits)
        if not self.needs_rescan and not self.tail_waits:  # else a worker scans
            end = store.evicted + len(store)
            start = max(self._scanned_to, store.evicted)
            costly = body_test_is_costly if self._tests_bodies else None
            for absolute in range(start, end):
                request = store[absolute - store.evicted]
                if costly is not None and costly(request):
                    self.tail_waits = True  # never inflated on the loop the server shares
                    end = absolute
                    break
                if self.predicate(request):
                    self._matches.append(absolute)
            self._scanned_to = end
        drop = bisect.bisect_left(self._matches, store.evicted)
        if drop:
            del self._matches[:drop]

    def _apply(self, edit: Edit) -> None:
        """Move the matches past a removal or a restore, as the store moved its captures."""
        first, matches = edit.absolute, self._matches
        if edit.delta > INLINE_TEST_LIMIT:
            self.needs_rescan = True
        if first >= self._scanned_to:
            return  # in the part not scanned yet: the next scan sees the store as it is
        low = bisect.bisect_left(matches, first)
        if edit.delta < 0:
            count = -edit.delta
            high = bisect.bisect_left(matches, first + count)
            matches[low:] = [m - count for m in matches[high:]]
            self._scanned_to = max(self._scanned_to - count, first)
            return
        count = edit.delta
        put_back: list[int] = []
        if not self.needs_rescan and self._tests_bodies:
            restored = (self.store.get(request_id) for request_id in edit.ids)
            if any(r is not None and body_test_is_costly(r) for r in restored):
                self.needs_rescan = True  # searched in the worker's scan, not on the loop
        if not self.needs_rescan:
            for offset, request_id in enumerate(edit.ids):
                request = self.store.get(request_id)
                if request is not None and self.predicate(request):
                    put_back.append(first + offset)
        matches[low:] = put_back + [m + count for m in matches[low:]]
        self._scanned_to += count

    def __len__(self) -> int:
        return len(self._matches)

    def __getitem__(self, position: int) -> CapturedRequest:
        return self.store[self._matches[position] - self.store.evicted]

    def absolute(self, position: int) -> int:
        return self._matches[position]

    def position_of(self, absolute: int) -> int:
        """Position of the match at or after an absolute index (clamped to the last)."""
        return min(bisect.bisect_left(self._matches, absolute), max(len(self._matches) - 1, 0))


class StoreView:
    """Every capture in the store, with the same interface as FilteredView."""

    text = ""

    def __init__(self, store: RequestStore) -> None:
        self.store = store

    def sync(self) -> None:
        """Nothing to catch up: positions read the store directly."""

    def __len__(self) -> int:
        return len(self.store)

    def __getitem__(self, position: int) -> CapturedRequest:
        return self.store[position]

    def absolute(self, position: int) -> int:
        return position + self.store.evicted

    def position_of(self, absolute: int) -> int:
        return max(0, min(absolute - self.store.evicted, len(self.store) - 1))
