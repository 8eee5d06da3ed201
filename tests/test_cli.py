"""The command line: flags, one-line errors, exit status 2 before any screen."""

from __future__ import annotations

import contextlib
import os
import pty
import select
import signal
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from tests.children import ended_within, sigint_as_in_a_terminal
from tests.ports import reserved_port
from whisper_tui.cli import SUBCOMMANDS, check_load_files, parse_settings
from whisper_tui.core.har import load_har, save_har
from whisper_tui.core.models import CapturedRequest
from whisper_tui.core.session import Session
from whisper_tui.core.store import RequestStore
from whisper_tui.options import CONFIG_KEYS
from whisper_tui.ui.action_registry import all_actions


def run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "whisper_tui", *args],
        capture_output=True,
        text=True,
        timeout=30,
        stdin=subprocess.DEVNULL,
    )


def test_busy_port_gives_one_line_error_and_status_2():
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = run_cli("--port", str(port))
    assert result.returncode == 2
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert f"port {port}" in lines[0] and "busy" in lines[0]
    assert "Traceback" not in result.stderr
    assert "\x1b" not in result.stderr  # no screen was drawn


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["--port", "http"], "not a port number"),
        (["--port", "70000"], "outside 0-65535"),
        (["--max-body", "lots"], "not a size"),
        (["--max-body", "0"], "--max-body: must be at least 1 B"),
        (["--max-requests", "0"], "at least 1"),
        (["--secret", "stripe"], "argument --secret: expected SCHEME=SECRET (e.g. github="),
        (["--frobnicate"], "unrecognized arguments"),
        (["--host", "no-such-host.invalid"], "cannot resolve host"),
    ],
)
def test_bad_flags_give_one_line_error_and_status_2(args, words):
    result = run_cli(*args)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert words in lines[0]
    assert lines[0].startswith("whisper-tui: error:")


def test_help_explains_every_flag():
    result = run_cli("--help")
    assert result.returncode == 0
    for flag in ("--host", "--port", "--max-body", "--max-requests", "--max-memory"):
        assert flag in result.stdout


def test_help_lists_every_subcommand_with_its_usage():
    result = run_cli("--help")
    commands = result.stdout.split("commands:\n", 1)[1].split("\n\n", 1)[0]
    assert "whisper-tui send FILE.har --to URL" in commands
    for name in SUBCOMMANDS:
        assert f"whisper-tui {name} " in commands
        assert run_cli(name, "--help").returncode == 0


def test_sizes_and_counts_are_parsed():
    settings = parse_settings(["--max-body", "100MiB", "--max-requests", "50_000"])
    assert settings.max_body == 100 * 1024 * 1024
    assert settings.max_requests == 50_000
    assert settings.host == "127.0.0.1"
    assert settings.port == 8080
    assert settings.max_bytes >= 512 * 1024 * 1024


def test_ci_runs_the_readme_test_command():
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    readme = (root / "README.md").read_text()
    quick_start = readme.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    commands = [line for line in quick_start.splitlines() if line.startswith("python3 ")]
    assert len(commands) == 2
    ci_lines = (root / ".ci" / "run").read_text().strip().splitlines()
    assert ci_lines[-1] == commands[1]


def refusal(argv: list[str], capsys: pytest.CaptureFixture[str]) -> str:
    """The one line parse_settings prints when it refuses argv with exit status 2."""
    with pytest.raises(SystemExit) as exited:
        parse_settings(argv, environ={})
    assert exited.value.code == 2
    lines = capsys.readouterr().err.splitlines()
    assert len(lines) == 1, lines
    return lines[0]


def test_max_requests_0_in_the_config_file_is_a_one_line_error_not_a_traceback(tmp_path):
    config = tmp_path / "config.toml"
    config.write_text("max_requests = 0\n")
    result = run_cli("--config", str(config), "--port", "0", "--headless")
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("whisper-tui: error:")
    assert "max_requests: must be at least 1, got 0" in lines[0]


