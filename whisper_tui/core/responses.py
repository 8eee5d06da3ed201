"""What whisper-tui answers senders: 200 by default, or failures on purpose.

Providers retry on 5xx and on timeouts; testing that path means answering badly on demand:
`--status 500`, `--delay 12`, or rules such as `--respond 'POST /hooks/stripe* 500'`. A rule may
also set headers and a body (`429 header=Retry-After:30`, `body=@answer.json`), sent exactly, to
exercise a sender's retry logic.
"""

from __future__ import annotations

import fnmatch
import functools
import json
import shlex
from dataclasses import dataclass, field
from pathlib import Path

from whisper_tui.core.models import is_token

MODES = ("normal", "fail", "slow", "gone", "throttle")
"""The answer modes the TUI cycles through with one key."""
FAIL_STATUS = 500
SLOW_DELAY = 15.0
GONE_STATUS = 410
"""Standard Webhooks (and Svix) disable an endpoint that answers 410 Gone."""
THROTTLE_STATUS = 429
RETRY_AFTER = 30
"""Seconds the throttle mode's Retry-After asks for."""

MODE_STATUS = {"fail": FAIL_STATUS, "gone": GONE_STATUS, "throttle": THROTTLE_STATUS}
"""The status each failing answer mode answers with."""

METHODS = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "TRACE", "CONNECT")
"""Methods a rule may name (RFC 9110 and PATCH); ANY (or *) matches every method."""

MAX_BODY_FILE = 8 * 1024 * 1024
"""Largest body=@file a rule may answer with (read once, at startup)."""

# aiohttp frames the answer itself; a rule's own framing headers would contradict it.
_FRAMING = frozenset({"content-length", "transfer-encoding", "connection"})


class RuleError(ValueError):
    """A --respond rule that can't be understood."""


@dataclass(frozen=True, slots=True)
class Answer:
    """What a sender gets: status, delay, extra headers, and a body (None: whisper-tui's ack)."""

    status: int
    delay: float = 0.0
    headers: tuple[tuple[str, str], ...] = ()
    body: bytes | None = None


@dataclass(frozen=True, slots=True)
class Rule:
    method: str
    """Upper-case method, or '*' for any."""
    path_glob: str
    status: int
    delay: float = 0.0
    headers: tuple[tuple[str, str], ...] = ()
    """Headers sent with the answer, in order, exactly as written."""
    body: bytes | None = None
    """The answer's body (None: whisper-tui's usual short JSON)."""
    body_source: str = ""
    """How the rule named its body ('@answer.json', or 'text'), for messages."""

    def matches(self, method: str, path: str) -> bool:
        return (self.method in ("*", method.upper())) and fnmatch.fnmatchcase(path, self.path_glob)

    def answer(self) -> Answer:
        return Answer(self.status, self.delay, self.headers, self.body)

    def text(self) -> str:
        delay = f" {self.delay:g}s" if self.delay else ""
        extras = "".join(f" header={name}:{value}" for name, value in self.headers)
        if self.body is not None:
            source = self.body_source if self.body_source.startswith("@") else "..."
            extras += f" body={source}"
        return f"{self.method} {self.path_glob} {self.status}{delay}{extras}"


def parse_rule(text: str, relative_to: Path | None = None) -> Rule:
    """'POST /hooks/stripe* 500', 'ANY /slow 200 12s' or
    'POST /hooks/* 429 header=Retry-After:30 body=@answer.json' -> Rule.

    `header=Name:Value` repeats; `body=@FILE` is read now (at startup), `body=TEXT` is the text
    as UTF-8. Shell-style quotes group words: `body='{"ok": false}'`. A relative FILE is found
    in `relative_to` (a config file's directory) when given, else in the working directory.
    """
    usage = "'METHOD PATH STATUS [DELAYs] [header=Name:Value ...] [body=@FILE|body=TEXT]'"
    try:
        parts = shlex.split(text)
    except ValueError as error:
        raise RuleError(f"rule {text!r}: {error}") from None
    if len(parts) < 3:
        raise RuleError(f"rule {text!r} should be {usage}")
    method, path, status_text = parts[:3]
    method = "*" if method.upper() in ("*", "ANY") else method.upper()
    if method != "*" and method not in METHODS:
        # A misspelt method would make a rule that silently never matches.
        raise RuleError(
            f"rule {text!r}: unknown method {parts[0]!r}; use {', '.join(METHODS)} or ANY"
        )
    if not path.startswith("/"):
        raise RuleError(f"rule {text!r}: the path must start with / (globs like /hooks/* work)")
    status = parse_status(status_text)
    delay = 0.0
    headers: list[tuple[str, str]] = []
    body: bytes | None = None
    body_source = ""
    for position, part in enumerate(parts[3:]):
        key, sep, value = part.partition("=")
        if sep and key.lower() == "header":
            headers.append(_parse_header(text, value))
        elif sep and key.lower() == "body":
            if body is not None:
                raise RuleError(f"rule {text!r}: give body= once")
            body, body_source = _read_body(text, value, relative_to), value
        elif position == 0 and not sep:
            delay = parse_delay(part)
        else:
            raise RuleError(f"rule {text!r}: {part!r} is not understood; write {usage}")
    return Rule(method, path, status, delay, tuple(headers), body, body_source)


