"""Command line: flags into Settings, then the TUI (or a one-line error and exit status 2)."""

from __future__ import annotations

import argparse
import contextlib
import errno
import os
import socket
import sys
import textwrap
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import NoReturn

from whisper_tui import __version__
from whisper_tui.core.config import config_path, load_config
from whisper_tui.core.listening import bind_socket
from whisper_tui.core.redaction import RedactingStream, shown_url
from whisper_tui.core.responses import ResponsePolicy
from whisper_tui.core.settings import Settings
from whisper_tui.core.signatures import secrets_from_env
from whisper_tui.core.store import RequestStore
from whisper_tui.core.targets import is_own_target
from whisper_tui.loops import run_on
from whisper_tui.options import add_flags, config_values, flag_values
from whisper_tui.stopping import EXIT_INTERRUPTED, EXIT_SAVE_FAILED
from whisper_tui.terminal import colour_mode, no_terminal_hint, no_terminal_reason
from whisper_tui.tuning import tune_process

EXIT_USAGE = 2

DESCRIPTION = """\
Capture every HTTP request sent to HOST:PORT and inspect it in the terminal:
the exact bytes that arrived, headers in order with duplicates and case kept.
Point your webhooks (Stripe, GitHub, Shopify, Slack...) at http://HOST:PORT/any/path."""

SUBCOMMANDS = {
    "send": (
        "send FILE.har --to URL [...]",
        "send recorded requests (ours or a browser's HAR) to your app",
    ),
}
"""Commands of their own, each with its own flags (`whisper-tui send --help`)."""

EPILOG = (
    (
        "commands:\n"
        + "".join(f"  whisper-tui {usage}\n      {what}\n" for usage, what in SUBCOMMANDS.values())
        + "  (each has its own --help)\n\n"
    )
    + """\
examples:
  whisper-tui                         listen on 127.0.0.1:8080
  whisper-tui --port 9000             another port
  whisper-tui --max-body 100MiB       accept bigger bodies
  curl -d '{"hello":"world"}' -H 'Content-Type: application/json' localhost:8080/hooks/test

keys: j/k or arrows move, g/G first/last, Tab switches pane, ? help, q quit."""
)


SEE_HELP = "see whisper-tui --help"
"""Where a bad flag or config value's error points."""

SEE_KEYMAP = "see [keymap] in whisper-tui --help"
"""Where a bad [keymap]'s error points: --help's config file part, every binding id in it."""


def config_help() -> str:
    """--help's config file part: where the file is, what it holds, its two tables briefly, and
    every binding id a [keymap] may name (the action table is plain Python: no Textual)."""
    from whisper_tui.ui.action_registry import all_actions

    ids = textwrap.fill(
        ", ".join(action.id for action in all_actions()),
        width=78,
        initial_indent="      ",
        subsequent_indent="      ",
    )
    return f"""\
config file:
  {config_path()}
  (--config FILE picks another); flags override it.
  TOML: each flag's name without dashes takes what the flag takes
  (port = 9000, max_body = "100MiB", respond = ["POST /hooks/x 500"]),
  and theme and wrap, which the app writes back when you change them
  [secrets]  scheme = "secret" or ["secret", ...], as --secret
  [keymap]   binding id = keys, e.g. replay = "r,ctrl+r"; keys as Textual
             names them ("ctrl+r", "f5", "question_mark"); one key, one
             action; q, Ctrl+C and Ctrl+Q always quit. The binding ids are
{ids}
"""


class _OneLineErrorParser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        self.fail(message)

    def format_help(self) -> str:
        # The config part only when help is shown: it reads the action table, which a start
        # (headless mode's above all) need not pay for.
        if self.epilog == EPILOG:
            self.epilog = EPILOG.replace("examples:", config_help() + "\nexamples:", 1)
        return super().format_help()

    def fail(self, message: str, see: str = SEE_HELP) -> NoReturn:
        # One line, no usage dump: the user sees what is wrong and where to look.
        self.fail_all([(message, see)])

    def fail_all(self, problems: Sequence[tuple[str, str]]) -> NoReturn:
        """Exit 2 with one line per (problem, where to look)."""
        text = "".join(f"whisper-tui: error: {message} ({see})\n" for message, see in problems)
        self.exit(EXIT_USAGE, text)


