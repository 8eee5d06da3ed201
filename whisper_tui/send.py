"""`whisper-tui send FILE.har --to URL`: deliver recorded requests again, for scripts and CI.

Byte-exact by default (the stored method, body bytes and headers in order, path and query
appended to the URL as --forward does); `--set` edits a JSON field and `--sign` puts a fresh
signature on. A file cut short (or with a bad entry) is read as `--load` reads it: what comes
before the problem is sent, after one line on stderr saying where the file stopped.

Exit status: 0 when every answer matches --expect, 1 when any doesn't (or could not be sent),
2 for usage errors, 3 when every answer matched but the file was incomplete (so a script that
only checks for 0 notices, and one that cares can tell it from a failed send), 141 when
stdout's reader left (`| head -n2`): sending stops there, quietly, as for any Unix tool;
130 (128 + SIGINT) when Ctrl+C stopped it, after one line saying what was sent.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import signal
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import NoReturn, TextIO

from whisper_tui.core.contentviews.decoding import content_codings
from whisper_tui.core.filter_match import compile_filter
from whisper_tui.core.filter_terms import FilterError
from whisper_tui.core.har_reader import HarError, HarReader
from whisper_tui.core.json_edits import JsonEdit, edited_body, parse_set
from whisper_tui.core.models import Attempt, CapturedRequest
from whisper_tui.core.redaction import Redactor, shown_url
from whisper_tui.core.replay import Sender
from whisper_tui.core.sanitize import printable
from whisper_tui.core.signatures import (
    SignatureSettings,
    detect_schemes,
    get_scheme,
    parse_secret_arg,
    sign,
)
from whisper_tui.core.targets import target_url, validate_target
from whisper_tui.core.verdicts import Verdicts
from whisper_tui.reader_gone import READER_GONE, write_through
from whisper_tui.stopping import EXIT_INTERRUPTED, on_stop_signals

EXIT_OK, EXIT_MISMATCH, EXIT_USAGE, EXIT_INCOMPLETE = 0, 1, 2, 3
PROGRESS_EVERY = 100
"""Files with more entries than this report progress on stderr every so many sends."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        self.exit(EXIT_USAGE, f"whisper-tui send: error: {message} (see whisper-tui send --help)\n")


@dataclass(frozen=True, slots=True)
class Expectation:
    """Which statuses count as success: '2xx', '200', '200,202,4xx'."""

    text: str
    classes: frozenset[int]
    exact: frozenset[int]

    def accepts(self, status: int | None) -> bool:
        return status is not None and (status in self.exact or status // 100 in self.classes)


def parse_expect(text: str) -> Expectation:
    classes: set[int] = set()
    exact: set[int] = set()
    for part in (p.strip().lower() for p in text.split(",")):
        if len(part) == 3 and part[0] in "12345" and part[1:] == "xx":
            classes.add(int(part[0]))
        elif part.isdigit() and 100 <= int(part) <= 599:
            exact.add(int(part))
        else:
            raise ValueError(f"--expect {text!r}: use statuses or classes like 2xx, 200,202, 4xx")
    return Expectation(text, frozenset(classes), frozenset(exact))


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="whisper-tui send",
        description="Send the requests recorded in a HAR file (ours or a browser's) to a URL.",
        epilog="example: whisper-tui send deliveries.har --to http://127.0.0.1:3000 "
        "--only 'header:x-github-event=push' --sign github=$SECRET. "
        f"Exit status: {EXIT_OK} every answer matched --expect; {EXIT_MISMATCH} any did not "
        f"(or could not be sent, or no entry matched --only); {EXIT_USAGE} a usage error "
        f"(a bad flag, a file that can't be read or is no HAR); {EXIT_INCOMPLETE} the file "
        "was incomplete (cut short, a bad entry) and every answer from what it held "
        "matched; 130 stopped by Ctrl-C (after a line saying what was sent); 141 stdout's "
        "reader left (| head).",
    )
    parser.add_argument("har", metavar="FILE.har", help="recorded deliveries")
    parser.add_argument(
        "--to",
        required=True,
        metavar="URL",
        help="where to send; each request's path and query are appended (as --forward does)",
    )
    parser.add_argument(
        "--only",
        default="",
        metavar="QUERY",
        help="send only matching entries (the TUI's / filter; sig: checks with the --sign secrets)",
    )
    parser.add_argument(
        "--sign",
        action="append",
        default=[],
        metavar="SCHEME=SECRET",
        help="put a fresh signature (and timestamp) of SCHEME on every request; repeatable",
    )
    parser.add_argument(
        "--set",
        action="append",
        default=[],
        metavar="JSON.PATH=VALUE",
        help="edit a JSON body field (VALUE is JSON, or else a string), e.g. "
        "data.object.amount=4200; repeatable; combine with --sign to re-sign. PATH and "
        'VALUE are UTF-8 text; a lone surrogate is given as a JSON escape ("\\ud800") '
        "and sent as one",
    )
    parser.add_argument(
        "--delay", type=float, default=0.0, metavar="S", help="seconds between sends"
    )
    parser.add_argument(
        "--expect", default="2xx", metavar="STATUSES", help="what counts as success (2xx)"
    )
    parser.add_argument("--json", action="store_true", help="JSON lines instead of text")
    parser.add_argument(
        "--timeout", type=float, default=10.0, metavar="S", help="seconds per request (10)"
    )
    return parser