def test_a_config_file_with_several_mistakes_reports_every_one_a_line_each(tmp_path):
    # Only the first was reported: fixing a file took a run per mistake.
    config = tmp_path / "team.toml"
    config.write_text(
        'port = 70000\nmax_body = "lots"\nnope = 1\n'
        '[secrets]\ngithub = 5\nstripe = ["whsec_kept-secret", 7]\n[keymap]\nreplay = 3\n'
    )
    result = run_cli("--config", str(config), "--headless")
    assert result.returncode == 2
    assert "Traceback" not in result.stderr and "kept-secret" not in result.stderr
    assert result.stderr.splitlines() == [
        f"whisper-tui: error: {config}: {problem}"
        for problem in (
            "port: port 70000 is outside 0-65535 (see whisper-tui --help)",
            "max_body: not a size: 'lots' (use e.g. 512KiB, 32MiB, 1GB) (see whisper-tui --help)",
            f"unknown setting 'nope'; known: {', '.join(CONFIG_KEYS)} (see whisper-tui --help)",
            "secrets: github: expected the secret as a string, got an integer "
            "(see whisper-tui --help)",
            "secrets: stripe: expected the secret as a string, got an integer "
            "(see whisper-tui --help)",
            "keymap: replay: expected keys as a string, got an integer "
            "(see [keymap] in whisper-tui --help)",
        )
    ]


def test_a_negative_tolerance_is_refused_from_the_file_as_from_the_flag(tmp_path, capsys):
    config = tmp_path / "config.toml"
    config.write_text("tolerance = -5\n")
    assert "must not be negative" in refusal(["--config", str(config)], capsys)
    assert "must not be negative" in refusal(["--tolerance", "-5"], capsys)


def test_a_config_file_named_with_config_must_exist(tmp_path, capsys):
    missing = tmp_path / "typo.toml"
    line = refusal(["--config", str(missing)], capsys)
    assert f"cannot read {missing}: no such file" in line


def test_the_default_config_file_may_be_missing():
    settings = parse_settings([], environ={})
    assert settings.port == 8080 and settings.config_file is None


def test_a_respond_rule_with_an_unknown_method_is_refused_naming_the_methods(capsys):
    line = refusal(["--respond", "FOO /x 200"], capsys)
    assert "unknown method 'FOO'" in line
    assert "GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS, TRACE, CONNECT or ANY" in line


def test_help_keeps_its_sections_in_order():
    result = run_cli("--help")
    sections = [line for line in result.stdout.splitlines() if line.endswith(":")]
    assert sections[1:] == [  # [0] is the description's first line
        "options:",
        "forwarding and replay:",
        "answers (simulate failures to test provider retries):",
        "files and modes:",
        "commands:",
        "config file:",
        "examples:",
    ]
    options = result.stdout.split("options:\n", 1)[1].split("\n\n", 1)[0]
    assert "--config FILE" in options and "--version" in options and "--tolerance" in options


def har_of(tmp_path, name: str, targets: list[str]) -> str:
    requests = [
        CapturedRequest(n, 1_764_000_000.0 + n, "127.0.0.1", "POST", t, (1, 1), (), t.encode())
        for n, t in enumerate(targets, start=1)
    ]
    path = tmp_path / name
    save_har(path, requests, "http://127.0.0.1:8080")
    return str(path)


async def test_every_load_flag_is_loaded_in_order_and_numbered_on(tmp_path):
    first = har_of(tmp_path, "a.har", ["/a1", "/a2"])
    second = har_of(tmp_path, "b.har", ["/b1"])
    settings = parse_settings(["--load", first, "--load", second])
    assert settings.load_paths == (first, second)
    assert check_load_files(settings.load_paths) is None
    store = RequestStore()
    session = Session(settings, store=store)
    await session.start(serve=False)
    await session.until_started()
    assert [(r.id, r.target, r.body) for r in store] == [
        (1, "/a1", b"/a1"),
        (2, "/a2", b"/a2"),
        (3, "/b1", b"/b1"),
    ]
    await session.stop()


