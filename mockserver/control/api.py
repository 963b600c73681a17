"""The control API under /__mock__/: seed and inspect the fake from tests. Never reachable through a Binance path.

Errors here are `{"error": "..."}` with 400 or 404, so they can never be mistaken for a Binance answer.
"""

from __future__ import annotations

import hmac
from typing import Any

from flask import Blueprint, Response, current_app, request

from mockserver.domain.fields import SpecError, bounded_number, refuse_unknown_fields
from mockserver.domain.seeding import MAX_CLOCK_OFFSET_MS
from mockserver.state import MockState
from mockserver.wire.protocol import (
    CONTROL_PREFIX,
    CONTROL_TOKEN_HEADER,
    MOCK_IDENT,
    STATE_KEY,
    compact_json,
    is_loopback,
)

control = Blueprint("control", __name__, url_prefix=CONTROL_PREFIX)


def mock_state() -> MockState:
    state: MockState = current_app.extensions[STATE_KEY]
    return state


def json_response(body: Any, status: int = 200) -> Response:
    response = Response(compact_json(body), status=status, content_type="application/json")
    response.headers["X-Mock-Exchange"] = MOCK_IDENT
    return response


class ControlRequestError(Exception):
    """A control call the fake refuses: answered `{"error": ...}` with `status`."""

    def __init__(self, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.status = status


@control.errorhandler(ControlRequestError)
def _control_error(exc: ControlRequestError) -> Response:
    return json_response({"error": str(exc)}, exc.status)


@control.errorhandler(SpecError)
def _spec_error(exc: SpecError) -> Response:
    # Every description the domain or the fault book refuses (a seed, a key, a fault) is the caller's mistake.
    return json_response({"error": str(exc)}, 400)


MAX_ACCOUNT_ID_LENGTH = 128
LATEST_INSTANT_MS = 253_402_300_799_999  # 9999-12-31T23:59:59.999Z


@control.before_request
def _only_trusted_peers() -> None:
    """The control API mints keys and shows secrets: loopback peers only, unless the fake was started with
    `control_from_anywhere` (or a token, which every peer must then send)."""
    config = mock_state().config
    token = config.control_token
    if token is not None:
        sent = request.headers.get(CONTROL_TOKEN_HEADER, "")
        if not hmac.compare_digest(sent.encode(), token.encode()):
            raise ControlRequestError(f"the control API needs the {CONTROL_TOKEN_HEADER} header of this fake", 403)
        return
    if config.control_from_anywhere or is_loopback(request.remote_addr or ""):
        return
    raise ControlRequestError(
        f"the control API answers loopback peers only, not {request.remote_addr}: start the fake with "
        "--control-from-anywhere or --control-token to open it",
        403,
    )


@control.url_value_preprocessor
def _check_account_id(endpoint: str | None, values: dict[str, Any] | None) -> None:
    account_id = (values or {}).get("account_id")
    if account_id is None:
        return
    if len(account_id) > MAX_ACCOUNT_ID_LENGTH or "\ufffd" in account_id or not account_id.isprintable():
        # werkzeug decodes a path's bytes as UTF-8 with replacement: %FF and %FE would both become U+FFFD.
        raise ControlRequestError(
            f"an account id is 1 to {MAX_ACCOUNT_ID_LENGTH} printable characters of valid UTF-8", 400
        )


def json_object() -> dict[str, Any]:
    try:
        body = request.get_json(silent=True) if request.get_data() else {}
    except RecursionError:
        raise ControlRequestError("the request body is nested too deeply") from None
    if not isinstance(body, dict):
        raise ControlRequestError("the request body must be a JSON object")
    try:
        compact_json(body)  # lone surrogates (\ud800) would be stored, then break every later answer that shows them
    except UnicodeEncodeError:
        raise ControlRequestError("the request body must be valid Unicode (no lone surrogates)") from None
    return body


def _milliseconds(body: dict[str, Any], name: str, low: int, high: int) -> int | None:
    value = body.get(name)
    if value is None:
        return None
    result: int = bounded_number(value, f"{name} (milliseconds, or null)", low, high)
    return result


@control.post("/keys")
def register_key() -> Response:
    return json_response(mock_state().exchange.register_key(json_object()).answer())


@control.get("/keys")
def list_keys() -> Response:
    return json_response([key.describe() for key in mock_state().exchange.registered_keys()])


@control.get("/accounts/<account_id>")
def read_account(account_id: str) -> Response:
    described = mock_state().exchange.describe_account(account_id)
    if described is None:
        raise ControlRequestError(f"no account {account_id!r}", 404)
    return json_response(described)


@control.delete("/accounts/<account_id>")
def delete_account(account_id: str) -> Response:
    """Remove the account and its keys: what a test's fixture does when the test ends."""
    if not mock_state().exchange.delete_account(account_id):
        raise ControlRequestError(f"no account {account_id!r}", 404)
    return json_response({})


@control.put("/accounts/<account_id>")
def seed_account(account_id: str) -> Response:
    body = json_object()
    if "symbols" in body:
        raise ControlRequestError("seed symbols with PUT /__mock__/accounts/<account>/symbols/<symbol>")
    return json_response(mock_state().exchange.seed_account(account_id, body))


@control.put("/accounts/<account_id>/symbols/<symbol>")
def seed_symbol(account_id: str, symbol: str) -> Response:
    exchange = mock_state().exchange
    if symbol not in exchange.catalogue:
        raise ControlRequestError(f"{symbol!r} is not in the symbol catalogue", 404)
    return json_response(exchange.seed_symbol(account_id, symbol, json_object()))


@control.get("/journal")
def read_journal() -> Response:
    raw_limit = request.args.get("limit")
    limit = None
    if raw_limit is not None:
        if not (raw_limit.isascii() and raw_limit.isdigit()) or not 1 <= int(raw_limit) <= 1_000_000:
            raise ControlRequestError("limit must be a positive integer")
        limit = int(raw_limit)
    return json_response(mock_state().journal.entries(limit, request.args.get("account")))


@control.delete("/journal")
def clear_journal() -> Response:
    mock_state().journal.clear()
    return json_response({})


def _clock_answer() -> Response:
    clock = mock_state().clock
    return json_response({"serverTime": clock.now_ms(), "offsetMs": clock.offset_ms, "frozenAtMs": clock.frozen_at_ms})


@control.get("/clock")
def read_clock() -> Response:
    return _clock_answer()


@control.put("/clock")
def set_clock() -> Response:
    body = json_object()
    refuse_unknown_fields(body, ("offsetMs", "frozenAtMs"), "clock")
    # Server time must stay a LONG that clients can stamp: offsets up to ten years, instants up to year 9999.
    offset = _milliseconds(body, "offsetMs", -MAX_CLOCK_OFFSET_MS, MAX_CLOCK_OFFSET_MS)
    frozen = _milliseconds(body, "frozenAtMs", 0, LATEST_INSTANT_MS)
    # "frozenAtMs": null unfreezes; leaving it out keeps the clock as it is.
    mock_state().clock.set(offset_ms=offset, frozen_at_ms=frozen, unfreeze="frozenAtMs" in body and frozen is None)
    return _clock_answer()


@control.post("/faults")
def add_fault() -> Response:
    return json_response(mock_state().faults.add(json_object()).describe())


@control.get("/faults")
def list_faults() -> Response:
    return json_response(mock_state().faults.rules())


@control.delete("/faults")
def clear_faults() -> Response:
    """Clear every fault, or with `?account=` only that account's."""
    mock_state().faults.clear(request.args.get("account"))
    return json_response({})


@control.delete("/ratelimits")
def lift_rate_limits() -> Response:
    """Forget every IP's weight, 429 and ban, and nothing else: a test that tripped the limit goes on with its state."""
    mock_state().rate_limiter.reset()
    return json_response({})


@control.get("/state")
def export_state() -> Response:
    """Keys (secrets and public keys included), accounts, clock and faults: what `--state FILE` keeps."""
    return json_response(mock_state().export_state())


@control.put("/state")
def import_state() -> Response:
    """Replace the whole state with a document from GET /state; a bad one is a 400 and changes nothing."""
    mock_state().import_state(json_object())
    return json_response({})


@control.post("/reset")
def reset() -> Response:
    mock_state().reset()
    return json_response({})
