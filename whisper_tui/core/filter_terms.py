"""The `/` filter's language: the words typed read as terms, a term that can never match
refused with a FilterError naming it and what is allowed.

method:POST  path:/hooks/*  status:413  header:x-github-event=push  type:json  body:paid
delivery:72d3 (the provider's delivery id, by prefix)  repeat:yes (a retry) / repeat:no
provider:stripe (the signature scheme detected)  sig:verified / failed / unchecked / none
bare words match anywhere (method, target, header names and values, body)
-word or -field:value excludes; "quoted words" keep spaces; all terms must match.

What each term matches is filter_match.py's; the filtered view of the store, filtering.py's.
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Sequence
from dataclasses import dataclass

from whisper_tui.core.filter_signatures import provider_problem, sig_problem
from whisper_tui.core.verdicts import Verdicts

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
        if word == "-":
            # Read as a word, it matched every capture with a dash anywhere ('showing 15 of 15').
            raise FilterError(
                "-: nothing to exclude; a word or field follows it, e.g. -path:/health"
            )
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


def tests_bodies(terms: Sequence[Term]) -> bool:
    """Whether any term reads the body: a bare word (anywhere) or body:."""
    return any(term.field in ("", "body") for term in terms)
