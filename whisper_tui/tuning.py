"""Process-wide tuning for a long-running capture server: allocator and garbage collector.

Plain Python, no Textual: the TUI and headless mode both call it from the CLI.
"""

from __future__ import annotations

import ctypes
import gc
import sys

M_MMAP_THRESHOLD = -3  # from glibc's malloc.h

YOUNG_COLLECTION_THRESHOLD = 20_000
"""Container allocations, net of frees, between young collections (CPython's default: 700).

Under load the default runs a young collection every few hundred requests and a middle one
every tenth of those. Measured with wrk against the TUI, server and load pinned to a core
each (CPU per request, 4 alternating rounds): 61.4 us untuned, 56.3 with the freeze below,
54.3 with both at 2,000; then 5,000 and 20,000 were no better, and without the freeze 20,000
was worse than the default. Once the ack was prebuilt (core/ack.py) and bursts redrawn once a
second, the collector's own time (gc.callbacks, thread CPU, TUI live, 4 alternating rounds of
21,000 requests) was 83-140 ms a round at 2,000 and 59-80 ms at 20,000: a full collection no
longer comes every ~10,000 requests, and the young ones are fewer. The server path makes no
reference cycles (a load with the collector off left nothing for gc.collect() to free), so
collecting less often keeps nothing alive longer there.
"""


def tune_process() -> None:
    """Call once at start, before any capture is stored."""
    _give_big_blocks_back()
    _, middle, old = gc.get_threshold()
    gc.set_threshold(YOUNG_COLLECTION_THRESHOLD, middle, old)


def freeze_startup_heap() -> None:
    """Move everything alive once the app is up out of the collector's sight, once.

    The UI's widgets, styles, themes and imported modules live as long as the process; a full
    collection walks all of them again each time the stored captures have grown by a quarter.
    Collected first, so no garbage is frozen with them (freezing again later would freeze
    uncollected cycles too: a previous version froze every 5,000 captures and leaked).
    """
    gc.collect()
    gc.freeze()


def _give_big_blocks_back() -> None:
    """Make glibc serve bodies over 128 KiB with mmap, so freed ones go back to the OS.

    Without it, glibc's adaptive threshold keeps freed 256 KB body buffers (aiohttp's read
    buffer, the copy it returns, display decoding) in the heap: measured +37% RSS over the
    stored bytes with 256 KB deliveries, against -13% with it (tests/bench/bench_memory.py).
    """
    if not sys.platform.startswith("linux"):
        return
    try:
        libc = ctypes.CDLL("libc.so.6")
        libc.mallopt(M_MMAP_THRESHOLD, 128 * 1024)
    except (OSError, AttributeError):
        pass  # not glibc (musl, ...): nothing to tune
