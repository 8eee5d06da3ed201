"""What a `/` filter term matches: predicates over captures, compiled from the terms.

Text is matched as the detail shows it as well as on the wire: percent-encoded query and
form values decoded (`a=hello%20world` matches `hello world`), gzip/deflate/br bodies
inflated (never past BODY_SEARCH_LIMIT), bodies in their declared charset. The language is
filter_terms.py's; the signature terms (provider:, sig:), filter_signatures.py's.
"""

from __future__ import annotations

import fnmatch
from collections.abc import Callable
from urllib.parse import unquote, unquote_plus

from whisper_tui.core.answers import status_of
from whisper_tui.core.contentviews.decoding import decode_request_body
from whisper_tui.core.deliveries import delivery_id_of
from whisper_tui.core.delivery_index import DeliveryIndex
from whisper_tui.core.filter_signatures import provider_check, sig_check
from whisper_tui.core.filter_terms import YES_NO, FilterError, Term, parse_filter
from whisper_tui.core.models import CapturedRequest
from whisper_tui.core.verdicts import Verdicts

BODY_SEARCH_LIMIT = 4 * 1024 * 1024
"""Only the first 4 MB of a body (after inflating it) are searched, so one huge body can't
stall a filter."""
FORM_TYPE = "application/x-www-form-urlencoded"

Predicate = Callable[[CapturedRequest], bool]


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
