"""The HTTP edge: Flask request → SignedRequest, and results → Binance-shaped responses and journal entries.

No business rule lives here; this is the only module besides the blueprints that knows about Flask.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from importlib import metadata
from typing import Any

from flask import Response, current_app, g, request

from mockserver import errors
from mockserver.errors import BinanceRejection, ErrorSpec
from mockserver.faults import Fault
from mockserver.gate import SignedRequest
from mockserver.params import WireParam
from mockserver.state import MockState

STATE_KEY = "fapi_mock"
CONTROL_PREFIX = "/__mock__"
WEIGHT_HEADER = "X-MBX-USED-WEIGHT-1M"
BODY_METHODS = frozenset({"POST", "PUT", "DELETE"})
# Set by the in-process `responses` bridge: delays are not slept, they become timeouts when they pass the caller's.
IN_PROCESS_ENVIRON_KEY = "fapi_mock.in_process"
# Read by the waitress task: the connection is closed with nothing written.
DROP_ENVIRON_KEY = "fapi_mock.drop_connection"
FAULT_HEADER = "X-Mock-Fault"


def _package_ident() -> str:
    try:
        return f"fapi-mock/{metadata.version('fapi-mock')}"
    except metadata.PackageNotFoundError:
        return "fapi-mock/0+unknown"


MOCK_IDENT = _package_ident()


def mock_state() -> MockState:
    state: MockState = current_app.extensions[STATE_KEY]
    return state


def compact_json(body: Any) -> bytes:
    return json.dumps(body, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def json_response(body: Any, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    response = Response(compact_json(body), status=status, content_type="application/json")
    response.headers["X-Mock-Exchange"] = MOCK_IDENT
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response


@dataclass
class CallRecord:
    """What the edge learns about one Binance-path call while it runs, for its headers and journal entry."""

    raw_body: bytes = b""
    used_weight: int = 0
    signed: SignedRequest | None = None
    rejection: BinanceRejection | None = None
    fault: Fault | None = None
    extra: dict[str, Any] = field(default_factory=dict)


def call_record() -> CallRecord:
    record: CallRecord | None = g.get("fapi_call")
    if record is None:
        record = CallRecord()
        g.fapi_call = record
    return record


def is_binance_path(path: str) -> bool:
    return not (path == CONTROL_PREFIX or path.startswith(CONTROL_PREFIX + "/"))


def client_ip() -> str:
    return request.remote_addr or "0.0.0.0"


def read_body(max_bytes: int) -> bytes:
    """The raw body, refused with 413 before it is read when it is larger than the cap."""
    if request.method not in BODY_METHODS:
        return b""
    declared = request.content_length
    if declared is not None and declared > max_bytes:
        raise BinanceRejection(errors.body_too_large(max_bytes), f"Content-Length {declared} is over the cap")
    body = request.stream.read(max_bytes + 1)
    if len(body) > max_bytes:
        raise BinanceRejection(errors.body_too_large(max_bytes), "the chunked body is over the cap")
    return body


def signed_request() -> SignedRequest:
    """The current request as the gate reads it (GET parameters come from the query string only)."""
    record = call_record()
    if record.signed is None:
        record.signed = SignedRequest.from_wire(
            request.method,
            request.path,
            request.query_string,
            record.raw_body,
            request.headers.get("X-MBX-APIKEY"),
            client_ip(),
        )
    return record.signed


def binance_error_response(spec: ErrorSpec, headers: dict[str, str] | None = None) -> Response:
    return json_response(spec.body(), spec.http_status, headers)


def _describe_param(param: WireParam) -> dict[str, str]:
    return {
        "name": param.key,
        "value": param.value if param.value is not None else param.raw_value.decode("latin-1"),
        "origin": param.origin.value,
    }


def journal_entry(response: Response, record: CallRecord, server_time_ms: int) -> dict[str, Any]:
    signed = record.signed
    entry: dict[str, Any] = {
        "time": server_time_ms,
        "method": request.method,
        "path": request.path,
        "clientIp": client_ip(),
        "apiKey": request.headers.get("X-MBX-APIKEY"),
        "account": mock_state().account_of(request.headers.get("X-MBX-APIKEY")),
        "params": [_describe_param(p) for p in (*signed.query_params, *signed.body_params)] if signed else [],
        "status": response.status_code,
        "code": None,
        "explanation": "",
        "detail": {},
    }
    rejection = record.rejection
    if rejection is not None:
        entry.update(code=rejection.spec.code, explanation=rejection.explanation, detail=rejection.detail)
    elif response.status_code == 200 and request.method == "POST":
        entry.update(code=200, explanation="applied")
    else:
        entry["explanation"] = "answered"
    entry.update(record.extra)
    return entry
