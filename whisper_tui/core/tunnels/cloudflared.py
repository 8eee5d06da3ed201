"""`--tunnel cloudflared`: a Cloudflare quick tunnel (`cloudflared tunnel --url ...`).

cloudflared logs (on stderr, zerolog's console format: time, INF, message) an ASCII box
announcing the URL, built in cmd/cloudflared/tunnel/quick_tunnel.go (`AsciiBox`); its lines:

    2024-05-01T10:00:00Z INF +------------------ ... --+
    2024-05-01T10:00:00Z INF |  Your quick Tunnel has been created! Visit it at (it may take
        some time to be reachable):  |   (one line in the real output)
    2024-05-01T10:00:00Z INF |  https://seasonal-deck-organisms-sf.trycloudflare.com      ...  |

The disclaimer logged before it holds other https URLs, so only a URL after that line counts.
"""

from __future__ import annotations

import re
import shutil

from whisper_tui.core.tunnels.base import ProcessTunnel, TunnelError, TunnelTarget
from whisper_tui.core.tunnels.registry import register

PROGRAM = "cloudflared"
CREATED = "Your quick Tunnel has been created"
_URL = re.compile(r"https://[A-Za-z0-9.-]+")
_TIMESTAMP = re.compile(r"^\d{4}-\d\d-\d\dT\S+\s+")
DOWNLOAD = (
    "https://developers.cloudflare.com/cloudflare-one/connections/connect-networks/downloads/"
)


@register
class CloudflaredTunnel(ProcessTunnel):
    """A quick tunnel through the cloudflared program on PATH."""

    kind = "cloudflared"
    usage = "cloudflared"

    def __init__(self, argument: str, target: TunnelTarget) -> None:
        super().__init__(argument, target)
        self._created = False

    def command(self) -> list[str]:
        path = self.target.environ.get("PATH")
        program = shutil.which(PROGRAM, path=path)
        if program is None:
            raise TunnelError(f"{PROGRAM} is not on PATH; install it from {DOWNLOAD}")
        self._created = False
        url = f"http://{self.target.address}"
        # --no-autoupdate: an update would restart it under us with a new URL.
        return [program, "tunnel", "--no-autoupdate", "--url", url]

    def quote(self, line: str) -> str:
        return _TIMESTAMP.sub("", line)  # 'ERR failed to request quick Tunnel: ...'

    def read_line(self, line: str) -> str | None:
        if CREATED in line:
            self._created = True
            return None
        if self._created and (found := _URL.search(line)):
            return found.group(0)
        return None
