"""`fapi-mock` / `python -m mockserver`: run the fake in the foreground until SIGINT or SIGTERM."""

from __future__ import annotations

import argparse
import logging
import os
import signal
import sys
import threading
from collections.abc import Sequence
from pathlib import Path
from types import FrameType

from mockserver.config import DEFAULT_WEIGHT_LIMIT, DEMO_API_KEY, DEMO_SECRET, MAX_RECV_WINDOW, ConfigError, MockConfig
from mockserver.hosting.server import DEFAULT_CONNECTION_LIMIT, DEFAULT_HOST, DEFAULT_THREADS, ThreadedServer
from mockserver.hosting.statefile import StateSaver, load_state_file
from mockserver.wire.protocol import CONTROL_TOKEN_ENV, CONTROL_TOKEN_HEADER, is_loopback

EPILOG = """\
examples:
  fapi-mock                                   demo account on http://127.0.0.1:8080
  fapi-mock --port 0                          any free port (the URL is printed)
  fapi-mock --accounts accounts.toml          keys and initial state from a file (JSON or TOML)
  fapi-mock --weight-limit 0 --log-level info no rate limit, one log line per request
  fapi-mock --state fake-state.json           keep keys, accounts, clock and faults across restarts

accounts file (JSON shown; TOML has the same shape):
  {"keys": [{"type": "HMAC", "apiKey": "myKey", "secret": "mySecret", "account": "alice"},
            {"type": "ED25519", "publicKey": "-----BEGIN PUBLIC KEY-----\\n...", "account": "alice"}],
   "accounts": {"alice": {"multiAssetsMargin": false, "dualSidePosition": false, "wallet": {"USDT": "5000"},
                          "symbols": {"BTCUSDT": {"marginType": "ISOLATED", "leverage": 10, "positionAmt": "0.5",
                                                  "entryPrice": "60000", "openOrders": 1}}}}}

control API (JSON; see the README): /__mock__/keys, /__mock__/accounts/<id>, /__mock__/accounts/<id>/symbols/<s>,
  /__mock__/journal, /__mock__/clock, /__mock__/faults, /__mock__/state, /__mock__/reset
"""


def _non_negative(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not an integer") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"{text!r} is negative")
    return value


def _positive(text: str) -> int:
    value = _non_negative(text)
    if value == 0:
        raise argparse.ArgumentTypeError("must be at least 1")
    return value


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="fapi-mock",
        description="An offline fake of Binance USDⓈ-M futures POST /fapi/v1/marginType and its companion endpoints.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--host",
        default=DEFAULT_HOST,
        help="address to bind (default: %(default)s); the control API still answers loopback peers only",
    )
    parser.add_argument(
        "--control-from-anywhere",
        action="store_true",
        help="let any peer use the control API (/__mock__/: mints keys, shows secrets); default: loopback only",
    )
    parser.add_argument(
        "--control-token",
        metavar="TOKEN",
        default=os.environ.get(CONTROL_TOKEN_ENV),
        help=f"require header {CONTROL_TOKEN_HEADER}: TOKEN on every control call, from any peer "
        f"(${CONTROL_TOKEN_ENV})",
    )
    parser.add_argument(
        "--port", type=_non_negative, default=8080, help="port; 0 picks a free one (default: %(default)s)"
    )
    parser.add_argument("--accounts", metavar="FILE", help="keys and initial account state, .json or .toml")
    parser.add_argument(
        "--state",
        metavar="FILE",
        help="keep the fake's state (keys with their secrets, accounts, clock, faults) in FILE: loaded at start when "
        "it exists, saved within a second of every change and at shutdown; written atomically, mode 0600",
    )
    parser.add_argument(
        "--recv-window-max",
        type=_positive,
        default=MAX_RECV_WINDOW,
        metavar="MS",
        help="largest recvWindow accepted; more answers -1130 (default: %(default)s)",
    )
    parser.add_argument(
        "--weight-limit",
        type=_non_negative,
        default=DEFAULT_WEIGHT_LIMIT,
        metavar="N",
        help="request weight per IP per minute before 429; 0 switches the limit off (default: %(default)s)",
    )
    parser.add_argument(
        "--threads", type=_positive, default=DEFAULT_THREADS, help="worker threads (default: %(default)s)"
    )
    parser.add_argument(
        "--connection-limit",
        type=_positive,
        default=DEFAULT_CONNECTION_LIMIT,
        metavar="N",
        help="open connections before new ones wait; idle ones close after 30 s, unfinished requests after 10 s "
        "(default: %(default)s)",
    )
    parser.add_argument(
        "--log-level",
        default="warning",
        choices=["debug", "info", "warning", "error"],
        help="'info' logs one line per Binance request, never a secret (default: %(default)s)",
    )
    return parser


def _config(args: argparse.Namespace) -> MockConfig:
    options = {
        "recv_window_max": args.recv_window_max,
        "weight_limit": args.weight_limit,
        "control_from_anywhere": args.control_from_anywhere,
        "control_token": args.control_token or None,
    }
    if args.accounts:
        return MockConfig.from_accounts_file(args.accounts, **options)
    return MockConfig.demo(**options)


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    logging.basicConfig(level=args.log_level.upper(), format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    try:
        server = ThreadedServer(
            config=_config(args),
            host=args.host,
            port=args.port,
            threads=args.threads,
            connection_limit=args.connection_limit,
        )
        restored = args.state is not None and load_state_file(server.state, Path(args.state))
        server.start()
    except ConfigError as exc:
        print(f"fapi-mock: {exc}", file=sys.stderr)
        return 2
    except OSError as exc:
        print(f"fapi-mock: cannot listen on {args.host}:{args.port}: {exc.strerror or exc}", file=sys.stderr)
        return 1
    print(f"fapi-mock listening on {server.url}", flush=True)
    saver = StateSaver(server.state, Path(args.state)) if args.state is not None else None
    if saver is not None:
        try:
            saver.save()  # at once: a state file that cannot be written is refused now, not at shutdown
        except OSError as exc:
            server.stop()
            print(f"fapi-mock: cannot write state file {args.state}: {exc}", file=sys.stderr)
            return 2
        saver.start()
        print(f"state {'restored from' if restored else 'kept in'} {args.state}", flush=True)
    if not is_loopback(args.host):
        guard = (
            "any peer may use the control API (it mints keys and shows secrets)"
            if args.control_from_anywhere and not args.control_token
            else "the control API needs the token"
            if args.control_token
            else "the control API answers loopback peers only"
        )
        print(f"fapi-mock: note: {args.host} is not loopback: Binance paths face the network; {guard}", file=sys.stderr)
    if args.accounts:
        keys = server.state.exchange.registered_keys()
        print(f"{len(keys)} key(s) from {args.accounts}: " + ", ".join(k.api_key for k in keys), flush=True)
    else:
        print(f"demo account  X-MBX-APIKEY: {DEMO_API_KEY}", flush=True)
        print(f"              HMAC secret:  {DEMO_SECRET}", flush=True)
    stop = threading.Event()

    def _request_stop(signum: int, frame: FrameType | None) -> None:
        stop.set()

    signal.signal(signal.SIGINT, _request_stop)
    signal.signal(signal.SIGTERM, _request_stop)
    stop.wait()
    server.stop()
    if saver is not None:
        try:
            saver.stop()
        except OSError as exc:
            print(f"fapi-mock: cannot save state file {args.state}: {exc}", file=sys.stderr)
            return 1
    print("fapi-mock stopped", flush=True)
    return 0
