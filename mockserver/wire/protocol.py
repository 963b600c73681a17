"""What every answer of the fake shares on the wire: compact JSON, its headers, and the environ keys of the edges."""

from __future__ import annotations

import ipaddress
import json
from importlib import metadata
from typing import Any

STATE_KEY = "fapi_mock"  # where create_app keeps the MockState in app.extensions
CONTROL_PREFIX = "/__mock__"
WEIGHT_HEADER = "X-MBX-USED-WEIGHT-1M"
FAULT_HEADER = "X-Mock-Fault"
# Set by the in-process `responses` bridge: delays are not slept, they become timeouts when they pass the caller's.
IN_PROCESS_ENVIRON_KEY = "fapi_mock.in_process"
# Read by the waitress task: the connection is closed with nothing written.
DROP_ENVIRON_KEY = "fapi_mock.drop_connection"
# Set by the waitress task when it can hold an answer back without keeping a worker thread: the edge then does not
# sleep out a `delay` fault but puts its length (seconds) under DELAY_ENVIRON_KEY for the server to wait out.
DEFERS_DELAY_ENVIRON_KEY = "fapi_mock.defers_delay"
DELAY_ENVIRON_KEY = "fapi_mock.delay_s"


def _package_ident() -> str:
    try:
        return f"fapi-mock/{metadata.version('fapi-mock')}"
    except metadata.PackageNotFoundError:
        return "fapi-mock/0+unknown"


MOCK_IDENT = _package_ident()


def compact_json(body: Any) -> bytes:
    """Binance's byte form: no spaces, non-ASCII kept as UTF-8."""
    return json.dumps(body, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


# The control API's token: sent by clients in this header, read by the CLI from this environment variable.
CONTROL_TOKEN_HEADER = "X-Mock-Control-Token"
CONTROL_TOKEN_ENV = "FAPI_MOCK_CONTROL_TOKEN"


def is_loopback(host: str) -> bool:
    """A loopback address or name: a bind host for the CLI, a peer address for the control API's guard."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.split("%", 1)[0]).is_loopback  # an IPv6 zone id (::1%lo) is no part of it
    except ValueError:
        return False


def is_control_path(path: str) -> bool:
    return path == CONTROL_PREFIX or path.startswith(CONTROL_PREFIX + "/")