def build_parser() -> argparse.ArgumentParser:
    """The command line, built from the option table (see whisper_tui/options.py)."""
    parser = _OneLineErrorParser(
        prog="whisper-tui",
        description=DESCRIPTION,
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    add_flags(parser)
    parser.add_argument("--version", action="version", version=f"whisper-tui {__version__}")
    return parser


def parse_settings(
    argv: Sequence[str] | None = None, environ: Mapping[str, str] | None = None
) -> Settings:
    """Settings from the flags, over the config file, over the defaults; a bad value exits 2."""
    parser = build_parser()
    flags = flag_values(parser.parse_args(argv))
    config_file = flags.get("config_file")
    try:
        path = Path(config_file) if config_file else config_path()
        from_file = config_values(load_config(path, must_exist=bool(config_file)), path)
        from_env = secrets_from_env(os.environ if environ is None else environ)
    except ValueError as error:
        # Every problem the file has, one line each (a config error carries them all).
        problems = getattr(error, "problems", [(str(error), getattr(error, "key", None))])
        lines = [
            (message, SEE_KEYMAP if key == "keymap" else SEE_HELP) for message, key in problems
        ]
        parser.fail_all(lines)
    values = {**from_file, **flags}  # a flag overrides the file
    values["secrets"] = merged_secrets(
        from_file.get("secrets", ()),
        tuple((scheme, secret) for scheme, secrets in from_env.items() for secret in secrets),
        flags.get("secrets", ()),
    )
    settings = Settings(**values)
    if settings.json_lines and not settings.headless:
        parser.error("--json goes with --headless")
    if settings.relay_response and not settings.forward_url:
        if "relay_response" in flags:
            parser.error("--relay-response needs --forward URL")
        # Set in the file: name its keys, not flags the user never typed.
        parser.error(f'{path}: relay_response = true needs forward = "URL" (or --forward URL)')
    return settings


def merged_secrets(
    *sources: Sequence[tuple[str, str]],
) -> tuple[tuple[str, str], ...]:
    """(scheme, secret) pairs from the config file, the environment and the flags, per scheme.

    For each scheme the last source that names it gives all its secrets (flags over the
    environment over the file): `--secret stripe=...` replaces the file's stripe secrets
    rather than adding to them, as a flag replaces any other setting. Within a source the
    order given is kept (the first secret re-signs); schemes are sorted.
    """
    chosen: dict[str, list[str]] = {}
    for pairs in sources:
        given: dict[str, list[str]] = {}
        for scheme, secret in pairs:
            given.setdefault(scheme, []).append(secret)
        chosen |= given
    return tuple((scheme, secret) for scheme in sorted(chosen) for secret in chosen[scheme])


def listen_error(settings: Settings, error: OSError) -> str:
    """A one-line explanation of why the port could not be opened."""
    where = f"{settings.host}:{settings.port}"
    if error.errno == errno.EADDRINUSE:
        return f"port {settings.port} on {settings.host} is busy; choose another with --port"
    if error.errno == errno.EACCES:
        return f"no permission to listen on {where}; ports below 1024 need privileges"
    if error.errno == errno.EADDRNOTAVAIL:
        return f"{settings.host} is not an address of this machine"
    if isinstance(error, socket.gaierror):
        return f"cannot resolve host {settings.host!r}"
    return f"cannot listen on {where}: {error.strerror or error}"


def main(argv: Sequence[str] | None = None) -> int:
    """The `whisper-tui` command; its exit status."""
    try:
        return _main(argv)
    except KeyboardInterrupt:
        # Ctrl+C before the app, headless mode or send handles it (importing aiohttp, reading
        # --load's start): a stop asked for, not a crash. Quiet, with the status a shell gives
        # a command Ctrl+C ended.
        return EXIT_INTERRUPTED


def _main(argv: Sequence[str] | None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if args[:1] and args[0] in SUBCOMMANDS:  # the one table --help lists them from
        # A command of its own (sending recorded deliveries), with its own flags.
        from whisper_tui.send import main as send_main

        return send_main(args[1:])
    settings = parse_settings(args)
    tune_process()
    try:
        sock = bind_socket(settings.host, settings.port)
    except OSError as error:
        print(f"whisper-tui: error: {listen_error(settings, error)}", file=sys.stderr)
        return EXIT_USAGE
    # The warning that --host beyond loopback exposes captures is shown where it is seen: in
    # the TUI (a line under the top bar), or by headless mode once it listens.
    store = RequestStore(settings.max_requests, settings.max_bytes)
    problem = (
        forward_loop_problem(settings, sock.getsockname()[1])
        or check_load_files(settings.load_paths)
        or keymap_problem(settings)
    )
    if problem:
        sock.close()
        print(f"whisper-tui: error: {problem}", file=sys.stderr)
        return EXIT_USAGE
    if settings.save_path:
        problem = _unwritable(settings.save_path) or _would_replace(settings)
        if problem:
            sock.close()
            print(
                f"whisper-tui: error: cannot save to {settings.save_path}: {problem}",
                file=sys.stderr,
            )
            return EXIT_USAGE
    policy = settings.response_policy()
    if settings.headless:
        _read_early(settings.load_paths)
        return _run_headless(settings, sock, store, policy)
    # After the flags' own errors (more precise), before any screen or server: a full
    # screen of escapes written to a pipe or a dumb terminal helps no one.
    reason = no_terminal_reason(os.environ, sys.stdin, sys.stdout, sys.stderr)
    if reason:
        sock.close()
        print(no_terminal_hint(reason), file=sys.stderr)
        return EXIT_USAGE
    # --load's parsing starts now, on the other core, while the app imports its UI (~0.7 s of
    # CPU) and draws its first frame.
    _read_early(settings.load_paths)
    # Imported late so that --help and flag errors answer instantly.
    from whisper_tui.ui.app import WhisperApp

    app = WhisperApp(
        settings,
        sock=sock,
        store=store,
        policy=policy,
        freeze_heap=True,
        colours=colour_mode(os.environ),
    )
    # What App.run does (asyncio.run of run_async), on the loop --loop chose.
    run_on(settings.loop, app.run_async())
    if app.session.save_failure is not None:  # said once the screen is gone, where it stays
        print(f"whisper-tui: error: {app.session.save_failure}", file=sys.stderr)
        return app.return_code or EXIT_SAVE_FAILED
    # 1 after a crash (Textual sets it), so scripts and shells see the failure.
    return app.return_code or 0


def check_load_files(paths: Sequence[str]) -> str | None:
    """Why one of the --load files can't be loaded (missing, not HAR), or None.

    Only each file's start is read here; the entries are read off the loop while the app
    starts (core/loading.py), and a file cut short further on keeps what came before.
    """
    if not paths:
        return None
    # HAR reading (and --save's writing, below) is imported only by a start that uses it:
    # ~10 ms of CPU before an empty app's first frame.
    from whisper_tui.core.loading import check_loadable

    for path in paths:
        problem = check_loadable(path)
        if problem:
            return problem
    return None


def _read_early(paths: Sequence[str]) -> None:
    if paths:
        from whisper_tui.core.loading import read_early

        read_early(paths)


def forward_loop_problem(settings: Settings, port: int) -> str | None:
    """Why --forward can't be used: it names the address whisper-tui listens on (checked once
    bound: --port 0's port is known only then). Every forward would come back as a capture."""
    url = settings.forward_url
    if url and is_own_target(url, {(settings.host, port)}):
        return (
            f"--forward {shown_url(url)} is whisper-tui's own address ({settings.host}:{port}): "
            "every capture would be sent back to it; forward to your app's address instead"
        )
    return None


def keymap_problem(settings: Settings) -> str | None:
    """A [keymap] binding id the app has no action for, or a key it gives two actions where
    both work (keymap_conflicts), or None, in headless mode too (the file is the same for
    both). The action table is plain Python until it makes bindings, so this imports no
    Textual (the file's value types were checked before)."""
    if not settings.keymap:
        return None
    from whisper_tui.ui.action_registry import all_actions
    from whisper_tui.ui.keymap_conflicts import keymap_conflict, unknown_key

    known = [action.id for action in all_actions()]
    source = settings.config_file or config_path()
    for action_id, _keys in settings.keymap:
        if action_id not in known:
            ids = ", ".join(known)
            return (
                f"{source}: keymap: unknown binding id {action_id!r}; binding ids: {ids} "
                f"({SEE_KEYMAP})"
            )
    conflict = unknown_key(dict(settings.keymap)) or keymap_conflict(
        dict(settings.keymap), all_actions()
    )
    return f"{source}: {conflict} ({SEE_KEYMAP})" if conflict else None


def _run_headless(
    settings: Settings, sock: socket.socket, store: RequestStore, policy: ResponsePolicy
) -> int:
    """Headless mode with every configured secret masked in what it prints, crashes included."""
    from whisper_tui.core.session import Session
    from whisper_tui.headless import serve_headless

    session = Session(settings, store=store, policy=policy, sock=sock)
    redactor = session.redactor  # the session's, as the TUI's crash report uses
    if redactor:
        # Error messages (ours, aiohttp's logged tracebacks) could quote a secret back. Not
        # stdout: its lines are masked field by field as they are made (masking a finished
        # --json line broke it: `"size":***`), and nothing else is written there.
        sys.stderr = RedactingStream(sys.stderr, redactor)  # type: ignore[assignment]
    try:
        return run_on(
            settings.loop,
            serve_headless(
                session,
                as_json=settings.json_lines,
                out=sys.stdout,
                freeze_heap=True,
            ),
        )
    except Exception as error:
        report = redactor.crash_report(error)
        print(f"whisper-tui: crashed; please report this:\n{report}", file=sys.stderr)
        return 1


def _would_replace(settings: Settings) -> str | None:
    """Why --save would lose a file that is there, or None. The file is written whole from the
    session's captures, so a HAR not loaded into the session would be emptied: the user keeps
    it by continuing it (--load and --save the same file) or by saving under another name. An
    empty file (made by mktemp, say) or a HAR without entries holds nothing to lose."""
    path = settings.save_path
    try:
        if os.path.getsize(path) == 0:
            return None
    except OSError:
        return None  # not there: nothing to lose
    for loaded in settings.load_paths:
        with contextlib.suppress(OSError):
            if os.path.samefile(loaded, path):
                return None
    from whisper_tui.core.har_entries import HarError
    from whisper_tui.core.har_reader import open_har

    with contextlib.suppress(HarError), open_har(path) as reader:
        if next(reader.entry_values(), None) is None and reader.problem is None:
            return None  # a HAR without entries (a session that captured nothing)
    import shlex  # only for this message

    name = shlex.quote(path)
    return (
        "it exists and would be replaced by this session's captures; add to it with "
        f"--load {name} --save {name}, or choose another name"
    )


def _unwritable(path: str) -> str | None:
    """Why a --save path can't be written, checked before anything starts (None if fine). A
    symlink is written through, so its target's directory is the one that must take a file;
    a FIFO, device, socket or directory is refused (file_targets.write_target)."""
    from whisper_tui.core.file_targets import NotAFile, check_replaceable, write_target

    try:
        target = write_target(path)
    except NotAFile as error:
        return str(error)
    directory = os.path.dirname(target)
    if not os.path.isdir(directory):
        return f"no such directory {directory}"
    if not os.access(directory, os.W_OK):
        return f"no permission to write in {directory}"
    try:
        # The way each save begins (a whole rewrite is a temporary file renamed over it).
        check_replaceable(path)
    except OSError as error:
        return f"cannot create a file in {directory}: {error.strerror or error}"
    return None
