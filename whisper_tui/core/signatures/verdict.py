"""A verdict: what checking one scheme's signature on one request concluded, and its wording."""

from __future__ import annotations

import re
from dataclasses import dataclass

STATUS_WORDS = {"verified": "verified", "failed": "failed", "no-secret": "not checked"}
"""What a person reads for each status: the detail, headless lines and the README say 'not
checked (stripe)'. 'no-secret' is the status scripts read (headless --json's `signatures`),
kept as it is documented; the filter names the state `sig:unchecked` (one word), and takes
`sig:no-secret` for it too (core/filter_signatures.py)."""

SHORT_REASON = 100
"""Characters of a reason a one-line log keeps (Verdict.short_reason)."""

GIST = 40
"""Characters of a reason's gist (Verdict.gist): two of them and a scheme fit about 80 columns."""

_GIST_CUTS = (
    re.compile(r" \((?:tried|with the|\d+ \w+ secrets tried).*$"),  # which candidates, secrets
    re.compile(r" for URL .*$"),  # Twilio's URL and algorithm
)
_IN_HEADER = re.compile(r" in \S+ matched$")  # 'no v1 entry in webhook-signature matched'


@dataclass(frozen=True, slots=True)
class Verdict:
    """What checking one scheme's signature on one request concluded."""

    scheme: str
    status: str
    """'verified', 'failed' or 'no-secret'."""
    reason: str
    """Human-readable and specific; '' when verified with a scheme's only secret, else which
    of its secrets verified ('with the 2nd of 3 stripe secrets'). Never shows a secret."""
    mac_valid: bool | None
    """True when the MAC matched (even if the timestamp is stale), None when not computed."""
    skew_seconds: float | None = None
    """now - signed timestamp (positive: signed in the past), for schemes that sign one."""
    secret_position: int | None = None
    """With several secrets for the scheme: which one (1 = the first given) verified, or
    whose failure the reason explains; None with one secret (or none)."""
    secrets_tried: int = 0
    """How many of the scheme's secrets were tried: 1 with one, those up to the one that
    verified (or all of them) with several; 0 when none was (no secret, a body not kept)."""

    @property
    def ok(self) -> bool:
        return self.status == "verified"

    @property
    def word(self) -> str:
        """The status as shown: 'verified', 'failed' or 'not checked' (STATUS_WORDS)."""
        return STATUS_WORDS.get(self.status, self.status)

    def short_reason(self) -> str:
        """The reason's first clause on one line, at most SHORT_REASON characters: what a
        log line that holds everything else about the capture has room for. A reason's later
        clauses are hints (the full text is in the detail and in headless --json)."""
        first = " ".join(self.reason.split("; ", 1)[0].split())
        if len(first) > SHORT_REASON:
            # Cut between words ('the h…' read as nothing); a word longer than the room (a
            # quoted header value) is cut where it must be.
            cut = first[: SHORT_REASON - 1]
            at_space = cut.rfind(" ")
            first = (cut[:at_space] if at_space > SHORT_REASON // 2 else cut) + "…"
        return first

    def gist(self) -> str:
        """Why, in a few words, for a line that compares two verdicts (the diff's summary):
        'MAC valid, timestamp too old', 'no v1 entry matched', 'X-Hub-Signature-256 does not
        match'. A stale timestamp's age changes from one capture to the next while the reason
        stays the same, so the age is left out; so are the candidates tried. '' when verified
        with a scheme's only secret."""
        if self.status == "failed" and self.mac_valid:
            if "not UTF-8" in self.reason:
                return "MAC valid, body not UTF-8"
            if self.skew_seconds is not None:
                late = "too old" if self.skew_seconds >= 0 else "in the future"
                return f"MAC valid, timestamp {late}"
        first = " ".join(self.reason.split("; ", 1)[0].split())
        for cut in _GIST_CUTS:
            first = cut.sub("", first)
        first = _IN_HEADER.sub(" matched", first)
        if len(first) > GIST:
            cut_at = first[: GIST - 1].rfind(" ")
            first = first[: cut_at if cut_at > GIST // 2 else GIST - 1] + "…"
        return first

    def line(self) -> str:
        """One line for logs and the detail pane, e.g. 'signature: verified (github)'."""
        head = f"signature: {self.word} ({self.scheme})"
        return f"{head}: {self.reason}" if self.reason else head


def describe_age(skew: float) -> str:
    """'2y 3d old' or '4m 10s in the future' for a signed-timestamp skew."""
    return f"{format_duration(skew)} {'old' if skew >= 0 else 'in the future'}"


def format_duration(seconds: float) -> str:
    """Two largest units of a duration, e.g. '2y 3d', '5m 12s', '42s'."""
    remaining = int(abs(seconds))
    units = (("y", 365 * 86400), ("d", 86400), ("h", 3600), ("m", 60), ("s", 1))
    parts: list[str] = []
    for suffix, size in units:
        count, remaining = divmod(remaining, size)
        if count or parts:
            parts.append(f"{count}{suffix}")
        if len(parts) == 2:
            break
    if not parts:
        return "0s"
    # '3d 0h' reads worse than '3d'.
    return " ".join(p for i, p in enumerate(parts) if i == 0 or not p.startswith("0"))