def test_a_file_that_is_not_har_is_refused_before_anything_starts(tmp_path):
    bad = tmp_path / "notes.har"
    bad.write_text('{"log": {"pages": []}}')
    assert check_load_files([str(bad)]) == (
        f"cannot load {bad}: not a HAR document: no log.entries list"
    )


def test_a_bad_second_load_file_is_named_in_the_one_line_error(tmp_path):
    good = har_of(tmp_path, "a.har", ["/a1"])
    result = run_cli("--port", "0", "--load", good, "--load", str(tmp_path / "missing.har"))
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        f"whisper-tui: error: cannot load {tmp_path / 'missing.har'}: No such file or directory"
    ]


def test_two_loads_both_reach_the_saved_har(tmp_path):
    first = har_of(tmp_path, "a.har", ["/a1"])
    second = har_of(tmp_path, "b.har", ["/b1", "/b2"])
    out = tmp_path / "out.har"
    headless_interrupted("--load", first, "--load", second, "--save", str(out))
    assert [r.target for r in load_har(out)] == ["/a1", "/b1", "/b2"]


def test_without_a_terminal_the_tui_is_refused_in_one_line_suggesting_headless():
    with reserved_port() as port:
        result = run_cli("--port", str(port))  # stdin from /dev/null, output to pipes
        assert result.returncode == 2
        assert result.stdout == ""
        assert result.stderr.splitlines() == [
            "whisper-tui: no terminal to draw on (stdin is not a terminal); "
            "use --headless to capture without a UI"
        ]
        with pytest.raises(ConnectionRefusedError):  # nothing kept the port listening
            socket.create_connection(("127.0.0.1", port), timeout=5).close()


def test_term_dumb_on_a_real_terminal_prints_the_hint_and_no_escapes():
    primary, secondary = pty.openpty()
    env = dict(os.environ, TERM="dumb")
    env.pop("CI", None)
    process = subprocess.Popen(
        [sys.executable, "-m", "whisper_tui", "--port", "0"],
        stdin=secondary,
        stdout=secondary,
        stderr=secondary,
        env=env,
        close_fds=True,
    )
    os.close(secondary)
    output = b""
    try:
        status = process.wait(timeout=30)
        while select.select([primary], [], [], 0.2)[0]:
            try:
                chunk = os.read(primary, 65536)
            except OSError:  # the other side closed: all read
                break
            if not chunk:
                break
            output += chunk
    finally:
        if process.poll() is None:
            process.kill()
        os.close(primary)
    assert status == 2
    assert output.decode().splitlines() == [
        "whisper-tui: no terminal to draw on (TERM=dumb); use --headless to capture without a UI"
    ]


def test_headless_needs_no_terminal(tmp_path):
    # stdin from /dev/null and TERM=dumb: capturing without a UI is still allowed.
    process = subprocess.Popen(
        [sys.executable, "-m", "whisper_tui", "--headless", "--port", "0"],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=dict(os.environ, TERM="dumb"),
        text=True,
        preexec_fn=sigint_as_in_a_terminal,
    )
    with ended_within(process, 60, "headless stopped with SIGINT"):
        assert "listening" in process.stderr.readline()
        process.send_signal(signal.SIGINT)
        _, err = process.communicate()
    assert process.returncode == 0, err