@dataclass(frozen=True, slots=True)
class Plan:
    """What to send and how, checked before anything goes out."""

    captures: list[CapturedRequest]
    to: str
    secrets: dict[str, str]
    edits: list[JsonEdit]
    delay: float
    expect: Expectation
    as_json: bool
    timeout: float
    problem: str | None = None
    """Why the file was not read to its end (cut short, a bad entry), in one line, or None."""
    numbers: list[int] | None = None
    """Each capture's entry number in the file (from 1; skipped entries counted), which its
    line shows; None: numbered as sent."""
    entries_read: int = 0
    """Captures read from the file, before --only."""


def read_numbered(path: str) -> tuple[list[tuple[int, CapturedRequest]], str | None]:
    """The file's captures with their entry numbers (from 1, as a person counts the file's
    entries: an entry skipped as no request keeps its number), and the reading's problem."""
    with open(path, "rb") as source:
        reader = HarReader(source)
        captures = list(reader.captures())
    skipped, numbered, index = set(reader.skipped), [], 0
    for capture in captures:
        while index in skipped:
            index += 1
        index += 1
        numbered.append((index, capture))
    return numbered, reader.problem


def make_plan(argv: Sequence[str]) -> Plan:
    parser = build_parser()
    args = parser.parse_args(argv)
    problem = validate_target(args.to)
    if problem:
        parser.error(f"--to {args.to!r}: {problem}")
    try:
        expect = parse_expect(args.expect)
        edits = [parse_set(text) for text in args.set]
        secrets: dict[str, str] = {}
        for text in args.sign:
            try:
                scheme, secret = parse_secret_arg(text)
            except ValueError as error:  # its text is not echoed: it may be a bare secret
                raise ValueError(f"--sign: {error}") from None
            if get_scheme(scheme).sign is None:
                raise ValueError(f"--sign {scheme}: requests of this scheme can't be signed")
            if scheme in secrets:
                # whisper-tui verifies with several secrets; a delivery is signed with one.
                raise ValueError(f"--sign {scheme} given twice; requests are signed with one")
            secrets[scheme] = secret
        # sig: judges with the --sign secrets: the only ones send is given.
        checking = Verdicts(SignatureSettings(secrets=secrets))
        predicate = compile_filter(args.only, verdicts=checking)
    except (ValueError, FilterError) as error:
        parser.error(str(error))
    # Each flag named on its own: one message for both left the user to guess which.
    if args.delay < 0:
        parser.error(f"--delay {args.delay:g}: must be 0 or more (seconds between sends)")
    if args.timeout <= 0:
        parser.error(f"--timeout {args.timeout:g}: must be more than 0 (seconds per request)")
    try:
        everything, problem = read_numbered(args.har)
    except (OSError, HarError) as error:
        reason = error.strerror if isinstance(error, OSError) and error.strerror else str(error)
        parser.error(f"cannot load {args.har}: {reason}")
    chosen = [(number, c) for number, c in everything if predicate(c)]
    problem = problem and f"{args.har}: {problem}"
    return Plan(
        [c for _, c in chosen],
        args.to,
        secrets,
        edits,
        args.delay,
        expect,
        args.json,
        args.timeout,
        problem,
        numbers=[number for number, _ in chosen],
        entries_read=len(everything),
    )


