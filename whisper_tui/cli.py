"""Command line: flags into Settings, then the TUI (or a one-line error and exit status 2)."""

from __future__ import annotations

import argparse
import asyncio
import errno
import os
import socket
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import NoReturn

from whisper_tui import __version__
from whisper_tui.core.config import ConfigError, config_path, load_config
from whisper_tui.core.har import load_har
from whisper_tui.core.replay import validate_target
from whisper_tui.core.responses import Rule, RuleError, parse_delay, parse_rule, parse_status
from whisper_tui.core.settings import DEFAULT_HOST, DEFAULT_MAX_BODY, DEFAULT_PORT, Settings
from whisper_tui.core.signatures import parse_secret_arg, secrets_from_env
from whisper_tui.core.sizes import parse_size
from whisper_tui.core.store import DEFAULT_MAX_BYTES, DEFAULT_MAX_REQUESTS, RequestStore
from whisper_tui.tuning import tune_process

EXIT_USAGE = 2

DESCRIPTION = """\
Capture every HTTP request sent to HOST:PORT and inspect it in the terminal:
the exact bytes that arrived, headers in order with duplicates and case kept.
Point your webhooks (Stripe, GitHub, Shopify, Slack...) at http://HOST:PORT/any/path."""

EPILOG = """\
examples:
  whisper-tui                         listen on 127.0.0.1:8080
  whisper-tui --port 9000             another port
  whisper-tui --max-body 100MiB       accept bigger bodies
  curl -d '{"hello":"world"}' -H 'Content-Type: application/json' localhost:8080/hooks/test

keys: j/k or arrows move, g/G first/last, Tab switches pane, ? help, q quit."""


class _OneLineErrorParser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        # One line, no usage dump: the user sees what is wrong and where to look.
        self.exit(EXIT_USAGE, f"whisper-tui: error: {message} (see whisper-tui --help)\n")


