"""The filter language: terms combined, negated and quoted; a term that can never match is an
error naming it; words with a colon that name no field still search."""

from __future__ import annotations

import pytest

from tests.core.test_filter_match import delivery_store, make
from whisper_tui.core.filter_match import compile_filter
from whisper_tui.core.filter_terms import FilterError


def test_terms_combine_and_negate_and_quote():
    requests = [
        make(1, target="/a", body=b"payment paid"),
        make(2, target="/b", body=b"payment failed"),
        make(3, method="GET", target="/a"),
    ]
    assert [r.id for r in requests if compile_filter("payment -failed")(r)] == [1]
    assert [r.id for r in requests if compile_filter('"payment paid"')(r)] == [1]
    assert [r.id for r in requests if compile_filter("method:POST path:/a")(r)] == [1]


@pytest.mark.parametrize("text", ['"open', "header:", "method:"])
def test_bad_filters_say_what_is_wrong(text):
    with pytest.raises(FilterError):
        compile_filter(text)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("status:abc", "status:abc: a status is a number, e.g. status:413"),
        ("-status:2xx", "status:2xx: a status is a number"),
        ("foo:bar", "no field 'foo' in 'foo:bar': fields are method, path, status,"),
        ("method:POST Stauts:500", "no field 'Stauts'"),
        ("repeat:maybe", "repeat:maybe: yes or no"),
        ("-", "-: nothing to exclude; a word or field follows it, e.g. -path:/health"),
        ("method:POST - x", "-: nothing to exclude"),
    ],
)
def test_a_term_that_can_never_match_is_an_error_naming_it_and_what_is_allowed(text, message):
    # They silently matched nothing: a mistyped field read as a bare word, a status no
    # capture can have. The TUI's filter bar, send --only and wait_for all parse here.
    with pytest.raises(FilterError) as raised:
        compile_filter(text, delivery_store().deliveries)
    assert message in str(raised.value)
    assert "\n" not in str(raised.value)


def test_words_with_a_colon_that_are_no_field_still_search():
    # A URL, a time, a word ending in ':' are words, not mistyped fields.
    for text in ("https://example.com/x", "12:30", "note:", "status:413", "body:foo:bar"):
        compile_filter(text)
