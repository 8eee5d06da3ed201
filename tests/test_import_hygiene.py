"""The core is plain Python: importing it must not load Textual or Rich."""

import signal
import subprocess
import sys

from tests.children import sigint_as_in_a_terminal

CORE_MODULES = [
    "whisper_tui.core",
    "whisper_tui.core.models",
    "whisper_tui.core.store",
    "whisper_tui.core.contentviews",
    "whisper_tui.core.sanitize",
    "whisper_tui.core.settings",
    "whisper_tui.core.sizes",
    "whisper_tui.core.server",
]


def test_core_imports_load_neither_textual_nor_rich():
    import pkgutil

    import whisper_tui.core

    # Every module of core, subpackages included (signature schemes, body views, diff).
    modules = CORE_MODULES + [
        info.name
        for info in pkgutil.walk_packages(whisper_tui.core.__path__, prefix="whisper_tui.core.")
    ]
    code = (
        "import importlib, sys\n"
        f"for name in {sorted(set(modules))!r}:\n"
        "    importlib.import_module(name)\n"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in ('textual', 'rich'))\n"
        "print(','.join(bad))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "", f"core pulled in: {result.stdout.strip()}"


def test_the_check_would_notice_textual():
    # Guard against a hygiene test that cannot fail: the UI module does load Textual.
    code = "import sys, whisper_tui.ui.app; print('textual' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.stdout.strip() == "True"


def test_the_tui_imports_no_aiohttp_before_its_first_frame():
    # aiohttp's import is ~0.3 s of CPU: the server starts once the first frame is out, and
    # the replay client when first used. The CLI and the app module must not bring it in.
    code = "import sys, whisper_tui.cli, whisper_tui.ui.app; print('aiohttp' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.stdout.strip() == "False", result.stderr


HAR_MODULES = (
    "whisper_tui.core.har",
    "whisper_tui.core.har_reader",
    "whisper_tui.core.loading",
    "whisper_tui.core.autosave",
    "whisper_tui.headless",
)
"""--load's reading, --save's writing and headless mode: none is used by a plain TUI start."""


def _har_modules_after(code: str) -> list[str]:
    code += f"\nprint(','.join(m for m in {HAR_MODULES!r} if m in sys.modules))"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    return [name for name in result.stdout.strip().split(",") if name]


def test_a_tui_without_load_or_save_imports_no_har_reading_or_writing():
    # ~10 ms of CPU before the first frame that only --load, --save and headless mode use.
    code = (
        "import sys, whisper_tui.cli\n"
        "from whisper_tui.core.settings import Settings\n"
        "from whisper_tui.ui.app import WhisperApp\n"
        "WhisperApp(Settings(port=0), serve=False)"
    )
    assert _har_modules_after(code) == []


def test_the_har_check_would_notice_load_and_save():
    code = (
        "import sys\n"
        "from whisper_tui.core.session import Session\n"
        "from whisper_tui.core.settings import Settings\n"
        "Session(Settings(port=0, load_paths=('a.har',), save_path='b.har'))"
    )
    assert {"whisper_tui.core.loading", "whisper_tui.core.autosave"} <= set(
        _har_modules_after(code)
    )


def test_the_aiohttp_check_would_notice_the_server():
    code = "import sys, whisper_tui.core.server; print('aiohttp' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.stdout.strip() == "True"


def test_headless_mode_checks_a_keymap_without_importing_textual(tmp_path):
    # The [keymap]'s ids are checked in both modes (a bad one is refused in one line, see
    # test_cli); only the TUI needs Textual, which costs headless start-up ~0.3 s of CPU.
    config = tmp_path / "config.toml"
    config.write_text('[keymap]\nreplay = "r,ctrl+r"\n')
    code = (
        "import atexit, sys, whisper_tui.cli as cli\n"
        "def loaded():\n"
        "    ui = sorted(m for m in sys.modules if m.split('.')[0] in ('textual', 'rich'))\n"
        "    print('loaded:', ','.join(ui), file=sys.stderr)\n"
        "atexit.register(loaded)\n"
        "sys.exit(cli.main(sys.argv[1:]))\n"
    )
    argv = ["--headless", "--port", "0", "--config", str(config)]
    process = subprocess.Popen(
        [sys.executable, "-c", code, *argv],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        preexec_fn=sigint_as_in_a_terminal,
    )
    assert "listening" in process.stderr.readline()
    process.send_signal(signal.SIGINT)
    _, err = process.communicate(timeout=15)
    assert process.returncode == 0, err
    assert err.splitlines()[-1] == "loaded: ", err