def _size(text: str) -> int:
    try:
        return parse_size(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def _port(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a port number: {text!r}") from None
    if not 0 <= value <= 65535:
        raise argparse.ArgumentTypeError(f"port {value} is outside 0-65535")
    return value


def _positive(text: str) -> int:
    try:
        value = int(text.replace("_", "").replace(",", ""))
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, got {value}")
    return value


def _seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number of seconds: {text!r}") from None
    if value < 0:
        raise argparse.ArgumentTypeError("must not be negative")
    return value


def _status(text: str) -> int:
    try:
        return parse_status(text)
    except RuleError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def _delay(text: str) -> float:
    try:
        return parse_delay(text)
    except RuleError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def _rule(text: str) -> Rule:
    try:
        return parse_rule(text)
    except RuleError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def _config_defaults(config: dict) -> dict:
    """argparse defaults from the config file's settings (values checked like flags)."""
    defaults: dict = {}
    simple = {
        "host": "host",
        "forward": "forward",
        "relay_response": "relay_response",
        "public_url": "public_url",
        "max_requests": "max_requests",
    }
    for key, dest in simple.items():
        if key in config:
            defaults[dest] = config[key]
    if "port" in config:
        defaults["port"] = _port(str(config["port"]))
    if "max_body" in config:
        defaults["max_body"] = parse_size(config["max_body"])
    if "max_memory" in config:
        defaults["max_memory"] = parse_size(config["max_memory"])
    if "tolerance" in config:
        defaults["tolerance"] = float(config["tolerance"])
    if "status" in config:
        defaults["status"] = parse_status(str(config["status"]))
    if "delay" in config:
        defaults["delay"] = float(config["delay"])
    return defaults


def build_parser() -> argparse.ArgumentParser:
    parser = _OneLineErrorParser(
        prog="whisper-tui",
        description=DESCRIPTION,
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--host",
        default=DEFAULT_HOST,
        help=f"address to listen on (default {DEFAULT_HOST}: only this machine can send; "
        "0.0.0.0 exposes captures to the network)",
    )
    parser.add_argument(
        "--port",
        type=_port,
        default=DEFAULT_PORT,
        help=f"port to listen on (default {DEFAULT_PORT}; 0 picks a free one)",
    )
    parser.add_argument(
        "--max-body",
        type=_size,
        default=DEFAULT_MAX_BODY,
        metavar="SIZE",
        help="largest body accepted; bigger ones get 413 and are listed as rejected with "
        "their headers (default 32MiB; units B, KB, KiB, MB, MiB, GB, GiB)",
    )
    parser.add_argument(
        "--max-requests",
        type=_positive,
        default=DEFAULT_MAX_REQUESTS,
        metavar="N",
        help=f"captures kept in memory; the oldest are evicted beyond it "
        f"(default {DEFAULT_MAX_REQUESTS:,})",
    )
    parser.add_argument(
        "--max-memory",
        type=_size,
        default=DEFAULT_MAX_BYTES,
        metavar="SIZE",
        help="total bytes of captures kept; the oldest are evicted beyond it (default 512MiB)",
    )
    parser.add_argument(
        "--secret",
        action="append",
        default=[],
        metavar="SCHEME=SECRET",
        help="verify signatures of SCHEME (stripe, github, shopify, slack, standard/svix, "
        "paddle, twilio) with SECRET; repeatable. Also read from WHISPER_SECRET_<SCHEME> "
        "environment variables (flags win). Secrets are never shown or exported",
    )
    parser.add_argument(
        "--tolerance",
        type=_seconds,
        default=300.0,
        metavar="SECONDS",
        help="how far a signed timestamp may be from the arrival time (default 300)",
    )
    parser.add_argument(
        "--public-url",
        metavar="URL",
        help="the public base URL senders post to (e.g. your tunnel's https URL); Twilio "
        "signs the full URL, so its signatures need it",
    )
    relay = parser.add_argument_group("forwarding and replay")
    relay.add_argument(
        "--forward",
        metavar="URL",
        help="also send every capture live to URL, with the original path and query appended "
        "(http://localhost:3000 + /hooks/x?a=1). Same method, body bytes and headers in order; "
        "only Host and hop-by-hop headers change. `r` replays to the same URL",
    )
    relay.add_argument(
        "--relay-response",
        action="store_true",
        help="answer the sender with the forward target's status, headers and body (502 when "
        "the target is down), so a provider's retries behave as in production",
    )
    answers = parser.add_argument_group("answers (simulate failures to test provider retries)")
    answers.add_argument(
        "--status",
        type=_status,
        default=200,
        metavar="CODE",
        help="status to answer every capture with (default 200)",
    )
    answers.add_argument(
        "--delay",
        type=_delay,
        default=0.0,
        metavar="SECONDS",
        help="wait this long before answering (the capture is listed at once)",
    )
    answers.add_argument(
        "--respond",
        action="append",
        default=[],
        type=_rule,
        metavar="'METHOD PATH STATUS [DELAYs]'",
        help="answer matching requests differently, e.g. 'POST /hooks/stripe* 500' or "
        "'ANY /slow 200 12s'; repeatable, first match wins. In the TUI, `a` cycles "
        "normal / 500 / slow",
    )
    files = parser.add_argument_group("files and modes")
    files.add_argument(
        "--save",
        metavar="FILE.har",
        help="keep FILE.har current with every capture (HAR 1.2, written atomically; complete "
        "at exit). Binary bodies round-trip byte-exact (base64 with _encoding)",
    )
    files.add_argument(
        "--load",
        metavar="FILE.har",
        help="start with the entries of a HAR file (ours or a browser's)",
    )
    files.add_argument(
        "--headless",
        action="store_true",
        help="no TUI: print one line per delivery on stdout; Ctrl-C (SIGINT/SIGTERM) stops "
        "cleanly and completes --save",
    )
    files.add_argument(
        "--json", action="store_true", help="with --headless, print JSON lines instead"
    )
    parser.add_argument(
        "--config",
        metavar="FILE",
        help=f"settings file (default {config_path()}); flags override it",
    )
    parser.add_argument("--version", action="version", version=f"whisper-tui {__version__}")
    return parser


def parse_settings(
    argv: Sequence[str] | None = None, environ: Mapping[str, str] | None = None
) -> Settings:
    parser = build_parser()
    # The config file gives defaults; anything on the command line overrides them.
    early, _ = parser.parse_known_args(argv)
    try:
        config = load_config(Path(early.config) if early.config else None)
        parser.set_defaults(**_config_defaults(config))
    except (ConfigError, ValueError) as error:
        parser.error(str(error))
    args = parser.parse_args(argv)
    try:
        secrets = {
            scheme_name: secret
            for scheme_name, secret in (
                parse_secret_arg(f"{key}={value}")
                for key, value in config.get("secrets", {}).items()
            )
        }
        secrets.update(secrets_from_env(os.environ if environ is None else environ))
        for text in args.secret:
            scheme, secret = parse_secret_arg(text)
            secrets[scheme] = secret
    except ValueError as error:
        parser.error(str(error))
    if args.public_url and not args.public_url.startswith(("http://", "https://")):
        parser.error(f"--public-url must start with http:// or https://, got {args.public_url!r}")
    try:
        config_rules = [parse_rule(text) for text in config.get("respond", [])]
    except RuleError as error:
        parser.error(f"config respond: {error}")
    if args.json and not args.headless:
        parser.error("--json goes with --headless")
    if args.relay_response and not args.forward:
        parser.error("--relay-response needs --forward URL")
    if args.forward:
        problem = validate_target(args.forward)
        if problem:
            parser.error(f"--forward {args.forward!r}: {problem}")
    return Settings(
        answer_status=args.status,
        answer_delay=args.delay,
        rules=tuple(args.respond or config_rules),
        forward_url=args.forward,
        relay_response=args.relay_response,
        save_path=args.save,
        load_path=args.load,
        headless=args.headless,
        json_lines=args.json,
        secrets=tuple(sorted(secrets.items())),
        theme=config.get("theme"),
        keymap=tuple(sorted((str(k), str(v)) for k, v in config.get("keymap", {}).items())),
        config_file=early.config,
        signature_tolerance=args.tolerance,
        public_url=args.public_url,
        host=args.host,
        port=args.port,
        max_body=args.max_body,
        max_requests=args.max_requests,
        max_bytes=args.max_memory,
    )


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
    settings = parse_settings(argv)
    tune_process()
    from whisper_tui.core.server import bind_socket

    try:
        sock = bind_socket(settings.host, settings.port)
    except OSError as error:
        print(f"whisper-tui: error: {listen_error(settings, error)}", file=sys.stderr)
        return EXIT_USAGE
    if not settings.is_loopback:
        print(
            f"whisper-tui: warning: listening on {settings.host}: captures (with any secrets "
            "in them) can be sent and seen from the network",
            file=sys.stderr,
        )
    store = RequestStore(settings.max_requests, settings.max_bytes)
    if settings.load_path:
        try:
            for request in load_har(settings.load_path):
                store.add(request)
        except (OSError, ValueError) as error:
            sock.close()
            reason = error.strerror if isinstance(error, OSError) else str(error)
            print(
                f"whisper-tui: error: cannot load {settings.load_path}: {reason}", file=sys.stderr
            )
            return EXIT_USAGE
    if settings.save_path:
        problem = _unwritable(settings.save_path)
        if problem:
            sock.close()
            print(
                f"whisper-tui: error: cannot save to {settings.save_path}: {problem}",
                file=sys.stderr,
            )
            return EXIT_USAGE
    policy = settings.response_policy()
    if settings.headless:
        from whisper_tui.headless import serve_headless

        return asyncio.run(
            serve_headless(
                settings,
                sock,
                store,
                policy,
                as_json=settings.json_lines,
                freeze_heap=True,
            )
        )
    # Imported late so that --help and flag errors answer instantly.
    from whisper_tui.ui.app import WhisperApp

    WhisperApp(settings, sock=sock, store=store, policy=policy, freeze_heap=True).run()
    return 0


def _unwritable(path: str) -> str | None:
    """Why a --save path can't be written, checked before anything starts (None if fine)."""
    directory = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(directory):
        return f"no such directory {directory}"
    if not os.access(directory, os.W_OK):
        return f"no permission to write in {directory}"
    if os.path.isdir(path):
        return "it is a directory"
    return None