@pytest.mark.parametrize(
    ("line", "words"),
    [
        ('theme = "nosuchtheme"', "theme: unknown theme 'nosuchtheme'; known: ansi-dark, "),
        ('[keymap]\nnosuch = "x"', "keymap: unknown binding id 'nosuch'; binding ids: help, "),
        ("[keymap]\nreplay = 5", "keymap: replay: expected keys as a string, got an integer"),
        ('[keymap]\nreplay = "q"', 'keymap: replay = "q" takes q, which quits'),
        ('[keymap]\nexport = "r"', 'keymap: export = "r" takes r, which replay has'),
        (
            '[keymap]\nbody_view = "notakey!!"',
            "keymap: body_view = \"notakey!!\": 'notakey!!' is not a key",
        ),
        (
            '[keymap]\nmark = "b,shift+r"',
            'keymap: mark = "b,shift+r" takes R, which edit_replay has',
        ),
        ("[secrets]\ngithub = 12345", "secrets: github: expected the secret as a string"),
    ],
)
def test_a_bad_value_only_the_file_can_set_is_a_one_line_error(tmp_path, line, words):
    # theme and [keymap] have no flag: the file is the only place to get them wrong.
    config = tmp_path / "config.toml"
    config.write_text(line + "\n")
    for mode in (["--headless"], []):
        result = run_cli("--config", str(config), "--port", "0", *mode)
        assert result.returncode == 2, result.stderr
        [error] = result.stderr.splitlines()
        assert error.startswith(f"whisper-tui: error: {config}: ") and words in error, error
        if line.startswith("[keymap]"):  # to where [keymap] is explained, not all of --help
            assert error.endswith(" (see [keymap] in whisper-tui --help)"), error


def test_help_says_where_the_config_file_is_and_what_its_tables_hold(tmp_path):
    # A bad [keymap] value's error sends the user here: the ids and the key syntax must be in it.
    env = dict(os.environ, WHISPER_TUI_CONFIG_DIR=str(tmp_path))
    result = subprocess.run(
        [sys.executable, "-m", "whisper_tui", "--help"],
        capture_output=True,
        text=True,
        timeout=30,
        env=env,
    )
    part = result.stdout.split("config file:\n", 1)[1].split("\n\n", 1)[0]
    assert str(tmp_path / "config.toml") in part
    assert "[secrets]" in part and 'replay = "r,ctrl+r"' in part
    listed = set(" ".join(part.split("The binding ids are", 1)[1].split()).split(", "))
    assert listed == {action.id for action in all_actions()}


@pytest.mark.parametrize(
    ("host", "forward_host"),
    [("127.0.0.1", "127.0.0.1"), ("127.0.0.1", "localhost"), ("0.0.0.0", "127.0.0.1")],
)
def test_a_forward_to_our_own_address_is_refused_before_anything_starts(host, forward_host):
    with reserved_port() as port:  # on the command line twice: known before it starts
        forward = f"http://{forward_host}:{port}/hooks"
        result = run_cli("--headless", "--host", host, "--port", str(port), "--forward", forward)
    assert result.returncode == 2
    [line] = result.stderr.splitlines()
    assert line == (
        f"whisper-tui: error: --forward {forward} is whisper-tui's own address ({host}:{port}): "
        "every capture would be sent back to it; forward to your app's address instead"
    )


def headless_interrupted(*flags: str) -> None:
    """Headless with `flags` on a port of its choosing, stopped with SIGINT once listening;
    exit 0."""
    process = subprocess.Popen(
        [sys.executable, "-m", "whisper_tui", "--headless", "--port", "0", *flags],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        preexec_fn=sigint_as_in_a_terminal,
    )
    with ended_within(process, 60, f"headless {' '.join(flags)} stopped with SIGINT"):
        process.stderr.readline()  # listening: SIGINT is handled from here on
        process.send_signal(signal.SIGINT)
        process.communicate()
    assert process.returncode == 0


def test_save_never_empties_a_file_that_is_there(tmp_path):
    # --save writes this session's captures: on a HAR not loaded into it, that loses the file.
    kept = har_of(tmp_path, "kept.har", [f"/{n}" for n in range(6)])
    before = Path(kept).read_bytes()
    result = run_cli("--headless", "--port", "0", "--save", kept)
    assert result.returncode == 2
    assert result.stderr.splitlines() == [
        f"whisper-tui: error: cannot save to {kept}: it exists and would be replaced by this "
        f"session's captures; add to it with --load {kept} --save {kept}, or choose another name"
    ]
    assert Path(kept).read_bytes() == before
    # Continuing it is the way on (the same file named another way too).
    relative = os.path.relpath(kept)
    headless_interrupted("--load", relative, "--save", kept)
    assert [r.target for r in load_har(kept)] == [f"/{n}" for n in range(6)]