def prepared(
    capture: CapturedRequest, plan: Plan
) -> tuple[list[tuple[str, str]] | None, bytes | None, list[str]]:
    """(headers, body, notes) to send instead of the stored ones; Nones mean 'as stored'."""
    notes: list[str] = []
    body: bytes | None = None
    headers: list[tuple[str, str]] | None = None
    if plan.edits:
        body = edited_body(capture, plan.edits)
        codings = content_codings(capture.header_values("content-encoding"))
        again = f" (re-encoded with {', '.join(codings)})" if codings else ""  # as R says it
        notes.append(f"edited {', '.join('.'.join(e.path) for e in plan.edits)}{again}")
    for scheme, secret in plan.secrets.items():
        url = target_url(plan.to, capture.target)
        headers = sign(
            capture.body if body is None else body,
            scheme,
            secret,
            capture.headers if headers is None else headers,
            url=url,
        )
        notes.append(f"signed ({scheme})")
    if body is not None and not plan.secrets and detect_schemes(capture):
        notes.append("body edited but not re-signed: pass --sign SCHEME=SECRET")
    return headers, body, notes


def text_line(
    index: int,
    capture: CapturedRequest,
    attempt: Attempt,
    ok: bool,
    entry: int | None = None,
    redactor: Redactor | None = None,
) -> str:
    """'ok  #13 200 3.1 ms POST URL': #13 is the entry's number in the file (with --only the
    sends' positions 1, 2... named nothing the user could find). `redactor` masks the --sign
    secrets in its text (the URL, the notes, an error), never in its numbers."""
    mask = redactor.redact if redactor else (lambda text: text)
    mark = "ok  " if ok else "FAIL"
    if attempt.error:
        outcome = f"ERR {printable(mask(attempt.error))}"
    else:
        latency = f"{(attempt.latency or 0) * 1000:.1f} ms"
        outcome = f"{attempt.status} {latency}"
    url = printable(mask(shown_url(attempt.target_url)))  # a --to URL's password masked
    number = index if entry is None else entry
    line = f"{mark} #{number} {outcome} {printable(mask(capture.method))} {url}"
    if attempt.notes:
        line += f" ({printable(mask('; '.join(attempt.notes)))})"
    return line


def json_record(
    index: int,
    capture: CapturedRequest,
    attempt: Attempt,
    ok: bool,
    entry: int | None = None,
    redactor: Redactor | None = None,
) -> str:
    """One send as a JSON line; `redactor` masks the --sign secrets in its string values
    (never its keys or numbers: the line stays valid JSON)."""
    record: dict[str, object] = {
        "index": index,
        "entry": index if entry is None else entry,
        "capture": capture.id,
        "method": capture.method,
        "url": shown_url(attempt.target_url),
        "status": attempt.status,
        "latency_ms": None if attempt.latency is None else round(attempt.latency * 1000, 3),
        "error": attempt.error,
        "ok": ok,
        "notes": attempt.notes,
    }
    if redactor:
        redactor.redact_record(record)
    return json.dumps(record, ensure_ascii=True, separators=(",", ":"))


