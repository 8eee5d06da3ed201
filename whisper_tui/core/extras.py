"""How to install an optional extra, in the words that fit how whisper-tui was installed.

Every hint that an extra is missing (`--tunnel ngrok` without the ngrok package) takes its
command from `install_extra`. "pip install 'whisper-tui[ngrok]'" was wrong for the README's
own Quick start, a clone installed editable into its .venv: that pip would fetch the
published package beside the checkout, or fail. An editable install (PEP 610's direct_url.json
says so) gets the checkout's own command (`cd CHECKOUT && .venv/bin/pip install -e '.[ngrok]'`);
a pipx one `pipx inject`; an ordinary one this interpreter's pip; anything else names the extra
and what it needs.
"""

from __future__ import annotations

import json
import os
import shlex
import sys
from importlib import metadata
from urllib.parse import unquote, urlsplit

DISTRIBUTION = "whisper-tui"


def install_extra(extra: str, distribution: metadata.Distribution | None = None) -> str:
    """The command that installs `extra` ('ngrok') where this whisper-tui is installed."""
    dist = distribution or _installed()
    if dist is None:
        return f"install whisper-tui's {extra!r} extra"
    checkout = _editable_checkout(dist)
    if checkout is not None:
        pip = _pip()
        try:
            shown = os.path.relpath(pip, checkout) if pip.startswith(checkout + os.sep) else pip
        except ValueError:
            shown = pip
        return f"cd {shlex.quote(checkout)} && {shown} install -e '.[{extra}]'"
    if f"{os.sep}pipx{os.sep}venvs{os.sep}" in sys.prefix:
        needs = " ".join(shlex.quote(need) for need in _requirements(dist, extra))
        return f"pipx inject {DISTRIBUTION} {needs or extra}"
    return f"{_pip()} install '{DISTRIBUTION}[{extra}]'"


def _installed() -> metadata.Distribution | None:
    """whisper-tui as installed: the one an installer recorded (direct_url.json) before a
    checkout's own whisper_tui.egg-info, which the current directory puts first on sys.path."""
    found = list(metadata.distributions(name=DISTRIBUTION))
    recorded = [dist for dist in found if dist.read_text("direct_url.json")]
    chosen = recorded or found
    return chosen[0] if chosen else None


def _editable_checkout(dist: metadata.Distribution) -> str | None:
    """The directory an editable install points at (its direct_url.json), else None."""
    text = dist.read_text("direct_url.json")
    if not text:
        return None
    try:
        described = json.loads(text)
    except ValueError:
        return None
    if not isinstance(described, dict) or not described.get("dir_info", {}).get("editable"):
        return None
    url = urlsplit(str(described.get("url", "")))
    return unquote(url.path) if url.scheme == "file" and url.path else None


def _pip() -> str:
    """This interpreter's pip: the one beside it when there is one, else `python -m pip`."""
    beside = os.path.join(os.path.dirname(sys.executable), "pip")
    if os.path.exists(beside):
        return beside
    return f"{shlex.quote(sys.executable)} -m pip"


def _requirements(dist: metadata.Distribution, extra: str) -> list[str]:
    """What the extra needs ('ngrok>=1.4'), from the package's metadata."""
    marker = f'extra == "{extra}"'
    needs = []
    for requirement in dist.requires or []:
        name, _, condition = requirement.partition(";")
        if condition.strip() == marker:
            needs.append(name.strip())
    return needs
