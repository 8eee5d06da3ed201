"""Everything the command line decides, as one plain object.

The field defaults here are the options' defaults: whisper_tui/option_types.py reads them, so a
default is written once. That table says which flag and config key fill each field.
"""

from __future__ import annotations

from dataclasses import dataclass

from whisper_tui.core.responses import ResponsePolicy, Rule
from whisper_tui.core.store import DEFAULT_MAX_BYTES, DEFAULT_MAX_REQUESTS
from whisper_tui.core.tunnels.registry import TunnelSpec

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8080
DEFAULT_MAX_BODY = 32 * 1024 * 1024


@dataclass(frozen=True, slots=True)
class Settings:
    """The settings the app runs with: flags over the config file over these defaults."""

    host: str = DEFAULT_HOST
    port: int = DEFAULT_PORT
    max_body: int = DEFAULT_MAX_BODY
    max_requests: int = DEFAULT_MAX_REQUESTS
    max_bytes: int = DEFAULT_MAX_BYTES
    secrets: tuple[tuple[str, str], ...] = ()
    """(scheme, secret) pairs for signature verification; never shown or exported."""
    tolerances: tuple[tuple[str, float], ...] = ()
    """--tolerance values as (scheme, seconds); scheme '' means every scheme. Without one, each
    scheme uses its provider SDK's default (core/signatures); a scheme's own entry wins."""
    public_url: str | None = None
    """The public base URL senders post to (Twilio signs the full URL)."""
    tunnel: TunnelSpec | None = None
    """--tunnel: a public URL through ssh, ngrok or cloudflared (used unless public_url is set)."""
    answer_status: int = 200
    answer_delay: float = 0.0
    rules: tuple[Rule, ...] = ()
    """--respond rules, tried in order before the default answer."""
    forward_url: str | None = None
    """Every capture is also sent here live (path and query appended)."""
    relay_response: bool = False
    """Answer senders with the forward target's answer (502 when it fails)."""
    save_path: str | None = None
    load_paths: tuple[str, ...] = ()
    """--load files, loaded in the order given."""
    headless: bool = False
    json_lines: bool = False
    theme: str | None = None
    """Textual theme from the config file (the app writes it back when the user picks one)."""
    wrap: bool = False
    """Wrap the body's long lines in the detail (header values always wrap; the app writes it
    back when the user presses w)."""
    keymap: tuple[tuple[str, str], ...] = ()
    """(binding id, keys) pairs from the config file's [keymap]."""
    loop: str = "auto"
    """--loop: 'auto' (uvloop when installed), 'asyncio' or 'uvloop' (whisper_tui/loops.py)."""
    config_file: str | None = None

    def response_policy(self) -> ResponsePolicy:
        """A fresh answer policy from --status, --delay and the --respond rules."""
        return ResponsePolicy(self.answer_status, self.answer_delay, list(self.rules))

    def __repr__(self) -> str:
        # Secrets must not leak into tracebacks or logs through a repr.
        shown = ", ".join(f"{scheme}=***" for scheme, _ in self.secrets)
        return f"Settings(host={self.host!r}, port={self.port}, secrets=[{shown}])"

    @property
    def is_loopback(self) -> bool:
        """Whether only this machine can reach the listening address."""
        return self.host in ("127.0.0.1", "::1", "localhost") or self.host.startswith("127.")
