"""Process tuning: the collector's thresholds, the frozen startup heap, big blocks back to the OS.

Each check runs in a fresh interpreter: tuning changes the whole process, and the test run's
own collector must stay as it is.
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from whisper_tui.tuning import YOUNG_COLLECTION_THRESHOLD

ROOT = Path(__file__).resolve().parent.parent


def run_python(code: str, *args: str) -> dict:
    """Run `code` in a new interpreter from the repo root; it prints one JSON object."""
    result = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code), *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


GC_CHECKS = """
    import gc, json, sys, weakref

    from whisper_tui.tuning import freeze_startup_heap, tune_process

    report = {"threshold_before": gc.get_threshold()}
    tune_process()
    report["threshold_after"] = gc.get_threshold()
    report["frozen_before"] = gc.get_freeze_count()

    class Thing:
        pass

    alive = Thing()
    # A reference cycle nothing points to: garbage that only the cyclic collector frees.
    garbage = Thing()
    garbage.me = garbage
    collected = []
    weakref.finalize(garbage, collected.append, True)
    del garbage

    freeze_startup_heap()
    report["frozen_after"] = gc.get_freeze_count()
    # gc.get_objects() lists what the collector still walks; frozen objects are not in it.
    report["alive_still_walked"] = any(o is alive for o in gc.get_objects())
    report["garbage_collected_first"] = collected == [True]
    report["loaded_ui_libraries"] = sorted(
        name for name in sys.modules if name.split(".")[0] in ("textual", "rich")
    )
    print(json.dumps(report))
"""


@pytest.fixture(scope="module")
def gc_report() -> dict:
    return run_python(GC_CHECKS)


def test_tune_process_raises_only_the_young_threshold(gc_report):
    young, middle, old = gc_report["threshold_before"]
    assert gc_report["threshold_after"] == [YOUNG_COLLECTION_THRESHOLD, middle, old]
    assert young < YOUNG_COLLECTION_THRESHOLD  # fewer young collections than CPython's 700


def test_freeze_startup_heap_hides_what_is_alive_from_the_collector(gc_report):
    assert gc_report["frozen_before"] == 0
    assert gc_report["frozen_after"] > 0
    assert gc_report["alive_still_walked"] is False


def test_freeze_startup_heap_collects_garbage_first_instead_of_freezing_it(gc_report):
    assert gc_report["garbage_collected_first"] is True


def test_tuning_loads_no_ui_library(gc_report):
    # Headless mode calls it too.
    assert gc_report["loaded_ui_libraries"] == []


MMAP_CHECK = """
    import ctypes, json, sys

    class MallInfo2(ctypes.Structure):
        _fields_ = [
            (name, ctypes.c_size_t)
            for name in ("arena", "ordblks", "smblks", "hblks", "hblkhd",
                         "usmblks", "fsmblks", "uordblks", "fordblks", "keepcost")
        ]

    libc = ctypes.CDLL("libc.so.6")
    libc.mallinfo2.restype = MallInfo2
    if sys.argv[1] == "tuned":
        from whisper_tui.tuning import tune_process
        tune_process()
    # Freeing a big mmapped block raises glibc's adaptive threshold to its size: after this,
    # an untuned process keeps 256 KB bodies in the heap, where freeing them keeps the memory.
    big = bytes(4 * 1024 * 1024)
    del big
    before = libc.mallinfo2().hblks
    body = bytes(256 * 1024)
    print(json.dumps({"new_mmapped_blocks": libc.mallinfo2().hblks - before}))
"""


def glibc_has_mallinfo2() -> bool:
    if not sys.platform.startswith("linux"):
        return False
    import ctypes

    try:
        return hasattr(ctypes.CDLL("libc.so.6"), "mallinfo2")
    except OSError:
        return False


@pytest.mark.skipif(not glibc_has_mallinfo2(), reason="needs glibc 2.33+ (mallinfo2)")
def test_bodies_over_128_kib_are_mmapped_so_freeing_one_gives_it_back_to_the_os():
    assert run_python(MMAP_CHECK, "untuned") == {"new_mmapped_blocks": 0}
    assert run_python(MMAP_CHECK, "tuned") == {"new_mmapped_blocks": 1}