@pytest.mark.parametrize("before", [b"", None], ids=["empty file", "HAR without entries"])
def test_save_may_take_a_file_with_nothing_to_lose(tmp_path, before):
    nothing = tmp_path / "nothing.har"
    if before is None:
        save_har(nothing, [], "http://127.0.0.1:8080")
    else:
        nothing.write_bytes(before)  # made by mktemp, say
    headless_interrupted("--load", har_of(tmp_path, "a.har", ["/a1"]), "--save", str(nothing))
    assert [r.target for r in load_har(nothing)] == ["/a1"]


@pytest.mark.skipif(not os.path.isdir("/proc/self"), reason="needs Linux's /proc")
def test_save_in_a_directory_that_cannot_hold_a_new_file_is_refused_before_anything_starts():
    # /proc passes os.access for root, but no file can be created there: every save (a
    # temporary file renamed over the target) would fail, and only at exit did anyone hear.
    result = run_cli("--headless", "--port", "0", "--save", "/proc/x.har")
    assert result.returncode == 2
    assert result.stderr.splitlines() == [
        "whisper-tui: error: cannot save to /proc/x.har: cannot create a file in /proc: "
        "No such file or directory"
    ]


def test_save_to_a_fifo_is_refused_in_one_line_and_the_fifo_kept(tmp_path):
    # Renamed over, a FIFO (or /dev/full, as root) became a regular 0600 file.
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    result = run_cli("--headless", "--port", "0", "--save", str(fifo))
    assert result.returncode == 2
    assert result.stderr.splitlines() == [
        f"whisper-tui: error: cannot save to {fifo}: it is a FIFO (named pipe), not a regular file"
    ]
    assert fifo.is_fifo()


def test_save_through_a_symlink_writes_the_file_it_names_and_keeps_the_link(tmp_path):
    real = tmp_path / "real.har"
    real.write_bytes(b"")
    link = tmp_path / "link.har"
    link.symlink_to(real)
    headless_interrupted("--load", har_of(tmp_path, "a.har", ["/a1"]), "--save", str(link))
    assert link.is_symlink()
    assert [r.target for r in load_har(real)] == ["/a1"]


def test_a_forward_to_our_own_address_is_refused_without_its_password():
    from whisper_tui.cli import forward_loop_problem
    from whisper_tui.core.settings import Settings

    settings = Settings(port=8080, forward_url="http://admin:hunter2pass@127.0.0.1:8080/x")
    problem = forward_loop_problem(settings, 8080) or ""
    assert problem.startswith("--forward http://admin:***@127.0.0.1:8080/x is whisper-tui's own")
    assert "hunter2pass" not in problem


def test_the_tui_quit_with_a_save_that_fails_says_so_in_one_line_with_status_3(tmp_path):
    import asyncio
    import shutil

    import aiohttp

    from tests.bench.tui_process import spawn_on_pty
    from tests.ports import listening_port

    folder = tmp_path / "saves"
    folder.mkdir()
    har = folder / "out.har"
    process, primary = spawn_on_pty(["--port", "0", "--save", str(har)], 100, 30)
    output = bytearray()

    def read_some() -> None:
        if select.select([primary], [], [], 0.1)[0]:
            with contextlib.suppress(OSError):  # EIO: the app has gone
                output.extend(os.read(primary, 65536))

    async def post() -> None:
        async with aiohttp.ClientSession() as session:
            async with session.post(f"http://127.0.0.1:{port}/hooks/a", data=b"{}") as reply:
                assert reply.status == 200

    try:
        port = listening_port(process.pid)
        shutil.rmtree(folder)  # the saves, the one at exit too, have nowhere to go
        asyncio.run(post())
        while b"#1" not in output:  # the capture is on screen: the app is up
            read_some()
        os.write(primary, b"q")
        while process.poll() is None:
            read_some()
        read_some()
    finally:
        if process.poll() is None:
            process.kill()
        process.wait()
        os.close(primary)
    assert process.returncode == 3
    text = output.decode("utf-8", "replace")
    assert "Traceback" not in text
    assert (
        f"whisper-tui: error: cannot save to {har}: No such file or directory; "
        "1 capture(s) not saved"
    ) in text


