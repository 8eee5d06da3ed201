"""The parts of `--load`'s "all loaded", by CPU time: steadier than bench_reopen.py's wall time
on a shared machine, and it says which part to work on.

.venv/bin/python tests/bench/bench_reopen_parts.py [--quick]

The same HAR as bench_reopen.py (100,000 captures written by save_har; --quick: 20,000). Each
round runs fresh processes, the measured part and its baseline taking turns:

- the reading process's work (har_process.serve into a sink) against orjson alone parsing the
  same entries as written, in one call (their usual responses included, which the reading
  drops before parsing): ratio = how much dearer the reading is than parsing alone;
- the app's work per batch (the frame decoded, the captures built, Loading's add into a store)
  against decoding the frame alone;
- how long the reading process sleeps on its pipe while the app's main thread is busy in
  Python (as while it starts and draws) against while it is idle (its main thread's wall time
  less its running time less its time waiting for a CPU, /proc/self/task/<tid>/schedstat; Linux).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from tests.bench import common
from tests.bench.bench_reopen import write_har
from tests.bench.common import ROOT, Row, median

_READING = r"""
import gc, io, json, sys, time
gc.disable()  # as the reading process runs
import orjson
from whisper_tui.core.har_process import serve

class Sink(io.RawIOBase):
    def writable(self): return True
    def write(self, data): return len(data)

path = sys.argv[1]
started = time.process_time()
serve(path, io.BufferedWriter(Sink()), 200, 2000)
reading = time.process_time() - started
data = open(path, "rb").read()
lines = data[data.index(b"\n") + 1 : data.rindex(b"\n]")]
started = time.process_time()
orjson.loads(b"[" + lines + b"]")
parsing = time.process_time() - started
print(json.dumps([reading, parsing]))
"""

_APP = r"""
import io, json, marshal, sys, time
from whisper_tui.core.child_pipe import read_frame_data
from whisper_tui.core.har_process import captures_of, serve
from whisper_tui.core.loading import Loading
from whisper_tui.core.store import RequestStore

frames = io.BytesIO()
serve(sys.argv[1], frames, 200, 2000)
frames.seek(0)
datas = []
while (data := read_frame_data(frames)) is not None:
    datas.append(data)
store = RequestStore()
loading = Loading([sys.argv[1]], store)
batches = whole = decoding = 0.0
for data in datas:
    started = time.process_time()
    marshal.loads(data)
    decoding += time.process_time() - started
    started = time.process_time()
    message = marshal.loads(data)
    if message[0] == "batch":
        _, records, found, estimated, _, _, attempts = message
        loading._add(0, captures_of(records), estimated, found, attempts)
        batches += 1
    whole += time.process_time() - started
print(json.dumps([whole / batches, decoding / batches, len(store)]))
"""

_SLEEP = r"""
import json, sys, threading
from whisper_tui.core import har_process

har_process._CHILD = (
    "import sys, threading, time; sys.path.insert(0, sys.argv.pop(1)); "
    "from whisper_tui.core.har_process import serve\n"
    "def ran():\n"
    "    stat = open(f'/proc/self/task/{threading.get_native_id()}/schedstat').read().split()\n"
    "    return int(stat[0]) / 1e9 + int(stat[1]) / 1e9\n"
    "wall, busy = time.perf_counter(), ran()\n"
    "serve(sys.argv[1], sys.stdout.buffer, int(sys.argv[2]), int(sys.argv[3]))\n"
    "asleep = time.perf_counter() - wall - (ran() - busy)\n"
    "open(sys.argv[1] + '.asleep', 'w').write(str(asleep))\n"
)
spinning = sys.argv[2] == "busy"

def spin():
    while spinning:
        pass

threading.Thread(target=spin, daemon=True).start()
process = har_process.ReadingProcess(sys.argv[1], 200, 2000)
for message in process.messages():
    if message[0] == "batch":
        har_process.captures_of(message[1])
process.stop()
spinning = False
print(open(sys.argv[1] + ".asleep").read())
"""


def _python(code: str, *args: str) -> Any:
    """The last line a fresh interpreter running `code` on this checkout prints, as JSON."""
    done = subprocess.run(
        [sys.executable, "-c", code, *args], cwd=ROOT, capture_output=True, text=True, check=True
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


def run(quick: bool = False, rounds: int | None = None) -> list[Row]:
    rounds = rounds or (2 if quick else 5)
    count = 20_000 if quick else 100_000
    reading: list[float] = []
    parsing: list[float] = []
    per_batch: list[float] = []
    decoding: list[float] = []
    asleep: dict[str, list[float]] = {"busy": [], "idle": []}
    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory) / "reopen.har"
        write_har(path, count)
        for number in range(rounds):
            read, parse = _python(_READING, str(path))
            batch, decode, stored = _python(_APP, str(path))
            assert stored == count
            reading.append(read)
            parsing.append(parse)
            per_batch.append(batch)
            decoding.append(decode)
            if sys.platform == "linux":
                for mode in ("busy", "idle") if number % 2 else ("idle", "busy"):
                    asleep[mode].append(float(_python(_SLEEP, str(path), mode)))
            slept = " ".join(
                f"{mode} {values[-1]:.3f} s" for mode, values in asleep.items() if values
            )
            print(
                f"  round {number + 1}: reading {read:.3f} s (orjson alone {parse:.3f} s), app per "
                f"batch {batch * 1000:.2f} ms (decoding {decode * 1000:.2f} ms), reading process "
                f"asleep with the app {slept or 'not measured'}; load average "
                f"{os.getloadavg()[0]:.2f}",
                flush=True,
            )
    label = f"{count:,}"
    rows = [
        Row(
            f"--load {label}: reading process CPU",
            f"{median(reading):.3f} s",
            f"{median(parsing):.3f} s orjson alone",
            median(reading) / median(parsing),
            notes=[f"reopen parts: medians of {rounds} rounds, fresh processes, process_time"],
        ),
        Row(
            "--load: app CPU per batch of 2,000",
            f"{median(per_batch) * 1000:.2f} ms",
            f"{median(decoding) * 1000:.2f} ms decoding",
            median(per_batch) / median(decoding),
        ),
    ]
    if asleep["busy"]:
        rows.append(
            Row(
                f"--load {label}: reading process asleep, app busy",
                f"{median(asleep['busy']):.3f} s",
                f"{median(asleep['idle']):.3f} s app idle",
            )
        )
    return rows


if __name__ == "__main__":
    common.run_standalone(run)
