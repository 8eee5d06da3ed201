"""What a diff produces: display rows, summary entries, folded runs, and the whole result."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import NamedTuple

VALUE_CAP = 200
"""Summary values are cut to this many characters."""

Opcode = tuple[str, int, int, int, int]
"""(tag, i1, i2, j1, j2) as difflib's get_opcodes: 'equal', 'replace', 'delete', 'insert'."""


class DiffRow(NamedTuple):
    """One display row: the older text on the left, the newer on the right.

    A named tuple, not a dataclass: a megabyte body makes tens of thousands of rows, and a
    tuple is built in C (rows.py maps tuple.__new__ over whole runs of equal lines).
    """

    kind: str
    """'equal', 'changed', 'deleted', 'inserted', or 'section' (a title row)."""
    left: str | None
    """Text on the left, None for a blank."""
    right: str | None
    left_number: int | None = None
    """1-based line number within the section, for display."""
    right_number: int | None = None
    section: str = ""
    """'request', 'headers' or 'body'."""
    volatile: bool = False
    """A header row whose values differ on every delivery (ids, signatures, dates)."""


@dataclass(frozen=True, slots=True)
class Change:
    """One summary entry: what changed at a JSON path, a header, or the request line."""

    path: str
    """'data.object.status', 'data.items[2].id', 'header X-Foo', 'request line', 'body'."""
    kind: str
    """'changed', 'added', 'removed', 'length' (an array's length), or 'lines' (a text body)."""
    before: str | None
    """Display text: a JSON literal, a quoted header value, or a count."""
    after: str | None
    volatile: bool = False
    """A header whose values differ on every delivery."""

    def text(self) -> str:
        """The entry as one line: 'data.object.status: "pending" -> "paid"'."""
        if self.kind == "added":
            return f"+ {self.path}: {self.after}"
        if self.kind == "removed":
            return f"- {self.path}: {self.before}"
        if self.kind == "length":
            return f"{self.path}: length {self.before} -> {self.after}"
        if self.kind == "lines":
            return f"{self.path}: -{self.before} +{self.after} lines"
        return f"{self.path}: {self.before} -> {self.after}"


@dataclass(frozen=True, slots=True)
class Folded:
    """Stands in for rows[start:end], a long run of equal rows; expand by slicing rows."""

    start: int
    end: int

    @property
    def count(self) -> int:
        return self.end - self.start


@dataclass
class RequestDiff:
    """Everything the diff view shows for two captures."""

    rows: Sequence[DiffRow]
    """Read like a list; equal runs are made into rows only when read (a rows.DiffRows, named
    here by what it reads as: rows.py builds on this module)."""
    changes: list[Change]
    """The summary: request line, headers, then JSON paths (or form keys, or line counts)."""
    change_rows: list[int]
    """Indices of rows that start a run of changes, for jumping between them."""
    identical: bool
    left_kind: str
    """Body view kinds, as in content.BodyView.kind."""
    right_kind: str
    notes: list[str] = field(default_factory=list)
    body_changes_from: int = 0
    """Where the body's entries start in `changes` (the request line's and headers' come
    first): the diff screen says the body's verdict before anything else."""
    body_differs: bool = False
    """The bodies' rows differ (after normalizing: JSON re-indented, keys sorted with `s`)."""


def cut_value(text: str) -> str:
    """A summary value cut to VALUE_CAP characters (an ellipsis marks the cut)."""
    return text if len(text) <= VALUE_CAP else text[: VALUE_CAP - 1] + "…"


def quote_value(value: str) -> str:
    """A header or form value as a JSON string, cut for the summary."""
    return cut_value(json.dumps(value, ensure_ascii=False))