def opened_by_reader(fifo: Path, process: subprocess.Popen, limit: float = 30.0) -> int:
    """Open `fifo` for writing once `process` has opened it for reading (it then waits for
    data there, before its app is up); the writing end, to close at the end."""
    import errno
    import time

    deadline = time.monotonic() + limit  # a process that never opens it fails, not hangs
    while time.monotonic() < deadline and process.poll() is None:
        try:
            return os.open(fifo, os.O_WRONLY | os.O_NONBLOCK)
        except OSError as error:
            if error.errno != errno.ENXIO:  # ENXIO: no reader yet
                raise
            select.select([], [], [], 0.01)
    raise AssertionError(f"the process never opened {fifo} (exit status {process.poll()})")


def ignores_sigint(pid: int) -> bool:
    """Whether process `pid` ignores SIGINT (its SigIgn mask in /proc)."""
    status = Path(f"/proc/{pid}/status").read_text()
    [mask] = [line.split()[1] for line in status.splitlines() if line.startswith("SigIgn:")]
    return bool(int(mask, 16) & 1 << (signal.SIGINT - 1))


@pytest.mark.skipif(not os.path.isdir("/proc/self"), reason="needs Linux's /proc")
def test_the_app_on_a_pty_takes_ctrl_c_even_when_pytest_runs_with_sigint_ignored():
    """`nohup pytest ... &` from a non-interactive shell: SIGINT inherited as ignored; the
    Ctrl+C tests' child never got it and the suite hung on a child reading a FIFO."""
    from tests.bench.tui_process import spawn_on_pty

    before = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        process, primary = spawn_on_pty(["--version"], 80, 24)
    finally:
        signal.signal(signal.SIGINT, before)
    try:
        # Popen returned after the exec: the mask is the app's from its first instruction.
        assert not ignores_sigint(process.pid)
    finally:
        process.kill()
        process.wait()
        os.close(primary)


@pytest.mark.parametrize(
    "command",
    [
        ["--headless", "--port", "0", "--load"],
        ["--port", "0", "--load"],
        ["send", "--to", "http://127.0.0.1:9"],
    ],
    ids=["headless", "tui", "send"],
)
def test_ctrl_c_before_the_app_is_up_exits_130_quietly(tmp_path, command):
    # Read before the app handles Ctrl+C itself (as importing aiohttp is): a FIFO whose
    # writer sends nothing holds it there, however busy the machine.
    from tests.bench.tui_process import spawn_on_pty

    fifo = tmp_path / "deliveries.har"
    os.mkfifo(fifo)
    args = (
        [*command[:1], str(fifo), *command[1:]] if command[0] == "send" else [*command, str(fifo)]
    )
    process, primary = spawn_on_pty(args, 80, 24)  # its SIGINT at the default, as in a shell
    output = bytearray()
    writer = -1
    try:
        with ended_within(process, 60, "Ctrl+C while it read a FIFO"):
            writer = opened_by_reader(fifo, process)
            process.send_signal(signal.SIGINT)
            while process.poll() is None or select.select([primary], [], [], 0.1)[0]:
                if select.select([primary], [], [], 0.1)[0]:
                    try:
                        chunk = os.read(primary, 65536)
                    except OSError:  # EIO: the process has gone
                        break
                    if not chunk:
                        break
                    output.extend(chunk)
    finally:
        os.close(primary)
        if writer >= 0:
            os.close(writer)
    assert process.returncode == 130
    assert output.decode("utf-8", "replace").strip() == ""
