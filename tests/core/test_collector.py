"""Hiding what can't be part of a cycle from the garbage collector: hidden, and still freed."""

from __future__ import annotations

import gc
import weakref
from array import array

from whisper_tui.core.collector import untrack
from whisper_tui.core.models import CapturedRequest


def test_an_array_and_a_capture_are_hidden_from_the_collector():
    numbers = array("q", [1, 2, 3])
    request = CapturedRequest(1, 0.0, "127.0.0.1", "POST", "/x", (1, 1), (), b"")
    assert gc.is_tracked(numbers) and gc.is_tracked(request)
    untrack(numbers)
    untrack(request)
    assert not gc.is_tracked(numbers) and not gc.is_tracked(request)
    numbers.extend(range(10_000))  # growing it does not track it again
    assert not gc.is_tracked(numbers)


def test_what_is_hidden_is_still_freed_when_its_last_reference_goes():
    numbers = array("q", [1])
    untrack(numbers)
    gone = weakref.ref(numbers)
    del numbers
    assert gone() is None
