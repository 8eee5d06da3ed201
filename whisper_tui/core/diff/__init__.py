"""Compare two captures side by side: request line, headers and body, plus a change summary.

Bodies are normalized before comparing (JSON re-indented, forms one pair a line, XML
indented, binary as a hex dump: the detail's own views) so the diff shows what changed,
not how it was written. Modules by concern:

- myers: the line diff (Myers' O(ND), patience anchors past a work budget);
- inline: character and word emphasis inside a changed row pair, on demand;
- json_changes: the structural JSON summary; headers: volatile headers and name/value
  summaries; bodies: the comparable lines of a body (indented_json: JSON's lines made by
  orjson where they are the line regex's exactly); rows: display rows from opcodes, kept
  as DiffRows (a run of equal lines made into rows only when read);
- folding: long equal runs folded; request_diff: diff_requests, putting it together;
- answers: diff_answers, two answers (status line, headers, body) by the same code.
"""

from whisper_tui.core.contentviews.json_lines import pretty_json_lines
from whisper_tui.core.diff.answers import diff_answers
from whisper_tui.core.diff.folding import fold
from whisper_tui.core.diff.headers import VOLATILE_HEADERS, is_volatile_header, pair_changes
from whisper_tui.core.diff.inline import INLINE_CAP, WORD_BACKOFF, Spans, inline_changes
from whisper_tui.core.diff.json_changes import (
    ARRAY_ALIGN_CAP,
    MAX_CHANGES,
    MAX_JSON_DEPTH,
    json_changes,
)
from whisper_tui.core.diff.models import VALUE_CAP, Change, DiffRow, Folded, Opcode, RequestDiff
from whisper_tui.core.diff.myers import BISECT_MAX_D, DIFF_WORK_BUDGET, diff_lines
from whisper_tui.core.diff.request_diff import diff_requests
from whisper_tui.core.diff.rows import DiffRows

__all__ = [
    "ARRAY_ALIGN_CAP",
    "BISECT_MAX_D",
    "DIFF_WORK_BUDGET",
    "INLINE_CAP",
    "MAX_CHANGES",
    "MAX_JSON_DEPTH",
    "VALUE_CAP",
    "VOLATILE_HEADERS",
    "WORD_BACKOFF",
    "Change",
    "DiffRow",
    "DiffRows",
    "Folded",
    "Opcode",
    "RequestDiff",
    "Spans",
    "diff_answers",
    "diff_lines",
    "diff_requests",
    "fold",
    "inline_changes",
    "is_volatile_header",
    "json_changes",
    "pair_changes",
    "pretty_json_lines",
]