def _parse_header(rule: str, text: str) -> tuple[str, str]:
    """'Retry-After:30' -> ('Retry-After', '30'); framing headers are aiohttp's to write."""
    name, sep, value = text.partition(":")
    name, value = name.strip(), value.strip()
    if not sep or not is_token(name):
        raise RuleError(f"rule {rule!r}: header={text!r} should be header=Name:Value")
    if any((ord(char) < 32 and char != "\t") or ord(char) == 127 for char in value):
        raise RuleError(f"rule {rule!r}: header {name} has a control character in its value")
    if name.lower() in _FRAMING:
        raise RuleError(f"rule {rule!r}: {name} is set by the server, not by a rule")
    return name, value


def _read_body(rule: str, value: str, relative_to: Path | None) -> bytes:
    """body=@FILE -> the file's bytes (read once, now); body=TEXT -> the text as UTF-8."""
    if not value.startswith("@"):
        return value.encode("utf-8")
    path = Path(value[1:]).expanduser()
    if relative_to is not None:
        path = relative_to / path  # an absolute path stays itself
    try:
        size = path.stat().st_size
        if size > MAX_BODY_FILE:
            raise RuleError(
                f"rule {rule!r}: body file {str(path)!r} is {size:,} bytes; "
                f"at most {MAX_BODY_FILE:,} are answered"
            )
        return path.read_bytes()
    except OSError as error:
        reason = error.strerror or type(error).__name__
        raise RuleError(f"rule {rule!r}: cannot read body file {str(path)!r}: {reason}") from None


def parse_status(text: str) -> int:
    """'503' -> 503; informational (1xx) codes can't answer a request."""
    try:
        status = int(text)
    except ValueError:
        raise RuleError(f"not an HTTP status: {text!r}") from None
    if not 100 <= status <= 599 or 100 <= status < 200:
        raise RuleError(f"status must be 200-599, got {status}")
    return status


def parse_delay(text: str) -> float:
    """'12', '12s' or '2.5s' -> seconds, at most an hour."""
    try:
        delay = float(text.lower().removesuffix("s"))
    except ValueError:
        raise RuleError(f"not a delay in seconds: {text!r}") from None
    if not 0 <= delay <= 3600:
        raise RuleError(f"delay must be 0-3600 seconds, got {text!r}")
    return delay


def guessed_content_type(body: bytes) -> str:
    """A Content-Type for a rule's body that names none: JSON, text, or plain bytes."""
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        return "application/octet-stream"
    try:
        json.loads(text)
    except ValueError:
        return "text/plain; charset=utf-8"
    return "application/json"


@functools.lru_cache(maxsize=64)
def _plain_answer(status: int, delay: float) -> Answer:
    # Answers are frozen, so one per (status, delay) serves every capture: building a frozen
    # dataclass costs about a microsecond on the server's hot path.
    return Answer(status, delay)


@dataclass(slots=True)
class ResponsePolicy:
    """Decides each answer: the TUI mode first, then rules, then defaults."""

    status: int = 200
    delay: float = 0.0
    rules: list[Rule] = field(default_factory=list)
    mode: str = "normal"

    @property
    def uses_path(self) -> bool:
        """Whether answer() looks at the path (only rules do, and only in normal mode)."""
        return self.mode == "normal" and bool(self.rules)

    def answer(self, method: str, path: str) -> Answer:
        """The answer a request gets."""
        if self.mode == "normal" and not self.rules:
            return _plain_answer(self.status, self.delay)  # every capture, unless configured
        if self.mode == "slow":
            return Answer(self.status, SLOW_DELAY)
        if self.mode == "throttle":
            return Answer(THROTTLE_STATUS, headers=(("Retry-After", str(RETRY_AFTER)),))
        if self.mode in MODE_STATUS:
            return Answer(MODE_STATUS[self.mode])
        for rule in self.rules:
            if rule.matches(method, path):
                return rule.answer()
        return _plain_answer(self.status, self.delay)

    def decide(self, method: str, path: str) -> tuple[int, float]:
        """(status, delay) of the answer a request gets."""
        answer = self.answer(method, path)
        return answer.status, answer.delay

    def cycle_mode(self) -> str:
        self.mode = MODES[(MODES.index(self.mode) + 1) % len(MODES)]
        return self.mode

    def describe(self) -> str:
        """Short text for the header bar."""
        if self.mode == "fail":
            return f"answering {FAIL_STATUS} to everything"
        if self.mode == "slow":
            return f"answering after {SLOW_DELAY:g} s"
        if self.mode == "gone":
            return f"answering {GONE_STATUS} Gone to everything"
        if self.mode == "throttle":
            return f"answering {THROTTLE_STATUS} Retry-After: {RETRY_AFTER} to everything"
        parts = []
        if self.status != 200 or self.delay:
            parts.append(
                f"answering {self.status}" + (f" after {self.delay:g} s" if self.delay else "")
            )
        if self.rules:
            parts.append(f"{len(self.rules)} rule{'s' if len(self.rules) != 1 else ''}")
        return ", ".join(parts) or "answering 200"

    def describe_short(self) -> str:
        """describe() for a narrow bar: 'answering 429' (the toast said the rest)."""
        if self.mode == "gone":
            return f"answering {GONE_STATUS} Gone"
        if self.mode in MODE_STATUS:
            return f"answering {MODE_STATUS[self.mode]}"
        if self.mode == "slow":
            return f"answering after {SLOW_DELAY:g} s"
        return self.describe()
