"""Every key the app answers, in one table: the help screen and the README are built from it."""

from __future__ import annotations

KEYS: list[tuple[str, str, str]] = [
    # (context, keys, what it does)
    ("Anywhere", "?", "this help"),
    ("Anywhere", "q / Ctrl+C", "quit"),
    ("Anywhere", "Tab / Shift+Tab", "switch between the list and the detail"),
    ("Anywhere", "Ctrl+P", "command palette (every action by name)"),
    ("Anywhere", "/", "filter: words, method:POST path:/hooks/* header:name=value status:413"),
    ("Anywhere", "Esc", "clear the filter"),
    ("Anywhere", "r", "replay the selected capture (to --forward URL, or asked once)"),
    ("Anywhere", "R", "edit, then replay: method, URL, headers, body; re-sign if a secret is set"),
    ("Anywhere", "e", "export: curl, HTTPie, raw HTTP, JSON, HAR; copy (OSC 52) or save"),
    ("Anywhere", "a", "cycle the answer senders get: normal / 500 / slow (15 s)"),
    ("List", "m / M", "mark or unmark the selected capture / clear every mark"),
    (
        "List",
        "d",
        "diff the marked capture with this one (none marked: the previous delivery"
        " to the same method and path)",
    ),
    ("List", "↑ ↓ / k j", "previous / next capture"),
    ("List", "Home End / g G", "first / newest capture (End resumes following new arrivals)"),
    ("List", "PgUp PgDn", "a page up / down"),
    ("Detail", "↑ ↓ / k j", "scroll a line"),
    ("Detail", "← → / h l", "scroll sideways (long body lines)"),
    ("Detail", "Home End / g G", "top / bottom of the request"),
    ("Detail", "PgUp PgDn", "a page up / down"),
    ("Diff", "n / p", "next / previous change"),
    ("Diff", "Enter", "expand the folded equal lines under the cursor"),
    ("Diff", "s", "sort JSON keys (reordered objects compare equal)"),
    ("Diff", "v", "hide / show headers that differ on every delivery (ids, signatures, dates)"),
    ("Diff", "Esc", "back to the list"),
]
