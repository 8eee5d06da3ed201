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
