"""What whisper-tui answers senders: 200 by default, or failures on purpose.

Providers retry on 5xx and on timeouts; testing that path means answering badly on demand:
`--status 500`, `--delay 12`, or rules such as `--respond 'POST /hooks/stripe* 500'`.
"""

from __future__ import annotations

import fnmatch
from dataclasses import dataclass, field

MODES = ("normal", "fail", "slow")
"""The answer modes the TUI cycles through with one key."""
FAIL_STATUS = 500
SLOW_DELAY = 15.0


METHODS = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "TRACE", "CONNECT")
"""Methods a rule may name (RFC 9110 and PATCH); ANY (or *) matches every method."""


class RuleError(ValueError):
    """A --respond rule that can't be understood."""


@dataclass(frozen=True, slots=True)
class Rule:
    method: str
    """Upper-case method, or '*' for any."""
    path_glob: str
    status: int
    delay: float = 0.0

    def matches(self, method: str, path: str) -> bool:
        return (self.method in ("*", method.upper())) and fnmatch.fnmatchcase(path, self.path_glob)

    def text(self) -> str:
        delay = f" {self.delay:g}s" if self.delay else ""
        return f"{self.method} {self.path_glob} {self.status}{delay}"


def parse_rule(text: str) -> Rule:
    """'POST /hooks/stripe* 500' or 'ANY /slow 200 12s' -> Rule."""
    parts = text.split()
    if len(parts) not in (3, 4):
        raise RuleError(f"rule {text!r} should be 'METHOD PATH STATUS [DELAYs]'")
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
    delay = parse_delay(parts[3]) if len(parts) == 4 else 0.0
    return Rule(method, path, status, delay)


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


@dataclass(slots=True)
class ResponsePolicy:
    """Decides status and delay per request: the TUI mode first, then rules, then defaults."""

    status: int = 200
    delay: float = 0.0
    rules: list[Rule] = field(default_factory=list)
    mode: str = "normal"

    @property
    def uses_path(self) -> bool:
        """Whether decide() looks at the path (only rules do, and only in normal mode)."""
        return self.mode == "normal" and bool(self.rules)

    def decide(self, method: str, path: str) -> tuple[int, float]:
        if self.mode == "fail":
            return FAIL_STATUS, 0.0
        if self.mode == "slow":
            return self.status, SLOW_DELAY
        for rule in self.rules:
            if rule.matches(method, path):
                return rule.status, rule.delay
        return self.status, self.delay

    def cycle_mode(self) -> str:
        self.mode = MODES[(MODES.index(self.mode) + 1) % len(MODES)]
        return self.mode

    def describe(self) -> str:
        """Short text for the header bar."""
        if self.mode == "fail":
            return f"answering {FAIL_STATUS} to everything"
        if self.mode == "slow":
            return f"answering after {SLOW_DELAY:g} s"
        parts = []
        if self.status != 200 or self.delay:
            parts.append(
                f"answering {self.status}" + (f" after {self.delay:g} s" if self.delay else "")
            )
        if self.rules:
            parts.append(f"{len(self.rules)} rule{'s' if len(self.rules) != 1 else ''}")
        return ", ".join(parts) or "answering 200"
