"""The action table: every action has its own id, and the README names each id."""

from __future__ import annotations

import re
from pathlib import Path

from whisper_tui.ui.actions import ACTIONS

README = Path(__file__).parents[2] / "README.md"


def test_every_action_has_its_own_id():
    ids = [action.id for action in ACTIONS]
    assert len(ids) == len(set(ids))


def test_the_readme_lists_every_binding_id():
    text = README.read_text(encoding="utf-8")
    paragraph = text.split("Binding ids:", 1)[1].split("\n\n", 1)[0]
    assert re.findall(r"`([^`]+)`", paragraph) == [action.id for action in ACTIONS]


def test_export_help_names_every_export_format_the_dialog_offers():
    # Help and the README key table said 'curl, HTTPie, raw HTTP, JSON, HAR': no pytest.
    from whisper_tui.core.export import formats

    [export] = [action for action in ACTIONS if action.id == "export"]
    words = set(re.findall(r"\w+", export.help))
    missing = [f.label for f in formats() if f.label.split()[0] not in words]
    assert not missing, f"export's help leaves out {missing}"
