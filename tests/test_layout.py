"""The shape of the code base: tests mirror the source, modules stay small, the README's map holds.

These are the habits a newcomer relies on to find things: `whisper_tui/core/store.py` is tested
in `tests/core/test_store.py`; no module grows past a size one can read in a sitting; the module
map in the README names what is really there.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "whisper_tui"
MAX_MODULE_LINES = 500

# Entry points with nothing to test on their own (`python -m whisper_tui` is run by the
# headless and CLI tests).
NOT_MIRRORED = {"__init__.py", "__main__.py"}


def source_modules() -> list[Path]:
    return sorted(
        path
        for path in PACKAGE.rglob("*.py")
        if path.name not in NOT_MIRRORED and "__pycache__" not in path.parts
    )


def mirrored_test(module: Path) -> Path:
    relative = module.relative_to(PACKAGE)
    return ROOT / "tests" / relative.parent / f"test_{relative.stem}.py"


def test_every_module_has_a_test_file_in_the_mirrored_place():
    missing = [
        f"{module.relative_to(ROOT)} -> {mirrored_test(module).relative_to(ROOT)}"
        for module in source_modules()
        if not mirrored_test(module).is_file()
    ]
    assert not missing, "modules without their mirrored test file:\n" + "\n".join(missing)


def test_the_mirror_check_would_notice_a_missing_test_file():
    # Guard against a check that cannot fail: a made-up module maps to a file that isn't there.
    assert not mirrored_test(PACKAGE / "core" / "no_such_module.py").exists()
    assert mirrored_test(PACKAGE / "core" / "store.py") == ROOT / "tests/core/test_store.py"


def test_no_module_is_over_500_lines():
    long = {
        str(path.relative_to(ROOT)): count
        for path in source_modules()
        if (count := len(path.read_text(encoding="utf-8").splitlines())) > MAX_MODULE_LINES
    }
    assert not long, f"modules over {MAX_MODULE_LINES} lines: {long}"


def readme_module_map() -> tuple[set[str], set[str]]:
    """(modules, whole packages) that the README's module map names under whisper_tui/.

    The map is a tree, two spaces a level, one entry per line: `name.py  what it holds` or
    `folder/  what it holds`. A folder with entries under it is a container whose modules must
    each be named; a folder without is a package named as a whole (a registry, one module per
    entry).
    """
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    block = text.split("## Development", 1)[1].split("```", 2)[1]
    entries: list[tuple[int, str]] = []
    for line in block.splitlines():
        if not line.strip():
            continue
        depth = (len(line) - len(line.lstrip(" "))) // 2
        entries.append((depth, line.split()[0]))
    modules: set[str] = set()
    folders: dict[str, bool] = {}
    stack: list[str] = []
    for index, (depth, name) in enumerate(entries):
        stack = stack[:depth]
        path = "/".join([*stack, name.rstrip("/")])
        if name.endswith("/"):
            has_children = index + 1 < len(entries) and entries[index + 1][0] > depth
            folders[path] = has_children
            stack.append(name.rstrip("/"))
        elif name.endswith(".py"):
            modules.add(path)
    prefix = "whisper_tui/"
    wholes = {p[len(prefix) :] for p, has in folders.items() if p.startswith(prefix) and not has}
    return {m[len(prefix) :] for m in modules if m.startswith(prefix)}, wholes


def test_the_readme_module_map_names_every_module_and_nothing_else():
    named, packages = readme_module_map()
    actual = {
        str(path.relative_to(PACKAGE))
        for path in PACKAGE.rglob("*.py")
        if path.name not in NOT_MIRRORED and "__pycache__" not in path.parts
    }
    assert named, "the README's module map was not found"
    assert named - actual == set(), "README names modules that don't exist"
    assert {p for p in packages if not (PACKAGE / p / "__init__.py").is_file()} == set(), (
        "README names packages that don't exist"
    )
    unnamed = {
        module
        for module in actual - named
        if not any(module.startswith(f"{package}/") for package in packages)
    }
    assert unnamed == set(), "modules missing from the README's map"


def test_core_passes_mypy_strict():
    result = subprocess.run(
        [sys.executable, "-m", "mypy"], cwd=ROOT, capture_output=True, text=True, timeout=600
    )
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
