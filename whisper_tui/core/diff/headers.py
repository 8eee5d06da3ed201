"""Headers in a diff: which are volatile, how name/value lists compare, how rows pair up."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from whisper_tui.core.diff.models import Change, Opcode, quote_value
from whisper_tui.core.diff.myers import diff_lines
from whisper_tui.core.models import CapturedRequest, display_header_value

VOLATILE_HEADERS = frozenset(
    {
        # Set per message by the transport, never meaningful to compare.
        "date",
        "content-length",
        "server",  # an answer's software and version (the idempotency probe diffs answers)
        "cf-ray",
        "x-request-start",
        # Delivery, message and request ids.
        "x-github-delivery",
        "x-gitlab-event-uuid",
        "x-gitlab-webhook-uuid",
        "x-request-id",
        "request-id",
        "x-correlation-id",
        "webhook-id",
        "svix-id",
        "x-shopify-webhook-id",
        "x-shopify-event-id",
        "x-shopify-triggered-at",
        "x-amz-sns-message-id",
        "x-twilio-idempotency-token",
        "linear-delivery",
        # Signatures: they cover a timestamp or the body, so they differ whenever either does.
        "stripe-signature",
        "x-hub-signature",
        "x-hub-signature-256",
        "webhook-signature",
        "svix-signature",
        "x-slack-signature",
        "x-shopify-hmac-sha256",
        "x-twilio-signature",
        "paddle-signature",
        "x-zm-signature",
        "x-square-hmacsha256-signature",
        "x-signature",
        # Timestamps.
        "webhook-timestamp",
        "svix-timestamp",
        "x-slack-request-timestamp",
        "x-zm-request-timestamp",
        "x-timestamp",
        "x-amz-date",
        # Tracing.
        "traceparent",
        "tracestate",
        "baggage",
        "sentry-trace",
        "x-amzn-trace-id",
        "x-cloud-trace-context",
        "x-b3-traceid",
        "x-b3-spanid",
        "x-b3-parentspanid",
        "x-b3-sampled",
        "b3",
        "x-datadog-trace-id",
        "x-datadog-parent-id",
    }
)
"""Lower-cased names of headers whose values differ on every delivery."""

# Providers name their own ids and signatures (X-Acme-Signature); these endings catch most.
_VOLATILE_SUFFIXES = ("-signature", "-timestamp", "-delivery", "-request-id", "-trace-id")


def is_volatile_header(name: str) -> bool:
    """True for headers that differ per delivery (ids, signatures, timestamps, traces)."""
    lowered = name.strip().lower()
    return lowered in VOLATILE_HEADERS or lowered.endswith(_VOLATILE_SUFFIXES)


def pair_changes(
    label: str,
    older: Iterable[tuple[str, str]],
    newer: Iterable[tuple[str, str]],
    *,
    fold_case: bool = True,
    volatile: Callable[[str], bool] | None = None,
) -> list[Change]:
    """Changes between two name/value lists (headers, form fields), by name.

    Repeated names are compared by position: the second Set-Cookie with the second.
    Entries are ordered by the name's first appearance, older side first.
    """
    groups: dict[str, tuple[str, list[str], list[str]]] = {}
    for side, pairs in ((1, older), (2, newer)):
        for name, value in pairs:
            key = name.lower() if fold_case else name
            if key not in groups:
                groups[key] = (name, [], [])
            entry = groups[key]
            (entry[1] if side == 1 else entry[2]).append(value)
    changes: list[Change] = []
    for name, olds, news in groups.values():
        is_volatile = volatile(name) if volatile else False
        repeated = max(len(olds), len(news)) > 1
        for index in range(max(len(olds), len(news))):
            where = f"{label} {name}" + (f" #{index + 1}" if repeated else "")
            if index >= len(news):
                changes.append(
                    Change(where, "removed", quote_value(olds[index]), None, is_volatile)
                )
            elif index >= len(olds):
                changes.append(Change(where, "added", None, quote_value(news[index]), is_volatile))
            elif olds[index] != news[index]:
                before, after = quote_value(olds[index]), quote_value(news[index])
                changes.append(Change(where, "changed", before, after, is_volatile))
    return changes


def _header_name(line: str) -> str:
    return line.split(":", 1)[0].strip().lower()


def header_row_volatile(left: str | None, right: str | None) -> bool:
    """True when either side of a header row is a volatile header."""
    return any(
        line is not None and is_volatile_header(_header_name(line)) for line in (left, right)
    )


def pair_header_rows(left: list[str], right: list[str]) -> list[Opcode]:
    """Inside a replaced block, pair header lines by name; the rest are removed or added."""
    names = diff_lines([_header_name(x) for x in left], [_header_name(x) for x in right])
    ops: list[Opcode] = []
    for tag, i1, i2, j1, j2 in names:
        if tag == "equal":
            ops.append(("replace", i1, i2, j1, j2))  # same names, new values: pair them
        elif tag == "replace":
            # Different names are different headers, not one header changed.
            ops.append(("delete", i1, i2, j1, j1))
            ops.append(("insert", i2, i2, j1, j2))
        else:
            ops.append((tag, i1, i2, j1, j2))
    return ops


def header_pairs(request: CapturedRequest, ignore_volatile: bool) -> list[tuple[str, str]]:
    """The headers to compare, volatile ones left out when asked."""
    # Shown as the detail shows them: UTF-8 where valid, never latin-1 mojibake.
    pairs = [(display_header_value(n), display_header_value(v)) for n, v in request.raw_headers]
    return [
        (name, value) for name, value in pairs if not (ignore_volatile and is_volatile_header(name))
    ]
