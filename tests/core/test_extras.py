"""An extra's install command fits how whisper-tui was installed (read from real metadata)."""

from __future__ import annotations

import json
import os
import sys
from importlib import metadata
from pathlib import Path

from whisper_tui.core.extras import install_extra

METADATA = """\
Metadata-Version: 2.1
Name: whisper-tui
Version: 0.1.0
Provides-Extra: ngrok
Requires-Dist: aiohttp>=3.9
Requires-Dist: ngrok>=1.4; extra == "ngrok"
"""


def installed(tmp_path: Path, direct_url: dict | None) -> metadata.Distribution:
    """whisper-tui's .dist-info as pip writes it, with PEP 610's direct_url.json if given."""
    info = tmp_path / "site-packages" / "whisper_tui-0.1.0.dist-info"
    info.mkdir(parents=True)
    (info / "METADATA").write_text(METADATA)
    if direct_url is not None:
        (info / "direct_url.json").write_text(json.dumps(direct_url))
    return metadata.PathDistribution(info)


def this_pip() -> str:
    beside = os.path.join(os.path.dirname(sys.executable), "pip")
    return beside if os.path.exists(beside) else f"{sys.executable} -m pip"


def test_an_editable_checkout_gets_its_own_install_command(tmp_path):
    checkout = tmp_path / "my clone"
    dist = installed(tmp_path, {"url": checkout.as_uri(), "dir_info": {"editable": True}})
    assert install_extra("ngrok", dist) == (
        f"cd '{checkout}' && {this_pip()} install -e '.[ngrok]'"
    )


def test_a_package_installed_from_an_index_gets_this_interpreter_s_pip(tmp_path):
    assert install_extra("ngrok", installed(tmp_path, None)) == (
        f"{this_pip()} install 'whisper-tui[ngrok]'"
    )
    # A checkout installed without -e is a copy: the index's package is what to add to it.
    not_editable = installed(tmp_path / "b", {"url": "file:///src/x", "dir_info": {}})
    assert install_extra("ngrok", not_editable) == f"{this_pip()} install 'whisper-tui[ngrok]'"


def test_this_test_run_s_own_install_is_found():
    # The suite runs from a checkout installed editable: its command names that checkout.
    checkout = str(Path(__file__).resolve().parents[2])
    assert install_extra("ngrok").startswith(f"cd {checkout} && ")
