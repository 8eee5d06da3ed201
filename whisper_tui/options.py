"""Every option, declared once: its flag, config key, parser, help and the Settings field it fills.

The command line (`cli.build_parser`) and the config-file check (`config_values`) are both built
from OPTIONS, so a bad value gets the same one-line message from either and exit status 2.
Adding an option means adding one entry here (and, when it is new, a field to Settings); what an
entry holds is `option_types.Option`, the parsers it names are in `option_parsers.py`.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from whisper_tui.core.config import ConfigError, config_path
from whisper_tui.core.responses import parse_delay, parse_rule, parse_status
from whisper_tui.core.settings import DEFAULT_HOST, DEFAULT_PORT
from whisper_tui.core.signatures import parse_secret_arg
from whisper_tui.core.store import DEFAULT_MAX_REQUESTS
from whisper_tui.core.tunnels import parse_tunnel, usages
from whisper_tui.loops import parse_loop
from whisper_tui.option_parsers import (
    TableProblems,
    keymap_table,
    parse_body_limit,
    parse_count,
    parse_forward_url,
    parse_memory_limit,
    parse_port,
    parse_public_url,
    parse_theme,
    parse_tolerance,
    secrets_table,
    tolerance_table,
)
from whisper_tui.option_types import Option

FORWARDING = "forwarding and replay"
ANSWERS = "answers (simulate failures to test provider retries)"
FILES = "files and modes"


OPTIONS: tuple[Option, ...] = (
    Option(
        "host",
        f"address to listen on (default {DEFAULT_HOST}: only this machine can send; "
        "0.0.0.0 exposes captures to the network)",
        flag="--host",
        config_key="host",
        metavar="HOST",
    ),
    Option(
        "port",
        f"port to listen on (default {DEFAULT_PORT}; 0 picks a free one)",
        flag="--port",
        parse=parse_port,
        config_key="port",
        config_types=(int,),
        metavar="PORT",
    ),
    Option(
        "max_body",
        "largest body accepted; bigger ones get 413 and are listed as rejected with "
        "their headers (default 32MiB; units B, KB, KiB, MB, MiB, GB, GiB)",
        flag="--max-body",
        parse=parse_body_limit,
        config_key="max_body",
        config_types=(str, int),  # an integer is bytes: max_body = 1024
        metavar="SIZE",
    ),
    Option(
        "max_requests",
        f"captures kept in memory; the oldest are evicted beyond it "
        f"(default {DEFAULT_MAX_REQUESTS:,})",
        flag="--max-requests",
        parse=parse_count,
        config_key="max_requests",
        config_types=(int,),
        metavar="N",
    ),
    Option(
        "max_bytes",
        "total bytes of captures kept; the oldest are evicted beyond it (default 512MiB)",
        flag="--max-memory",
        parse=parse_memory_limit,
        config_key="max_memory",
        config_types=(str, int),  # an integer is bytes, as for max_body
        metavar="SIZE",
    ),
    Option(
        "secrets",
        "verify signatures of SCHEME (stripe, github, shopify, slack, standard/svix, "
        "paddle, twilio) with SECRET; repeatable, a scheme too (several secrets: any one "
        "verifies, the first re-signs). Also read from WHISPER_SECRET_<SCHEME> environment "
        "variables, several separated by commas except github's (flags win). Secrets are "
        "never shown or exported",
        flag="--secret",
        parse=parse_secret_arg,
        config_key="secrets",
        config_types=(dict,),
        from_table=secrets_table,
        action="append",
        metavar="SCHEME=SECRET",
    ),
    Option(
        "tolerances",
        "how far a signed timestamp may be from the arrival time, for every scheme or for one "
        "(paddle=60); repeatable. Default: what each provider's SDK accepts (Paddle 5 s, "
        "Stripe, Slack and Standard Webhooks 300 s)",
        flag="--tolerance",
        parse=parse_tolerance,
        config_key="tolerance",
        config_types=(int, float, dict),
        from_table=tolerance_table,
        action="append",
        metavar="[SCHEME=]SECONDS",
    ),
    Option(
        "public_url",
        "the public base URL senders post to (e.g. your tunnel's https URL); Twilio "
        "signs the full URL, so its signatures need it",
        flag="--public-url",
        parse=parse_public_url,
        config_key="public_url",
        metavar="URL",
    ),
    Option(
        "tunnel",
        lambda: (
            f"a public URL through a tunnel you already have ({usages()}); ssh runs a remote "
            "forward (the ssh command is WHISPER_SSH_COMMAND); ngrok needs the ngrok extra and "
            "NGROK_AUTHTOKEN. Shown on top, copied with U, and the --public-url unless one is "
            "given; reconnected with backoff when it drops"
        ),
        flag="--tunnel",
        parse=parse_tunnel,
        config_key="tunnel",
        metavar="KIND",
    ),
    Option(
        "forward_url",
        "also send every capture live to URL, with the original path and query appended "
        "(http://localhost:3000 + /hooks/x?a=1). Same method, body bytes and headers in order; "
        "only Host and hop-by-hop headers change. `r` replays to the same URL",
        flag="--forward",
        parse=parse_forward_url,
        config_key="forward",
        group=FORWARDING,
        metavar="URL",
    ),
    Option(
        "relay_response",
        "answer the sender with the forward target's status, headers and body (502 when "
        "the target is down), so a provider's retries behave as in production",
        flag="--relay-response",
        config_key="relay_response",
        config_types=(bool,),
        action="store_true",
        group=FORWARDING,
    ),
    Option(
        "answer_status",
        "status to answer every capture with (default 200)",
        flag="--status",
        parse=parse_status,
        config_key="status",
        config_types=(int,),
        group=ANSWERS,
        metavar="CODE",
    ),
    Option(
        "answer_delay",
        "wait this long before answering (the capture is listed at once)",
        flag="--delay",
        parse=parse_delay,
        config_key="delay",
        config_types=(int, float),
        group=ANSWERS,
        metavar="SECONDS",
    ),
    Option(
        "rules",
        "answer matching requests differently, e.g. 'POST /hooks/stripe* 500', "
        "'ANY /slow 200 12s' or 'POST /hooks/* 429 header=Retry-After:30 body=@answer.json' "
        "(header= repeats; the body file is read at startup); repeatable, first match wins. "
        "In the TUI, `a` cycles normal / 500 / slow / 410 / 429",
        flag="--respond",
        parse=parse_rule,
        parse_in_file=parse_rule,
        config_key="respond",
        config_types=(list,),
        action="append",
        group=ANSWERS,
        metavar="'METHOD PATH STATUS [DELAYs] [header=N:V] [body=@FILE]'",
    ),
    Option(
        "save_path",
        "keep FILE.har current with every capture (HAR 1.2, written atomically; complete "
        "at exit). Binary bodies round-trip byte-exact (base64 with _encoding). A symlink is "
        "written through (it stays a link); a FIFO, device, socket or directory is refused",
        flag="--save",
        group=FILES,
        metavar="FILE.har",
    ),
    Option(
        "load_paths",
        "start with the entries of a HAR file (ours or a browser's); repeat to load several, "
        "in order",
        flag="--load",
        action="append",
        group=FILES,
        metavar="FILE.har",
    ),
    Option(
        "headless",
        "no TUI: print one line per delivery on stdout; Ctrl-C (SIGINT/SIGTERM/SIGHUP) stops "
        "cleanly and completes --save",
        flag="--headless",
        action="store_true",
        group=FILES,
    ),
    Option(
        "json_lines",
        "with --headless, print JSON lines instead",
        flag="--json",
        action="store_true",
        group=FILES,
    ),
    Option(
        "loop",
        "event loop: uvloop (faster; Linux and macOS), asyncio, or auto (uvloop when installed)",
        flag="--loop",
        parse=parse_loop,
        config_key="loop",
        metavar="auto|asyncio|uvloop",
    ),
    Option(
        "config_file",
        lambda: f"settings file (default {config_path()}); flags override it",
        flag="--config",
        metavar="FILE",
    ),
    Option(
        "theme",
        "Textual theme; the app writes it back when you pick one in the palette",
        parse=parse_theme,
        config_key="theme",
    ),
    Option(
        "wrap",
        "wrap the body's long lines in the detail (header values always wrap); "
        "the app writes it back when you press w",
        config_key="wrap",
        config_types=(bool,),
        action="store_true",
    ),
    Option(
        "keymap",
        "[keymap] table: binding id = keys (checked by the app, which knows its bindings)",
        config_key="keymap",
        config_types=(dict,),
        from_table=keymap_table,
    ),
)

CONFIG_KEYS: dict[str, Option] = {
    option.config_key: option for option in OPTIONS if option.config_key is not None
}
"""The options config.toml may set, by key."""

FLAGS: dict[str, Option] = {option.flag: option for option in OPTIONS if option.flag is not None}
"""The options the command line takes, by flag."""


def _argparse_type(parse: Callable[[str], Any]) -> Callable[[str], Any]:
    # argparse shows an ArgumentTypeError's own text; any other error becomes a vague
    # "invalid value", so the parser's one-line message is carried over.
    def convert(text: str) -> Any:
        try:
            return parse(text)
        except ValueError as error:
            raise argparse.ArgumentTypeError(str(error)) from None

    convert.__name__ = parse.__name__
    return convert


def add_flags(parser: argparse.ArgumentParser) -> None:
    """Add every option that has a flag, in table order, under its --help section.

    No defaults are set (argparse.SUPPRESS): the parsed namespace holds only the flags given,
    so they can override the config file and the file can override Settings' defaults.
    """
    groups: dict[str | None, argparse._ActionsContainer] = {None: parser}
    for option in OPTIONS:
        if option.flag is None:
            continue
        if option.group not in groups:
            groups[option.group] = parser.add_argument_group(option.group)
        target = groups[option.group]
        if option.action == "store_true":
            target.add_argument(
                option.flag,
                action="store_true",
                dest=option.field,
                default=argparse.SUPPRESS,
                help=option.help_text(),
            )
        else:
            target.add_argument(
                option.flag,
                action=option.action,
                type=_argparse_type(option.parse),
                dest=option.field,
                default=argparse.SUPPRESS,
                metavar=option.metavar,
                help=option.help_text(),
            )


def flag_values(namespace: argparse.Namespace) -> dict[str, Any]:
    """The Settings fields the flags given on the command line set (repeated flags as tuples)."""
    return {
        field: tuple(value) if isinstance(value, list) else value
        for field, value in vars(namespace).items()
    }


def config_values(data: Mapping[str, object], source: Path) -> dict[str, Any]:
    """The Settings fields a config file's data sets, each value read by its option's parser.

    Raises ConfigError naming the file, the key and the problem (the same words a bad flag
    value gets), one line per problem: every key is read, so a file with three mistakes says
    all three at once rather than one a run.
    """
    values: dict[str, Any] = {}
    problems: list[tuple[str, str | None]] = []
    for key, value in data.items():
        option = CONFIG_KEYS.get(key)
        if option is None:
            known = ", ".join(CONFIG_KEYS)
            problems.append((f"{source}: unknown setting {key!r}; known: {known}", None))
            continue
        try:
            values[option.field] = option.from_config(value, source.parent)
        except TableProblems as error:  # a table's entries: each one its own line
            problems += [(f"{source}: {key}: {line}", key) for line in error.lines]
        except ValueError as error:
            problems.append((f"{source}: {key}: {error}", key))
    if problems:
        first_key = problems[0][1]
        raise ConfigError("\n".join(line for line, _ in problems), first_key, problems)
    return values