async def send_all(plan: Plan, out: TextIO, err: TextIO) -> int:
    sender = Sender(timeout=plan.timeout)
    # The --sign secrets, and --to's password, never in a line (README "Secrets in output").
    redactor = Redactor(plan.secrets.values(), [plan.to])
    failures = done = 0
    in_flight = False
    total = len(plan.captures)
    started = time.monotonic()
    # Ctrl+C stops the sends (a delay or a send in flight cut short) and says what was done,
    # where Python's own handling printed a traceback and no summary.
    task = asyncio.current_task()
    interrupted: list[bool] = []

    def interrupt() -> None:
        if task is not None and not interrupted:
            interrupted.append(True)
            task.cancel()

    remove_handler = on_stop_signals(interrupt, (signal.SIGINT,))
    try:
        for index, capture in enumerate(plan.captures, start=1):
            if index > 1 and plan.delay:
                await asyncio.sleep(plan.delay)
            try:
                headers, body, notes = prepared(capture, plan)
            except ValueError as error:
                # What prepared() says in words: a --set that doesn't fit (SetError) or a
                # signature that can't be made (sign's one-line ValueError). Anything else is
                # a bug, to be seen as one rather than as a delivery 'not sent'.
                attempt = Attempt(target_url=target_url(plan.to, capture.target), started_at=0)
                attempt.error = f"not sent: {error}"
                notes = []
            else:
                in_flight = True  # until its answer: a stop now may or may not have reached it
                attempt = await sender.send(
                    capture,
                    plan.to,
                    kind="replay",
                    headers=headers,
                    body=body,
                )
            in_flight = False
            attempt.notes[:0] = notes
            ok = attempt.error is None and plan.expect.accepts(attempt.status)
            failures += not ok
            line = json_record if plan.as_json else text_line
            entry = plan.numbers[index - 1] if plan.numbers else index
            if not write_through(out, line(index, capture, attempt, ok, entry, redactor) + "\n"):
                # The reader left (`| head -n2`): stop sending, quietly, as `yes | head` stops.
                return READER_GONE
            done = index
            if total > PROGRESS_EVERY and index % PROGRESS_EVERY == 0:
                elapsed = time.monotonic() - started
                write_through(
                    err, f"whisper-tui send: {index:,}/{total:,} sent in {elapsed:.1f} s\n"
                )
    except asyncio.CancelledError:
        if not interrupted:
            raise
    finally:
        remove_handler()
        await sender.close()
    if interrupted:
        answered = f"{done - failures:,} of {done:,} sent answered {plan.expect.text}"
        entry = plan.numbers[done] if plan.numbers else done + 1  # as its line would say
        cut = f"#{entry} cut short before its answer, " if in_flight else ""
        left = f"{total - done - in_flight:,} of {total:,} not sent"
        write_through(err, f"whisper-tui send: {answered}; stopped by Ctrl-C, {cut}{left}\n")
        return EXIT_INTERRUPTED
    if not plan.as_json:
        answered = f"{total - failures:,} of {total:,} answered {plan.expect.text}"
        incomplete = " (the file was incomplete: see above)" if plan.problem else ""
        write_through(err, f"whisper-tui send: {answered}{incomplete}\n")
    return exit_status(plan, failures)


def exit_status(plan: Plan, failures: int) -> int:
    """A failed send outranks an incomplete file: the one line above already says the latter."""
    if failures:
        return EXIT_MISMATCH
    return EXIT_INCOMPLETE if plan.problem else EXIT_OK


def main(argv: Sequence[str]) -> int:
    plan = make_plan(argv)
    if plan.problem:
        # The line --load shows, before any send: whoever reads the output knows it is short.
        print(f"whisper-tui send: {plan.problem}", file=sys.stderr)
    if not plan.captures:
        # Say why: --only matched none, or the file held no whole entry (cut inside its
        # first) or none at all; 'no entries match' without an --only puzzled.
        if plan.entries_read:
            why = "no entries match --only"
        else:
            why = "no whole entry in the file" if plan.problem else "the file holds no entries"
        print(f"whisper-tui send: nothing to send ({why})", file=sys.stderr)
        return EXIT_INCOMPLETE if plan.problem else EXIT_MISMATCH
    return asyncio.run(send_all(plan, sys.stdout, sys.stderr))
